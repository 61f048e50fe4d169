package io.winnow.cli;

import io.winnow.inference.EmbedSettings;
import io.winnow.inference.ExecutionProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The run options of the embed stage (model, batching, threads): its {@link EmbedSettings}. */
final class EmbedOptions {
  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description =
          "Embedding model: a model.json (or its folder) from models/export/"
              + "export_onnx.py, or builtin:NAME. Default: ${DEFAULT-VALUE} (an ImageNet CNN; see "
              + "README for DINOv2/SSCD).")
  String model;

  @Option(
      names = "--no-embed",
      defaultValue = "false",
      description =
          "Skip embedding (no .npy per shard; later stages that need embeddings are off).")
  boolean noEmbed;

  @Option(
      names = "--embed-batch-size",
      paramLabel = "N",
      description = "Images per inference call. Default: ${DEFAULT-VALUE}.")
  int embedBatchSize;

  @Option(
      names = "--execution-provider",
      paramLabel = "NAME",
      converter = ProviderConverter.class,
      description =
          "cpu, cuda or tensorrt (the last two need the -Pgpu build). Default: ${DEFAULT-VALUE}.")
  ExecutionProvider executionProvider;

  @Option(
      names = "--inference-threads",
      paramLabel = "N",
      description = "ONNX Runtime threads per worker JVM; 0: all cores. Default: ${DEFAULT-VALUE}.")
  int inferenceThreads;

  @Option(
      names = "--preprocess-threads",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Threads per worker JVM that decode and resize for the model; 0: all "
              + "cores. Default: 0.")
  int preprocessThreads;

  /** The embed settings, or null with {@code --no-embed}. */
  EmbedSettings settings() {
    return noEmbed
        ? null
        : new EmbedSettings(
            model,
            embedBatchSize,
            executionProvider,
            inferenceThreads,
            preprocessThreads > 0 ? preprocessThreads : Runtime.getRuntime().availableProcessors());
  }

  static final class ProviderConverter implements ITypeConverter<ExecutionProvider> {
    @Override
    public ExecutionProvider convert(String value) {
      return ExecutionProvider.parse(value);
    }
  }
}
