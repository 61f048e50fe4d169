package io.winnow.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ImageProcessor;
import io.winnow.inference.EmbedImages;
import io.winnow.inference.EmbedSettings;
import io.winnow.inference.EmbeddingModel;
import io.winnow.inference.Preprocessor;
import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * Images/s of the whole {@link EmbedImages} stage (Flink embedded, parallelism 1: batching, decode
 * and preprocessing of stored JPEGs, inference, normalisation) beside the raw ONNX Runtime session
 * fed tensors made beforehand: same model, same thread count, same batch size, same JVM.
 *
 * <pre>
 * EmbedBench --model LOCATION [--images N] [--batch B] [--threads T]
 * </pre>
 *
 * "steady" counts the images the stage emitted between its first and last output, leaving out job
 * start-up and the session's opening; "wall" is the whole job.
 */
public final class EmbedBench {
  private static final ConcurrentLinkedQueue<Long> EMITTED = new ConcurrentLinkedQueue<>();

  public static void main(String[] args) throws Exception {
    String location = EmbeddingModel.DEFAULT;
    int count = 512;
    int batch = 32;
    int threads = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> location = args[++i];
        case "--images" -> count = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    EmbeddingModel model = EmbeddingModel.load(location);
    List<Sample> samples = storedSamples(count);
    double preprocessMs = preprocessMillis(model, samples);
    double raw = rawSession(model, samples, batch, threads);
    double[] stage = stage(model, samples, batch, threads);
    double rawAgain = rawSession(model, samples, batch, threads);
    System.out.printf(
        Locale.ROOT,
        "model=%s images=%d batch=%d threads=%d cores=%d%n",
        model.descriptor().name(),
        count,
        batch,
        threads,
        Runtime.getRuntime().availableProcessors());
    int cores = Runtime.getRuntime().availableProcessors();
    // Preprocessing and inference share the cores: the stage cannot beat this on CPU.
    double inferenceCoreMs = 1000.0 * Math.min(threads, cores) / raw;
    double ceiling = inferenceCoreMs / (inferenceCoreMs + preprocessMs);
    System.out.printf(
        Locale.ROOT,
        "preprocessing (decode stored JPEG, resize, normalise): %.2f ms/img on one core%n",
        preprocessMs);
    System.out.printf(
        Locale.ROOT,
        "raw ONNX Runtime session, tensors made beforehand: %.1f img/s "
            + "(before the stage), %.1f img/s (after)%n",
        raw,
        rawAgain);
    // This shared VM drifts by 10-25 % within a minute: compare with the mean of both raw runs.
    raw = (raw + rawAgain) / 2;
    System.out.printf(
        Locale.ROOT,
        "CPU ceiling of the stage when preprocessing shares the cores: %.2f of raw%n",
        ceiling);
    System.out.printf(
        Locale.ROOT,
        "EmbedImages stage, steady: %.1f img/s (ratio to mean raw %.2f)%n",
        stage[0],
        stage[0] / raw);
    System.out.printf(
        Locale.ROOT,
        "EmbedImages stage, wall incl. job start: %.1f img/s (ratio %.2f)%n",
        stage[1],
        stage[1] / raw);
  }

  /** The bundled photos and their edited copies, stored as the pipeline stores them (256 px). */
  static List<Sample> storedSamples(int count) throws Exception {
    List<SyntheticCopies.Image> images = SyntheticCopies.generate(7);
    ImageProcessor decode = new ImageProcessor(DecodeSettings.defaults());
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ImageProcessor.Processed p = decode.process(images.get(i % images.size()).jpeg()).image();
      samples.add(
          p.storeOn(Sample.builder(String.format(Locale.ROOT, "%020d", i), "http://bench/" + i))
              .build());
    }
    return samples;
  }

  /** Single-thread cost of turning a stored JPEG into its tensor. */
  static double preprocessMillis(EmbeddingModel model, List<Sample> samples) {
    Preprocessor preprocessor = new Preprocessor(model.descriptor());
    float[] tensor = new float[preprocessor.tensorSize()];
    long started = 0;
    int timed = 0;
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        started = System.nanoTime();
      }
      for (Sample x : samples) {
        preprocessor.fill(x, tensor, 0);
        timed += round;
      }
    }
    return (System.nanoTime() - started) / 1e6 / timed;
  }

  static double rawSession(EmbeddingModel model, List<Sample> samples, int batch, int threads)
      throws Exception {
    Preprocessor preprocessor = new Preprocessor(model.descriptor());
    int size = preprocessor.tensorSize();
    int s = model.descriptor().inputSize();
    List<float[]> batches = new ArrayList<>();
    for (int start = 0; start < samples.size(); start += batch) {
      int n = Math.min(batch, samples.size() - start);
      float[] pixels = new float[n * size];
      for (int i = 0; i < n; i++) {
        Sample x = samples.get(start + i);
        preprocessor.fill(x, pixels, i * size);
      }
      batches.add(pixels);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      try (OrtSession session =
          model.builtin()
              ? env.createSession(model.builtinBytes(), options)
              : env.createSession(model.filePath(), options)) {
        List<OnnxTensor> tensors = new ArrayList<>();
        for (float[] pixels : batches) {
          tensors.add(
              OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(pixels), new long[] {pixels.length / size, 3, s, s}));
        }
        String input = model.descriptor().inputName();
        try (OrtSession.Result warm = session.run(Map.of(input, tensors.get(0)))) {
          warm.size();
        }
        long started = System.nanoTime();
        for (OnnxTensor t : tensors) {
          try (OrtSession.Result r = session.run(Map.of(input, t))) {
            r.size();
          }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        tensors.forEach(OnnxTensor::close);
        return samples.size() / seconds;
      }
    }
  }

  /** [steady img/s, wall img/s] of EmbedImages on Flink's embedded cluster. */
  static double[] stage(EmbeddingModel model, List<Sample> samples, int batch, int threads) {
    EMITTED.clear();
    Pipeline pipeline = Pipeline.create(RunWinnow.options("flink", 1));
    EmbedSettings settings =
        EmbedSettings.defaults()
            .withModel(model.location())
            .withBatchSize(batch)
            .withThreads(
                threads == Runtime.getRuntime().availableProcessors() ? 0 : threads,
                Runtime.getRuntime().availableProcessors());
    pipeline
        .apply(Create.of(samples).withCoder(new SampleCoder()))
        .apply(EmbedImages.with(settings))
        .accepted()
        .apply(
            ParDo.of(
                new DoFn<Sample, Void>() {
                  @ProcessElement
                  public void process(@Element Sample s) {
                    EMITTED.add(System.nanoTime());
                  }
                }));
    long started = System.nanoTime();
    pipeline.run().waitUntilFinish();
    double wall = (System.nanoTime() - started) / 1e9;
    List<Long> times = new ArrayList<>(EMITTED);
    times.sort(null);
    if (times.size() != samples.size()) {
      throw new IllegalStateException("stage emitted " + times.size() + " of " + samples.size());
    }
    // The first batch's outputs arrive together; count from the end of the first batch.
    int first = Math.min(batch, times.size() - 1);
    double steady =
        (times.size() - first) / ((times.get(times.size() - 1) - times.get(first - 1)) / 1e9);
    return new double[] {steady, samples.size() / wall};
  }
}
