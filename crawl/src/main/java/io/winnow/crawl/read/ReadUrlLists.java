package io.winnow.crawl.read;

import io.winnow.crawl.UrlNormalizer;
import io.winnow.schemas.Progress;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.SampleKeys;
import io.winnow.schemas.Stage;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.UrlRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Reads URL lists (txt, csv, tsv, jsonl, Parquet; plain or compressed; many files and globs) into
 * {@link UrlRecord}s with stable keys.
 *
 * <p>Guarantees: every entry read ends either as a record on {@link #URLS} or as a {@link
 * Rejection} on {@link #REJECTIONS} (malformed row, invalid URL, unsupported scheme, or an exact
 * duplicate of another entry's normalized URL). Of duplicates, the entry earliest by (source file,
 * line) is kept, whatever the runner's order. A file that cannot be read as a URL list gives one
 * rejection naming the file; the rest of the job goes on.
 */
public final class ReadUrlLists extends PTransform<PBegin, StageResult<UrlRecord>> {
  private static final TupleTag<UrlRecord> URLS = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final List<String> patterns;
  private final InputFormat format;
  private final String urlColumn;
  private final String captionColumn;

  private ReadUrlLists(
      List<String> patterns, InputFormat format, String urlColumn, String captionColumn) {
    this.patterns = List.copyOf(patterns);
    this.format = format;
    this.urlColumn = urlColumn;
    this.captionColumn = captionColumn;
  }

  public static ReadUrlLists from(List<String> patterns) {
    return new ReadUrlLists(patterns, InputFormat.AUTO, "url", "caption");
  }

  public ReadUrlLists withFormat(InputFormat format) {
    return new ReadUrlLists(patterns, format, urlColumn, captionColumn);
  }

  /** Column (csv, tsv, Parquet) or field (jsonl) names of the URL and of the caption. */
  public ReadUrlLists withColumns(String urlColumn, String captionColumn) {
    return new ReadUrlLists(patterns, format, urlColumn, captionColumn);
  }

  @Override
  public StageResult<UrlRecord> expand(PBegin input) {
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("ReadUrlLists needs at least one input file or glob");
    }
    Objects.requireNonNull(urlColumn, "urlColumn");
    PCollectionTuple parsed =
        input
            .apply("ListPatterns", Create.of(patterns))
            .apply(
                "MatchFiles",
                FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW_IF_WILDCARD))
            .apply("OpenFiles", FileIO.readMatches().withCompression(Compression.AUTO))
            .apply(
                "ParseRows",
                ParDo.of(new ParseFileFn(format, new UrlListParser(urlColumn, captionColumn)))
                    .withOutputTags(URLS, TupleTagList.of(REJECTIONS)));

    PCollectionTuple deduplicated =
        parsed
            .get(URLS)
            .apply(
                "KeyByUrl",
                WithKeys.of(UrlRecord::key).withKeyType(TypeDescriptor.of(String.class)))
            .apply("GroupSameUrl", GroupByKey.create())
            .apply(
                "DropDuplicateUrls",
                ParDo.of(new DropDuplicateUrlsFn())
                    .withOutputTags(URLS, TupleTagList.of(REJECTIONS)));

    PCollection<Rejection> rejections =
        PCollectionList.of(parsed.get(REJECTIONS))
            .and(deduplicated.get(REJECTIONS))
            .apply("AllReadRejections", Flatten.pCollections());
    return StageResult.of(deduplicated.get(URLS), rejections);
  }

  static final class ParseFileFn extends DoFn<FileIO.ReadableFile, UrlRecord> {
    private final InputFormat format;
    private final UrlListParser parser;
    private final Counter entries = Metrics.counter("read", "entries");

    ParseFileFn(InputFormat format, UrlListParser parser) {
      this.format = format;
      this.parser = parser;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      String name = file.getMetadata().resourceId().toString();
      InputFormat fileFormat = format == InputFormat.AUTO ? InputFormat.fromFileName(name) : format;
      RowEmitter emitter = new RowEmitter(name, out);
      try {
        if (fileFormat == null) {
          throw new UrlListParser.BadInputFileException(
              "cannot tell the format from the file name; use --input-format");
        } else if (fileFormat == InputFormat.PARQUET) {
          new ParquetUrlReader(parser).read(file::openSeekable, emitter);
        } else {
          try (InputStream in = Channels.newInputStream(file.open())) {
            parser.parse(in, fileFormat, emitter);
          }
        }
      } catch (IOException | RuntimeException e) {
        String detail =
            name
                + ": "
                + (emitter.rows == 0 ? "" : "stopped after " + emitter.rows + " rows: ")
                + e.getMessage();
        emitter.reject(Reason.MALFORMED_INPUT, null, detail);
      }
    }

    /** Turns rows into records or rejections as they stream out of the parser. */
    private final class RowEmitter implements java.util.function.Consumer<InputRow> {
      private final String file;
      private final MultiOutputReceiver out;
      private long rows;

      RowEmitter(String file, MultiOutputReceiver out) {
        this.file = file;
        this.out = out;
      }

      @Override
      public void accept(InputRow row) {
        rows++;
        if (row.isMalformed()) {
          reject(
              Reason.MALFORMED_INPUT,
              row.url(),
              file + ":" + row.line() + ": " + row.malformedDetail());
          return;
        }
        UrlNormalizer.Result normalized = UrlNormalizer.normalize(row.url());
        if (!normalized.ok()) {
          reject(
              normalized.reason(), row.url(), file + ":" + row.line() + ": " + normalized.detail());
          return;
        }
        entries.inc();
        Progress.global().read(1);
        out.get(URLS)
            .output(
                new UrlRecord(
                    SampleKeys.forNormalizedUrl(normalized.url()),
                    row.url(),
                    normalized.url(),
                    row.caption(),
                    file,
                    row.line()));
      }

      void reject(Reason reason, String url, String detail) {
        entries.inc();
        Progress.global().read(1);
        out.get(REJECTIONS).output(Rejection.of(null, url, reason, detail));
      }
    }
  }

  static final class DropDuplicateUrlsFn extends DoFn<KV<String, Iterable<UrlRecord>>, UrlRecord> {
    private static final Comparator<UrlRecord> EARLIEST =
        Comparator.comparing(UrlRecord::sourceFile).thenComparingLong(UrlRecord::sourceLine);

    @ProcessElement
    public void process(@Element KV<String, Iterable<UrlRecord>> group, MultiOutputReceiver out) {
      List<UrlRecord> records = new ArrayList<>();
      group.getValue().forEach(records::add);
      records.sort(EARLIEST);
      UrlRecord kept = records.get(0);
      out.get(URLS).output(kept);
      for (UrlRecord duplicate : records.subList(1, records.size())) {
        out.get(REJECTIONS)
            .output(
                new Rejection(
                    duplicate.key(),
                    duplicate.url(),
                    Stage.READ,
                    Reason.DUPLICATE_URL,
                    "same normalized URL as " + kept.sourceFile() + ":" + kept.sourceLine(),
                    null));
      }
    }
  }
}
