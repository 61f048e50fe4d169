package io.winnow.dataset;

import io.winnow.schemas.Json;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.UrlRecord;
import java.util.Locale;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Skips, without a request, URLs the dataset has already seen: accepted, rejected or taken down in
 * an earlier version. They end as {@code already-seen} rejections naming what happened then, so the
 * refresh still accounts for every input URL. A transient failure (network, 429, 5xx) is fetched
 * again once it is older than the refresh's retry age.
 *
 * <p>The seen logs are joined by key with the batch's URLs (a shuffle of small records), so no
 * worker holds the dataset's history in memory.
 */
public final class SkipSeenUrls extends PTransform<PCollection<UrlRecord>, StageResult<UrlRecord>> {
  private static final TupleTag<UrlRecord> URLS = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};
  private static final TupleTag<UrlRecord> NEW = new TupleTag<>() {};
  private static final TupleTag<SeenUrl> SEEN = new TupleTag<>() {};

  private final RefreshSettings settings;

  private SkipSeenUrls(RefreshSettings settings) {
    this.settings = settings;
  }

  public static SkipSeenUrls with(RefreshSettings settings) {
    return new SkipSeenUrls(settings);
  }

  @Override
  public StageResult<UrlRecord> expand(PCollection<UrlRecord> urls) {
    PCollection<KV<String, SeenUrl>> seen =
        urls.getPipeline()
            .apply("SeenLogs", Create.of(settings.seenFiles()).withCoder(StringUtf8Coder.of()))
            .apply("MatchSeenLogs", FileIO.matchAll())
            .apply("OpenSeenLogs", FileIO.readMatches())
            .apply("ReadSeenLogs", TextIO.readFiles())
            .apply("ParseSeen", ParDo.of(new ParseFn(settings)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(SeenUrl.class)));
    PCollection<KV<String, UrlRecord>> byKey =
        urls.apply(
                "KeyUrls",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(UrlRecord.class)))
                    .via(u -> KV.of(u.key(), u)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), urls.getCoder()));
    PCollectionTuple out =
        KeyedPCollectionTuple.of(NEW, byKey)
            .and(SEEN, seen)
            .apply("JoinSeen", CoGroupByKey.create())
            .apply(
                "SkipOrFetch",
                ParDo.of(new DecideFn(settings)).withOutputTags(URLS, TupleTagList.of(REJECTIONS)));
    out.get(URLS).setCoder(urls.getCoder());
    return StageResult.of(out, URLS, REJECTIONS);
  }

  /** Parses a log line; lines of other batches are dropped here, before the shuffle. */
  static final class ParseFn extends DoFn<String, KV<String, SeenUrl>> {
    private final RefreshSettings settings;

    ParseFn(RefreshSettings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(@Element String line, OutputReceiver<KV<String, SeenUrl>> out) {
      if (line.isBlank()) {
        return;
      }
      SeenUrl seen;
      try {
        seen = Json.read(line, SeenUrl.class);
      } catch (RuntimeException e) {
        // Not an input problem: without its history the refresh cannot tell what is new.
        throw new IllegalStateException(
            "a line of the dataset's seen/ logs is damaged, so the "
                + "refresh stops rather than guess what is new: "
                + line,
            e);
      }
      if (settings.owns(seen.key())) {
        out.output(KV.of(seen.key(), seen));
      }
    }
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, UrlRecord> {
    private final RefreshSettings settings;
    private final Counter skipped = Metrics.counter("refresh", "already_seen");
    private final Counter retried = Metrics.counter("refresh", "retried");

    DecideFn(RefreshSettings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      SeenUrl latest = null;
      for (SeenUrl s : joined.getValue().getAll(SEEN)) {
        if (latest == null || s.version() > latest.version()) {
          latest = s;
        }
      }
      for (UrlRecord url : joined.getValue().getAll(NEW)) {
        if (latest == null) {
          out.get(URLS).output(url);
        } else if (latest.retryable(settings.retryAfterSeconds(), settings.nowEpochSeconds())) {
          retried.inc();
          out.get(URLS).output(url);
        } else {
          skipped.inc();
          out.get(REJECTIONS)
              .output(Rejection.of(url.key(), url.url(), Reason.ALREADY_SEEN, describe(latest)));
        }
      }
    }

    static String describe(SeenUrl s) {
      String version = String.format(Locale.ROOT, "v%06d", s.version());
      return switch (s.status()) {
        case SeenUrl.ACCEPTED -> "accepted in " + version;
        case SeenUrl.TAKEN_DOWN -> "taken down in " + version;
        default -> "rejected in " + version + " (" + s.reason() + ", " + s.at() + ")";
      };
    }
  }
}
