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

  private final PCollection<KeyedVector> evalImages;
  private final int dimension;
  private final double threshold;

  private Decontaminate(PCollection<KeyedVector> evalImages, int dimension, double threshold) {
    if (!(threshold > -1 && threshold <= 1)) {
      throw new IllegalArgumentException("the eval threshold is a cosine within (-1, 1]");
    }
    this.evalImages = evalImages;
    this.dimension = dimension;
    this.threshold = threshold;
  }

  public static Decontaminate against(PCollection<KeyedVector> evalImages, int dimension,
      double threshold) {
    return new Decontaminate(evalImages, dimension, threshold);
  }

  @Override
  public PCollectionTuple expand(PCollection<Sample> pool) {
    PCollection<KV<String, List<Neighbor>>> nearest = pool
        .apply("PoolVectors", MapElements.into(TypeDescriptor.of(KeyedVector.class))
            .via(s -> new KeyedVector(s.key(), s.embedding())))
        .setCoder(new KeyedVector.Coder())
        .apply("NearestEvalImage", KnnJoin.against(evalImages, dimension, 1)
            .timedAs("decontaminate"));
    PCollection<KV<String, Sample>> byKey = pool
        .apply("KeyPool", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Sample.class)))
            .via(s -> KV.of(s.key(), s)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), pool.getCoder()));
    PCollectionTuple out = KeyedPCollectionTuple.of(POOL, byKey).and(NEAREST, nearest)
        .apply("JoinNearest", CoGroupByKey.create())
        .apply("KeepOrReject", ParDo.of(new DecideFn(threshold))
            .withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(pool.getCoder());
    return out;
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    private final double threshold;
    private final Counter removed = Metrics.counter("dedup", "contaminated");

    DecideFn(double threshold) {
      this.threshold = threshold;
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
        out.get(REJECTIONS).output(Rejection.of(sample.key(), sample.url(), Reason.CONTAMINATED,
            String.format(Locale.ROOT, "within cosine %.4f of eval image %s",
                nearest.get(0).similarity(), nearest.get(0).key())));
      } else {
        out.get(KEPT).output(sample);
      }
    }
  }
}
