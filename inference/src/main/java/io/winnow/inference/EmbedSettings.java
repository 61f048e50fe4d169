package io.winnow.inference;

import java.io.Serializable;

/**
 * How images are embedded.
 *
 * @param model a model location, {@code builtin:NAME} or a {@code model.json} path
 * @param batchSize images per inference call
 * @param provider where ONNX Runtime runs the model
 * @param inferenceThreads ONNX Runtime intra-op threads per worker JVM; 0 lets it choose (all
 *     cores)
 * @param preprocessThreads threads per worker JVM that decode and resize images for the model
 */
public record EmbedSettings(
    String model,
    int batchSize,
    ExecutionProvider provider,
    int inferenceThreads,
    int preprocessThreads)
    implements Serializable {

  public EmbedSettings {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("a model location is needed");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("embedding batch size must be at least 1");
    }
    if (inferenceThreads < 0 || preprocessThreads < 1) {
      throw new IllegalArgumentException(
          "inference threads must be >= 0 and preprocess threads >= 1");
    }
  }

  public static EmbedSettings defaults() {
    return new EmbedSettings(
        EmbeddingModel.DEFAULT,
        32,
        ExecutionProvider.CPU,
        0,
        Runtime.getRuntime().availableProcessors());
  }

  public EmbedSettings withModel(String location) {
    return new EmbedSettings(location, batchSize, provider, inferenceThreads, preprocessThreads);
  }

  public EmbedSettings withBatchSize(int size) {
    return new EmbedSettings(model, size, provider, inferenceThreads, preprocessThreads);
  }

  public EmbedSettings withProvider(ExecutionProvider p) {
    return new EmbedSettings(model, batchSize, p, inferenceThreads, preprocessThreads);
  }

  public EmbedSettings withThreads(int inference, int preprocess) {
    return new EmbedSettings(model, batchSize, provider, inference, preprocess);
  }

  /**
   * Whether preprocessing overlaps inference: on GPU workers, or when the thread counts fit in the
   * cores. When ONNX Runtime has every core, overlapping slowed inference more than it saved
   * (measured on 2 cores: its threads wait on each other whenever one is preempted), so a batch is
   * preprocessed on all cores and then run.
   */
  public boolean overlapsPreprocessing(int cores) {
    return provider != ExecutionProvider.CPU
        || (inferenceThreads > 0 && inferenceThreads + preprocessThreads <= cores);
  }
}
