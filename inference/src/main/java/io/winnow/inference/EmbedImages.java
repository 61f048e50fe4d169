package io.winnow.inference;

import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.ParallelismOptions;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Embeds every stored image with an ONNX model (see {@link EmbeddingModel}).
 *
 * <p>Images are grouped into batches ({@link GroupIntoBatches} on a few keys per task, spread by
 * sample key, so every worker gets a share: {@link KeyForBatchingFn}), preprocessed on a per-JVM
 * pool and run through one shared ONNX Runtime session per worker JVM. On GPU workers (or when the
 * thread settings leave cores free) the next batch is decoded and resized while the model runs the
 * current one; when ONNX Runtime has every core, the batch is preprocessed on all cores and then
 * run (faster there, measured). The model is checked (descriptor, file, SHA-256) when the transform
 * is created, so a bad model fails the job before any URL is fetched.
 *
 * <p>Output: on {@link #EMBEDDED}, each sample with its L2-normalised float32 embedding (and, for a
 * model with unsafe classes, its class scores as {@code nsfw_scores}); on {@link #REJECTIONS},
 * images that do not preprocess ({@code preprocess-failed}) or whose embedding is not finite or
 * zero ({@code invalid-embedding}). One output per input. An image's embedding does not depend on
 * the batch it ran in beyond float rounding (about 1e-6). Expects the global window (batch jobs).
 *
 * <p>Failures: an image the model fails on alone is an {@code internal-error} with its stack trace,
 * within the run's {@link ErrorBudget}; a batch no image of which runs, even alone, fails the job
 * (a broken model, runtime or GPU), as does a storm of per-image errors.
 */
public final class EmbedImages extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  static final TupleTag<Sample> EMBEDDED = new TupleTag<>() {};
  static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final EmbeddingModel model;
  private final EmbedSettings settings;
  private final String timedAs;

  private EmbedImages(EmbeddingModel model, EmbedSettings settings, String timedAs) {
    this.model = model;
    this.settings = settings;
    this.timedAs = timedAs;
  }

  /**
   * Embeds with {@code settings}, only the picture in each stored image (its content box: the
   * border mode's padding and uniform borders left out).
   *
   * @throws ModelException when the model is missing, changed or described wrongly
   */
  public static EmbedImages with(EmbedSettings settings) {
    return new EmbedImages(EmbeddingModel.load(settings.model()), settings, "embed");
  }

  /** The stage this pass's time counts under in the run report (the NSFW classifier's own pass). */
  public EmbedImages timedAs(String stage) {
    return new EmbedImages(model, settings, stage);
  }

  public EmbeddingModel model() {
    return model;
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> images) {
    if (!(images.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException("EmbedImages runs in the global window (a batch job)");
    }
    // Samples that already carry this model's embedding of the picture they will be stored
    // with (the NSFW pass's, when nothing was blurred or trimmed since) are not embedded again:
    // they travel the same path and the batch step passes them through. Not a Partition and a
    // Flatten: in Flink's batch mode a stage fed by a Flatten is not chained to the one before
    // it, and the exchange between them writes every sample to disk and reads it back.
    PCollectionTuple ran =
        images
            .apply("KeyForBatching", ParDo.of(new KeyForBatchingFn()))
            .setCoder(KvCoder.of(VarIntCoder.of(), images.getCoder()))
            .apply("Batch", GroupIntoBatches.<Integer, Sample>ofSize(settings.batchSize()))
            .apply(
                "PreprocessAndRun",
                ParDo.of(
                        new EmbedBatchFn(
                            model,
                            settings,
                            timedAs,
                            ErrorBudget.of(timedAs, images.getPipeline().getOptions())))
                    .withOutputTags(EMBEDDED, TupleTagList.of(REJECTIONS)));
    PCollection<Sample> embedded = ran.get(EMBEDDED).setCoder(images.getCoder());
    return StageResult.of(embedded, ran.get(REJECTIONS));
  }

  /**
   * Keys each sample, by its key's hash, to one of 8 keys per task of the job. Beam's sharded keys
   * gave one key per upstream task, and Flink hashed the 4 of a 2-TaskManager cluster onto one
   * TaskManager: all 20,000 images of a run were embedded there. 8 per task spread the work over
   * every task while each key still collects full batches on a real-sized run.
   */
  static final class KeyForBatchingFn extends DoFn<Sample, KV<Integer, Sample>> {
    static final int KEYS_PER_TASK = 8;
    private transient int keys;

    @StartBundle
    public void startBundle(StartBundleContext context) {
      keys = keys(context.getPipelineOptions());
    }

    @ProcessElement
    public void process(@Element Sample sample, OutputReceiver<KV<Integer, Sample>> out) {
      // Samples that pass through (already embedded) have keys of their own, so that they do
      // not fill the batches of those the model runs on.
      int key = Math.floorMod(sample.key().hashCode(), keys);
      out.output(KV.of(sample.embedding() != null ? keys + key : key, sample));
    }

    static int keys(PipelineOptions options) {
      return Math.min(4096, KEYS_PER_TASK * ParallelismOptions.tasksOf(options));
    }
  }
}
