package io.winnow.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The URL lists a command reads, and the config file of option values: `run` and `refresh`. */
final class InputLists {
  @Option(
      names = {"-i", "--input"},
      required = true,
      split = ",",
      paramLabel = "FILE|GLOB",
      description =
          "URL lists: txt, csv, tsv, jsonl or parquet, optionally .gz/.bz2/.zst; "
              + "files or globs. Repeatable.")
  List<String> inputs;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML or JSON file of option values (keys are option names without dashes);"
              + " flags given here win.")
  Path config;

  /** The inputs as absolute paths (remote URLs as given), each checked to match a file. */
  List<String> checked(CommandLine command) throws IOException {
    for (String input : inputs) {
      if (!RunCommand.matchesSomething(input)) {
        throw new ParameterException(command, "--input " + input + " matches no file");
      }
    }
    return inputs.stream()
        .map(i -> i.contains("://") ? i : Path.of(i).toAbsolutePath().toString())
        .toList();
  }

  static int checkBatches(CommandLine command, int batches) {
    if (batches < 1) {
      throw new ParameterException(command, "--batches must be at least 1");
    }
    return batches;
  }
}
