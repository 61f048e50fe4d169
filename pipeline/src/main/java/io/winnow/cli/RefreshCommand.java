package io.winnow.cli;

import io.winnow.dataset.Manifest;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.refresh.RefreshDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code winnow refresh}: a new version of a dataset from new URL lists. */
@Command(
    defaultValueProvider = SettingsDefaults.class,
    name = "refresh",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Add new URLs to a versioned dataset: seen URLs are skipped without a request, "
            + "new images deduplicated against the dataset, new shards appended, committed "
            + "atomically. Re-run an interrupted refresh to resume it. Takes every `run` option.")
final class RefreshCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "The dataset folder (created by the first refresh).")
  Path dataset;

  @Mixin InputLists inputs;

  @Option(
      names = "--batches",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Process the input in N batches by key hash (default ${DEFAULT-VALUE}); an "
              + "interrupted refresh resumes after its last finished batch.")
  int batches;

  @Option(
      names = "--retry-failed-after",
      defaultValue = "7d",
      paramLabel = "AGE|never",
      description =
          "Fetch URLs that failed transiently (network, 429, 5xx) again once the "
              + "failure is this old (default ${DEFAULT-VALUE}); `never` skips them for good.")
  String retryFailedAfter;

  @Mixin RunOptions options;

  @Override
  public Integer call() throws IOException {
    List<String> lists = inputs.checked(spec.commandLine());
    InputLists.checkBatches(spec.commandLine(), batches);
    long retryAfter;
    try {
      retryAfter =
          retryFailedAfter.equals("never")
              ? -1
              : new Durations().convert(retryFailedAfter).getSeconds();
    } catch (Exception e) {
      throw new ParameterException(
          spec.commandLine(),
          "--retry-failed-after takes a duration "
              + "(30m, 7d) or never, not '"
              + retryFailedAfter
              + "'");
    }
    WinnowConfig config;
    try {
      config = options.toConfig(lists, dataset.toAbsolutePath().resolve("work").toString());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return refreshAndPrint(spec.commandLine(), config, dataset, batches, retryAfter, options);
  }

  /**
   * Where {@code run --dataset} and {@code refresh} both end: one path through {@link
   * RefreshDataset}, the versions printed, and one exit-code rule (a batch that does not balance
   * fails its run; the version's summary over all batches is checked again here).
   */
  static int refreshAndPrint(
      CommandLine cli,
      WinnowConfig config,
      Path dataset,
      int batches,
      long retryAfterSeconds,
      RunOptions options)
      throws IOException {
    Manifest manifest =
        RefreshDataset.refresh(
            config,
            dataset,
            batches,
            retryAfterSeconds,
            options.pipelineOptions(),
            System.err,
            RefreshDataset.Checkpoint.NONE);
    VersionsCommand.print(cli.getOut(), manifest);
    return manifest.summary() != null && !manifest.summary().balanced()
        ? WinnowCli.EXIT_UNBALANCED
        : 0;
  }
}
