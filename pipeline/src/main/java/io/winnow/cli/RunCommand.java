package io.winnow.cli;

import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.schemas.RunSummary;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code winnow run}: the whole pipeline on the given URL lists. */
@Command(
    defaultValueProvider = SettingsDefaults.class,
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Crawl, validate and export the images of the given URL lists.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputLists inputs;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description =
          "Output folder: shards, rejections/, summary.json. One pass: an interrupted "
              + "run starts over (use --dataset to resume).")
  Path output;

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      description =
          "Build version 1 of a versioned dataset folder instead (see `refresh`); an "
              + "interrupted run resumes from its finished batches when re-run.")
  Path dataset;

  @Option(
      names = "--batches",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "With --dataset: process the input in N batches by key hash, the unit of "
              + "resuming (default ${DEFAULT-VALUE}).")
  int batches;

  @Mixin RunOptions options;

  @Override
  public Integer call() throws IOException {
    List<String> lists = inputs.checked(spec.commandLine());
    if ((output == null) == (dataset == null)) {
      throw new ParameterException(spec.commandLine(), "give either --output or --dataset");
    }
    InputLists.checkBatches(spec.commandLine(), batches);
    WinnowConfig config;
    try {
      config =
          options.toConfig(
              lists,
              (output != null ? output : dataset.resolve("work")).toAbsolutePath().toString());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    if (dataset != null) {
      if (java.nio.file.Files.exists(dataset.resolve(io.winnow.dataset.DatasetDir.CURRENT))) {
        throw new ParameterException(
            spec.commandLine(),
            dataset + " already has versions: " + "add to it with `winnow refresh`");
      }
      return RefreshCommand.refreshAndPrint(
          spec.commandLine(),
          config,
          dataset,
          batches,
          io.winnow.pipeline.refresh.RefreshDataset.DEFAULT_RETRY_SECONDS,
          options);
    }
    RunSummary summary =
        RunWinnow.run(config, options.pipelineOptions(), System.err, System.console() != null);
    WinnowCli.printSummary(spec.commandLine().getOut(), summary, output.toAbsolutePath());
    return 0;
  }

  /** Whether a local file or glob names at least one file (remote schemes are left to Beam). */
  static boolean matchesSomething(String input) throws IOException {
    if (input.contains("://")) {
      return true;
    }
    if (!input.contains("*") && !input.contains("?") && !input.contains("[")) {
      return Files.isRegularFile(Path.of(input));
    }
    Path absolute = Path.of(input).toAbsolutePath();
    Path root = absolute.getRoot();
    Path base = root;
    for (Path part : root.relativize(absolute)) {
      String text = part.toString();
      if (text.contains("*") || text.contains("?") || text.contains("[")) {
        break;
      }
      base = base.resolve(text);
    }
    if (!Files.isDirectory(base)) {
      return false;
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
    try (Stream<Path> files = Files.walk(base)) {
      return files.anyMatch(p -> Files.isRegularFile(p) && matcher.matches(p));
    }
  }
}
