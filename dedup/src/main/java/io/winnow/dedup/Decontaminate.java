package io.winnow.dedup;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
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
 * Removes pool samples that are too close to any image of the evaluation sets, so a model trained
 * on the dataset is not evaluated on its own training images. DINOv2 removed everything within
 * cosine 0.45 of its eval sets with SSCD; here the threshold is the model descriptor's
 * {@code eval_threshold} unless set.
 *
 * <p>Each pool sample's nearest eval image comes from {@link KnnJoin} (k = 1, partitioned like the
 * dedup join); a sample at or above the threshold is rejected as {@code contaminated}, naming the
 * eval image and the similarity. Eval images are {@link KeyedVector}s whose keys name their set
 * and file (e.g. {@code imagenet-val/ILSVRC2012_val_00000001.JPEG}). Samples must carry an
 * embedding of the given dimension (run {@link DropNearDuplicates} first, which checks that).
 */
public final class Decontaminate extends PTransform<PCollection<Sample>, PCollectionTuple> {
  public static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  public static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};
  private static final TupleTag<Sample> POOL = new TupleTag<>() {};
  private static final TupleTag<List<Neighbor>> NEAREST = new TupleTag<>() {};

  /** Finds each pool vector's nearest reference vector(s), best first. */
  public interface Nearest extends java.io.Serializable {
    PTransform<PCollection<KeyedVector>, PCollection<KV<String, List<Neighbor>>>> transform();
  }

  private final Nearest nearest;
  private final double threshold;
  private final boolean datasetDuplicates;

  private Decontaminate(Nearest nearest, double threshold, boolean datasetDuplicates) {
    if (!(threshold > -1 && threshold <= 1)) {
      throw new IllegalArgumentException("the eval threshold is a cosine within (-1, 1]");
    }
    this.nearest = nearest;
    this.threshold = threshold;
    this.datasetDuplicates = datasetDuplicates;
  }

  public static Decontaminate against(PCollection<KeyedVector> evalImages, int dimension,
      double threshold) {
    return new Decontaminate(() -> KnnJoin.against(evalImages, dimension, 1)
        .timedAs("decontaminate"), threshold, false);
  }

  /**
   * For refreshes: drops samples within {@code threshold} of a sample an existing dataset already
   * holds, as {@code near-duplicate} naming the old key (old samples are never replaced, so the old
   * one is the representative). {@code datasetIndex} finds each sample's nearest dataset sample
   * (the dataset's persisted index). Run it before {@link DropNearDuplicates}, which then groups
   * what is left among itself.
   */
  public static Decontaminate againstDataset(Nearest datasetIndex, double threshold) {
    return new Decontaminate(datasetIndex, threshold, true);
  }

  @Override
  public PCollectionTuple expand(PCollection<Sample> pool) {
    PCollection<KV<String, List<Neighbor>>> found = pool
        .apply("PoolVectors", MapElements.into(TypeDescriptor.of(KeyedVector.class))
            .via(s -> new KeyedVector(s.key(), s.embedding())))
        .setCoder(new KeyedVector.Coder())
        .apply(datasetDuplicates ? "NearestDatasetImage" : "NearestEvalImage",
            this.nearest.transform());
    PCollection<KV<String, Sample>> byKey = pool
        .apply("KeyPool", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Sample.class)))
            .via(s -> KV.of(s.key(), s)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), pool.getCoder()));
    PCollectionTuple out = KeyedPCollectionTuple.of(POOL, byKey).and(NEAREST, found)
        .apply("JoinNearest", CoGroupByKey.create())
        .apply("KeepOrReject", ParDo.of(new DecideFn(threshold, datasetDuplicates))
            .withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(pool.getCoder());
    return out;
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    private final double threshold;
    private final boolean datasetDuplicates;
    private final Counter removed = Metrics.counter("dedup", "contaminated");

    DecideFn(double threshold, boolean datasetDuplicates) {
      this.threshold = threshold;
      this.datasetDuplicates = datasetDuplicates;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      Sample sample = joined.getValue().getOnly(POOL, null);
      if (sample == null) {
        return;
      }
      List<Neighbor> nearest = joined.getValue().getOnly(NEAREST, List.of());
      if (!nearest.isEmpty() && nearest.get(0).similarity() >= threshold) {
        removed.inc();
        Neighbor old = nearest.get(0);
        out.get(REJECTIONS).output(datasetDuplicates
            ? Rejection.of(sample.key(), sample.url(), Reason.NEAR_DUPLICATE, String.format(
                Locale.ROOT, "near-duplicate of %s (cosine %.4f, already in the dataset)",
                old.key(), old.similarity()))
            : Rejection.of(sample.key(), sample.url(), Reason.CONTAMINATED, String.format(
                Locale.ROOT, "within cosine %.4f of eval image %s", old.similarity(),
                old.key())));
      } else {
        out.get(KEPT).output(sample);
      }
    }
  }
}
