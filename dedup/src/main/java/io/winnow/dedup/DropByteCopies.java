package io.winnow.dedup;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
 * Exact duplicates only, for samples without embeddings (a dataset refreshed with {@code
 * --no-embed}): a sample with the same downloaded bytes (SHA-256) as an existing dataset sample is
 * rejected {@code exact-duplicate} naming it; among new samples with the same bytes the smallest
 * key is kept. Only keys are grouped by hash, never images: each sample then meets its verdict by
 * its own key.
 */
public final class DropByteCopies extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};
  private static final TupleTag<String> NEW = new TupleTag<>() {};
  private static final TupleTag<String> EXISTING = new TupleTag<>() {};
  private static final TupleTag<Sample> SAMPLE = new TupleTag<>() {};
  private static final TupleTag<String> VERDICT = new TupleTag<>() {};

  /** The verdict of a sample that stays. */
  private static final String KEEP = "";

  private final PCollection<KV<String, String>> existing;

  private DropByteCopies(PCollection<KV<String, String>> existing) {
    this.existing = existing;
  }

  /**
   * @param existing (SHA-256, key) of every sample the dataset already holds; may be empty
   */
  public static DropByteCopies against(PCollection<KV<String, String>> existing) {
    return new DropByteCopies(existing);
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> samples) {
    KvCoder<String, String> strings = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> newHashes =
        samples
            .apply(
                "HashAndKey",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(
                        (Sample s) ->
                            KV.of(s.sha256() == null ? "key:" + s.key() : s.sha256(), s.key())))
            .setCoder(strings);
    PCollection<KV<String, String>> verdicts =
        KeyedPCollectionTuple.of(NEW, newHashes)
            .and(EXISTING, existing.setCoder(strings))
            .apply("KeysPerHash", CoGroupByKey.create())
            .apply("Decide", ParDo.of(new DecideFn()))
            .setCoder(strings);
    PCollection<KV<String, Sample>> byKey =
        samples
            .apply(
                "KeySamples",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(Sample.class)))
                    .via((Sample s) -> KV.of(s.key(), s)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), samples.getCoder()));
    PCollectionTuple out =
        KeyedPCollectionTuple.of(SAMPLE, byKey)
            .and(VERDICT, verdicts)
            .apply("JoinVerdicts", CoGroupByKey.create())
            .apply(
                "KeepOrReject",
                ParDo.of(new ApplyFn()).withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(samples.getCoder());
    return StageResult.of(out, KEPT, REJECTIONS);
  }

  /** Per hash: each new key's verdict, keep or the key it copies. */
  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> hash, OutputReceiver<KV<String, String>> out) {
      List<String> fresh = new ArrayList<>();
      hash.getValue().getAll(NEW).forEach(fresh::add);
      if (fresh.isEmpty()) {
        return;
      }
      fresh.sort(null);
      String original = null;
      for (String key : hash.getValue().getAll(EXISTING)) {
        original = original == null || key.compareTo(original) < 0 ? key : original;
      }
      for (int i = 0; i < fresh.size(); i++) {
        String key = fresh.get(i);
        if (i > 0 && key.equals(fresh.get(i - 1))) {
          continue; // one sample, counted once
        }
        if (original != null) {
          out.output(KV.of(key, "dataset:" + original));
        } else {
          out.output(KV.of(key, i == 0 ? KEEP : fresh.get(0)));
        }
      }
    }
  }

  static final class ApplyFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      String verdict = joined.getValue().getOnly(VERDICT, KEEP);
      for (Sample s : joined.getValue().getAll(SAMPLE)) {
        if (verdict.equals(KEEP)) {
          out.get(KEPT).output(s);
          continue;
        }
        String copyOf =
            verdict.startsWith("dataset:")
                ? verdict.substring("dataset:".length()) + ", already in the dataset"
                : verdict;
        out.get(REJECTIONS)
            .output(
                Rejection.of(
                    s.key(), s.url(), Reason.EXACT_DUPLICATE, "same bytes (SHA-256) as " + copyOf));
      }
    }
  }
}
