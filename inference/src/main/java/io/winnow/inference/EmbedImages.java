package io.winnow.inference;

import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.ParallelismOptions;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.Stage;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

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
  private static final TupleTag<Sample> EMBEDDED = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

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
    // with (the NSFW pass's, when nothing was blurred or trimmed since) are not embedded again.
    PCollectionList<Sample> parts =
        images.apply(
            "HasEmbedding", Partition.of(2, (Sample s, int n) -> s.embedding() != null ? 0 : 1));
    PCollectionTuple ran =
        parts
            .get(1)
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
    PCollection<Sample> embedded =
        PCollectionList.of(parts.get(0))
            .and(ran.get(EMBEDDED))
            .apply("AllEmbedded", Flatten.pCollections())
            .setCoder(images.getCoder());
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
      out.output(KV.of(Math.floorMod(sample.key().hashCode(), keys), sample));
    }

    static int keys(PipelineOptions options) {
      return Math.min(4096, KEYS_PER_TASK * ParallelismOptions.tasksOf(options));
    }
  }

  /** What one batch gives: accepted samples and rejections, in input order. */
  private record Results(List<Sample> embedded, List<Rejection> rejected, long nanos) {}

  private record Prepared(List<Sample> samples, float[] pixels) {}

  static final class EmbedBatchFn extends DoFn<KV<Integer, Iterable<Sample>>, Sample> {
    private final EmbeddingModel model;
    private final EmbedSettings settings;
    private final Counter embedded = Metrics.counter("embed", "images");
    private final Counter batches = Metrics.counter("embed", "batches");
    private final io.winnow.schemas.StageTimer timer;
    private final String stage;
    private final ErrorBudget errors;
    private transient SharedEmbedders.Lease lease;
    private transient Preprocessor preprocessor;
    private transient ExecutorService inference;
    private transient Future<Results> pending;
    private transient BoundedWindow pendingWindow;

    /** Two tensor buffers: one for the batch in the model, one for the batch being prepared. */
    private transient float[][] buffers;

    private transient int nextBuffer;
    private transient boolean overlap;
    private transient Instant pendingTimestamp;

    EmbedBatchFn(EmbeddingModel model, EmbedSettings settings, String stage, ErrorBudget errors) {
      this.model = model;
      this.settings = settings;
      this.timer = io.winnow.schemas.StageTimer.of(stage);
      this.stage = stage;
      this.errors = errors;
    }

    @Setup
    public void setup() {
      lease = SharedEmbedders.acquire(model, settings);
      preprocessor = new Preprocessor(model.descriptor());
      buffers = new float[2][];
      overlap = settings.overlapsPreprocessing(Runtime.getRuntime().availableProcessors());
      inference =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread thread = new Thread(r, "winnow-inference");
                thread.setDaemon(true);
                return thread;
              });
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Sample>> batch,
        BoundedWindow window,
        @Timestamp Instant timestamp,
        MultiOutputReceiver out)
        throws Exception {
      // Preprocess this batch while the previous one is still in the model.
      List<Rejection> failed = new ArrayList<>();
      long start = System.nanoTime();
      Prepared prepared = preprocess(batch.getValue(), failed);
      // Preprocessing is this stage's work too; the model's time is added when a batch is emitted.
      timer.record(System.nanoTime() - start, failed.size());
      failed.forEach(errors::rejected);
      failed.forEach(out.get(REJECTIONS)::output);
      if (pending != null) {
        emit(awaitPending(), out);
      }
      if (prepared.samples().isEmpty()) {
        return;
      }
      if (overlap) {
        pending = inference.submit(() -> run(prepared));
        pendingWindow = window;
        pendingTimestamp = timestamp;
      } else {
        emit(run(prepared), out);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws Exception {
      if (pending != null) {
        BoundedWindow window = pendingWindow;
        Instant timestamp = pendingTimestamp;
        Results results = awaitPending();
        timer.record(results.nanos(), results.embedded().size() + results.rejected().size());
        count(results);
        results.embedded().forEach(s -> context.output(EMBEDDED, s, timestamp, window));
        results.rejected().forEach(r -> context.output(REJECTIONS, r, timestamp, window));
      }
    }

    @Teardown
    public void teardown() {
      if (inference != null) {
        inference.shutdownNow();
      }
      if (lease != null) {
        SharedEmbedders.release(lease);
        lease = null;
      }
    }

    private Results awaitPending() throws Exception {
      try {
        return pending.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } finally {
        pending = null;
      }
    }

    private void emit(Results results, MultiOutputReceiver out) {
      timer.record(results.nanos(), results.embedded().size() + results.rejected().size());
      count(results);
      results.embedded().forEach(out.get(EMBEDDED)::output);
      results.rejected().forEach(out.get(REJECTIONS)::output);
    }

    /** On the DoFn's thread: the budget is not shared between threads. */
    private void count(Results results) {
      results.embedded().forEach(s -> errors.passed());
      results.rejected().forEach(errors::rejected);
    }

    /** Decodes and resizes in parallel on the JVM's pool; a bad image becomes a rejection. */
    private Prepared preprocess(Iterable<Sample> batch, List<Rejection> failed) throws Exception {
      List<Sample> samples = new ArrayList<>();
      batch.forEach(samples::add);
      int size = preprocessor.tensorSize();
      // The other buffer may still be in the model; this one is free (its batch was emitted).
      float[] buffer = buffers[nextBuffer];
      if (buffer == null || buffer.length < samples.size() * size) {
        buffer = new float[samples.size() * size];
        buffers[nextBuffer] = buffer;
      }
      nextBuffer = 1 - nextBuffer;
      float[] pixels = buffer;
      List<Future<RuntimeException>> outcomes = new ArrayList<>(samples.size());
      for (int i = 0; i < samples.size(); i++) {
        Sample sample = samples.get(i);
        int at = i * size;
        outcomes.add(
            lease
                .preprocessing()
                .submit(
                    () -> {
                      try {
                        preprocessor.fill(sample, pixels, at);
                        return null;
                      } catch (RuntimeException e) {
                        return e;
                      }
                    }));
      }
      List<Sample> ok = new ArrayList<>(samples.size());
      for (int i = 0; i < samples.size(); i++) {
        RuntimeException error = outcomes.get(i).get();
        Sample sample = samples.get(i);
        if (error == null) {
          if (ok.size() != i) { // close the gap a failed image left
            System.arraycopy(pixels, i * size, pixels, ok.size() * size, size);
          }
          ok.add(sample);
        } else {
          failed.add(
              Rejection.ofFailure(sample.key(), sample.url(), Reason.PREPROCESS_FAILED, error));
        }
      }
      return new Prepared(ok, pixels);
    }

    /**
     * Runs on the inference thread. A failing batch is retried image by image; when no image of it
     * runs alone either, the model is broken (or its runtime, or the GPU), not the images, and the
     * job fails.
     */
    private Results run(Prepared prepared) {
      long start = System.nanoTime();
      List<Sample> samples = prepared.samples();
      List<OnnxEmbedder.Output> outputs;
      List<Rejection> rejected = new ArrayList<>();
      try {
        outputs = lease.embedder().run(prepared.pixels(), samples.size());
      } catch (Exception batchError) {
        outputs = new ArrayList<>();
        int size = preprocessor.tensorSize();
        boolean anyRan = false;
        for (int i = 0; i < samples.size(); i++) {
          float[] one = java.util.Arrays.copyOfRange(prepared.pixels(), i * size, (i + 1) * size);
          try {
            outputs.add(lease.embedder().run(one, 1).get(0));
            anyRan = true;
          } catch (Exception e) {
            outputs.add(null);
            rejected.add(
                Rejection.ofError(samples.get(i).key(), samples.get(i).url(), Stage.EMBED, e));
          }
        }
        if (!anyRan) {
          throw new ErrorBudget.SystemicFailure(
              stage
                  + ": the model "
                  + model.descriptor().name()
                  + " ("
                  + model.location()
                  + ") failed on a batch of "
                  + samples.size()
                  + " images and on each of them alone: "
                  + batchError,
              batchError);
        }
      }
      batches.inc();
      List<Sample> embeddedSamples = new ArrayList<>(samples.size());
      for (int i = 0; i < samples.size(); i++) {
        OnnxEmbedder.Output output = outputs.get(i);
        Sample sample = samples.get(i);
        if (output == null) {
          continue;
        }
        if (output.embedding() == null) {
          rejected.add(
              Rejection.of(
                  sample.key(),
                  sample.url(),
                  Reason.INVALID_EMBEDDING,
                  "the model's output is not finite or is all zeros"));
          continue;
        }
        Sample.Builder b = sample.toBuilder().embedding(output.embedding());
        // Scores the NSFW stage set (on the image before faces were blurred) are kept.
        if (output.classes() != null
            && model.descriptor().unsafeClasses() != null
            && sample.nsfwScores() == null) {
          Map<String, Float> scores = new LinkedHashMap<>();
          List<String> names = model.descriptor().classes();
          for (int k = 0; k < names.size(); k++) {
            scores.put(names.get(k), output.classes()[k]);
          }
          b.nsfwScores(scores);
        }
        embeddedSamples.add(b.build());
        embedded.inc();
      }
      return new Results(embeddedSamples, rejected, System.nanoTime() - start);
    }
  }
}
