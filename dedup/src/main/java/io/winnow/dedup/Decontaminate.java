package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.knn.Neighbor;
import io.winnow.schemas.KeySamples;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.coders.FloatCoder;
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

/**
 * Removes pool samples that are too close to any image of the evaluation sets, so a model trained
 * on the dataset is not evaluated on its own training images. DINOv2 removed everything within
 * cosine 0.45 of its eval sets with SSCD; here the threshold is the model descriptor's {@code
 * eval_threshold} unless set.
 *
 * <p>Each pool sample's nearest eval image comes from {@link KnnJoin} (k = 1, partitioned like the
 * dedup join); a sample at or above the threshold is rejected as {@code contaminated}, naming the
 * eval image and the similarity. Eval images are {@link KeyedVector}s whose keys name their set and
 * file (e.g. {@code imagenet-val/ILSVRC2012_val_00000001.JPEG}). Samples must carry an embedding of
 * the given dimension (run {@link DropNearDuplicates} first, which checks that).
 *
 * <p>{@link #verifiedWith}: a contaminated image is a <em>verified</em> copy of an eval image. Each
 * pool sample's {@link #EVAL_CANDIDATES} nearest eval images at cosine ≥ a floor are judged by
 * {@link CopyVerifier} with decontamination's own, looser settings ({@link #VERIFICATION}: better
 * to drop a doubtful training image than to test on it); pairs without fingerprints fall back to
 * the cosine threshold.
 */
public final class Decontaminate extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  // Package-private: the DoFns of EvalCopies read and write them.
  static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};
  static final TupleTag<Sample> POOL = new TupleTag<>() {};
  static final TupleTag<List<Neighbor>> NEAREST = new TupleTag<>() {};
  static final TupleTag<EvalCopies.EvalCandidate> CANDIDATE = new TupleTag<>() {};
  static final TupleTag<KV<String, Float>> QUERY = new TupleTag<>() {};
  static final TupleTag<byte[]> EVAL_PRINT = new TupleTag<>() {};

  /** Eval images verified per pool sample. */
  public static final int EVAL_CANDIDATES = 4;

  /** Looser than dedup's: fewer inliers and less pixel agreement make a contamination. */
  public static final CopyVerifier.Settings VERIFICATION =
      CopyVerifier.Settings.defaults()
          .withMinInliers(8)
          .withPhotometric(0.7, 0.2)
          .withWeakFits(30, 0.7);

  /** Finds each pool vector's nearest reference vector(s), best first. */
  public interface Nearest extends java.io.Serializable {
    PTransform<PCollection<KeyedVector>, PCollection<KV<String, List<Neighbor>>>> transform();
  }

  private final Nearest nearest;
  private final double threshold;
  private final boolean datasetDuplicates;
  private final PCollection<KV<String, byte[]>> evalFingerprints;
  private final CopyVerifier.Settings verification;
  private final double candidateFloor;

  private Decontaminate(Nearest nearest, double threshold, boolean datasetDuplicates) {
    this(nearest, threshold, datasetDuplicates, null, null, threshold);
  }

  private Decontaminate(
      Nearest nearest,
      double threshold,
      boolean datasetDuplicates,
      PCollection<KV<String, byte[]>> evalFingerprints,
      CopyVerifier.Settings verification,
      double candidateFloor) {
    if (!(threshold > -1 && threshold <= 1)) {
      throw new IllegalArgumentException("the eval threshold is a cosine within (-1, 1]");
    }
    this.nearest = nearest;
    this.threshold = threshold;
    this.datasetDuplicates = datasetDuplicates;
    this.evalFingerprints = evalFingerprints;
    this.verification = verification;
    this.candidateFloor = candidateFloor;
  }

  public static Decontaminate against(
      PCollection<KeyedVector> evalImages, int dimension, double threshold) {
    return new Decontaminate(
        () -> KnnJoin.against(evalImages, dimension, 1).timedAs("decontaminate"), threshold, false);
  }

  /**
   * Removes verified copies of eval images: candidates are each pool sample's {@link
   * #EVAL_CANDIDATES} nearest eval images at cosine ≥ {@code candidateFloor}, judged with {@code
   * settings} (the cosine threshold stays the fallback for pictures too featureless to verify).
   * {@code evalFingerprints} are (eval key, fingerprint) of the eval images.
   */
  public static Decontaminate verifiedAgainst(
      PCollection<KeyedVector> evalImages,
      PCollection<KV<String, byte[]>> evalFingerprints,
      int dimension,
      double threshold,
      double candidateFloor,
      CopyVerifier.Settings settings) {
    double floor = Math.min(candidateFloor, threshold);
    return new Decontaminate(
        () ->
            KnnJoin.against(evalImages, dimension, EVAL_CANDIDATES)
                .withMinSimilarity(floor)
                .timedAs("decontaminate"),
        threshold,
        false,
        evalFingerprints,
        settings.withFallbackCosine(threshold),
        floor);
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
  public StageResult<Sample> expand(PCollection<Sample> pool) {
    PCollection<KV<String, List<Neighbor>>> found =
        pool.apply(
                "PoolVectors",
                MapElements.into(TypeDescriptor.of(KeyedVector.class))
                    .via(s -> new KeyedVector(s.key(), s.embedding())))
            .setCoder(new KeyedVector.Coder())
            .apply(
                datasetDuplicates ? "NearestDatasetImage" : "NearestEvalImage",
                this.nearest.transform());
    PCollection<KV<String, Sample>> byKey = pool.apply("KeyPool", KeySamples.byKey());
    if (evalFingerprints != null) {
      return StageResult.of(verified(found, byKey, pool), KEPT, REJECTIONS);
    }
    PCollectionTuple out =
        KeyedPCollectionTuple.of(POOL, byKey)
            .and(NEAREST, found)
            .apply("JoinNearest", CoGroupByKey.create())
            .apply(
                "KeepOrReject",
                ParDo.of(new DecideFn(threshold, datasetDuplicates))
                    .withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(pool.getCoder());
    return StageResult.of(out, KEPT, REJECTIONS);
  }

  /** The eval candidates' fingerprints meet each pool sample, which is then judged. */
  private PCollectionTuple verified(
      PCollection<KV<String, List<Neighbor>>> found,
      PCollection<KV<String, Sample>> byKey,
      PCollection<Sample> pool) {
    PCollection<KV<String, KV<String, Float>>> byEval =
        found
            .apply("ByEvalImage", ParDo.of(new EvalCopies.ByEvalFn(candidateFloor)))
            .setCoder(
                KvCoder.of(
                    StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), FloatCoder.of())));
    PCollection<KV<String, EvalCopies.EvalCandidate>> candidates =
        KeyedPCollectionTuple.of(QUERY, byEval)
            .and(EVAL_PRINT, evalFingerprints)
            .apply("JoinEvalFingerprints", CoGroupByKey.create())
            .apply("ToPoolSample", ParDo.of(new EvalCopies.ToPoolSampleFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new EvalCopies.EvalCandidateCoder()));
    PCollectionTuple out =
        KeyedPCollectionTuple.of(POOL, byKey)
            .and(CANDIDATE, candidates)
            .apply("JoinEvalCandidates", CoGroupByKey.create())
            .apply(
                "VerifyOrKeep",
                ParDo.of(new EvalCopies.VerifyFn(CopyVerifier.with(verification)))
                    .withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(pool.getCoder());
    return out;
  }

  /** Rejects a pool sample whose nearest reference image is at or above the threshold. */
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
        out.get(REJECTIONS)
            .output(
                datasetDuplicates
                    ? Rejection.of(
                        sample.key(),
                        sample.url(),
                        Reason.NEAR_DUPLICATE,
                        String.format(
                            Locale.ROOT,
                            "near-duplicate of %s (cosine %.4f, already in the dataset)",
                            old.key(),
                            old.similarity()))
                    : Rejection.of(
                        sample.key(),
                        sample.url(),
                        Reason.CONTAMINATED,
                        String.format(
                            Locale.ROOT,
                            "within cosine %.4f of eval image %s",
                            old.similarity(),
                            old.key())));
      } else {
        out.get(KEPT).output(sample);
      }
    }
  }
}
