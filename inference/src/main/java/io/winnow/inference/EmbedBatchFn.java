package io.winnow.inference;

import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleBuilder;
import io.winnow.schemas.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Embeds one batch of samples with the worker's shared session: preprocesses the next batch while
 * the model runs this one (two tensor buffers), writes embeddings and class scores onto the
 * samples, and rejects those whose image does not preprocess or whose output is not finite or all
 * zeros. A batch that fails is run image by image; a model that fails on every image of it fails
 * the job.
 */
final class EmbedBatchFn extends DoFn<KV<Integer, Iterable<Sample>>, Sample> {
  /** What one batch gives: accepted samples and rejections, in input order. */
  private record Results(List<Sample> embedded, List<Rejection> rejected, long nanos) {}

  private record Prepared(List<Sample> samples, float[] pixels) {}

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
    // Samples that already carry this model's embedding pass through (see EmbedImages).
    List<Sample> toEmbed = new ArrayList<>();
    for (Sample sample : batch.getValue()) {
      if (sample.embedding() != null) {
        out.get(EmbedImages.EMBEDDED).output(sample);
      } else {
        toEmbed.add(sample);
      }
    }
    if (toEmbed.isEmpty()) {
      return;
    }
    // Preprocess this batch while the previous one is still in the model.
    List<Rejection> failed = new ArrayList<>();
    long start = System.nanoTime();
    Prepared prepared = preprocess(toEmbed, failed);
    // Preprocessing is this stage's work too; the model's time is added when a batch is emitted.
    timer.record(System.nanoTime() - start, failed.size());
    failed.forEach(errors::rejected);
    failed.forEach(out.get(EmbedImages.REJECTIONS)::output);
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
      results.embedded().forEach(s -> context.output(EmbedImages.EMBEDDED, s, timestamp, window));
      results.rejected().forEach(r -> context.output(EmbedImages.REJECTIONS, r, timestamp, window));
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
    results.embedded().forEach(out.get(EmbedImages.EMBEDDED)::output);
    results.rejected().forEach(out.get(EmbedImages.REJECTIONS)::output);
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
      SampleBuilder b = sample.toBuilder().embedding(output.embedding());
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
