package io.winnow.cli;

import io.winnow.dataset.DatasetDir;
import io.winnow.dataset.Manifest;
import io.winnow.pipeline.RunConfiguration;
import io.winnow.pipeline.refresh.RefreshDataset;
import io.winnow.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code winnow report DIR}: rebuilds a finished run's report and metrics.json. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Rebuild DIR/report/index.html and DIR/metrics.json from a finished run.")
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      description =
          "The output folder of a run, or a versioned "
              + "dataset folder (its current version's report).")
  Path dir;

  @Option(
      names = "--shard-prefix",
      defaultValue = "shard",
      paramLabel = "NAME",
      description = "The run's shard prefix. Default: shard.")
  String shardPrefix;

  @Override
  public Integer call() throws Exception {
    if (Files.isDirectory(dir.resolve("versions"))) {
      // A versioned dataset: the current version's refresh report, over its batches.
      try (DatasetDir dataset = DatasetDir.openForReading(dir)) {
        Manifest manifest = dataset.manifest(dataset.current());
        if (manifest.summary() == null) {
          throw new ParameterException(
              spec.commandLine(),
              Manifest.versionName(manifest.version())
                  + " is a takedown: it has no run to report on");
        }
        RefreshDataset.writeReport(
            dataset, manifest.version(), manifest.summary(), manifest.addedShards());
        spec.commandLine()
            .getOut()
            .println(
                "Wrote "
                    + dataset
                        .runs(manifest.version())
                        .resolve(RunReport.DIR)
                        .resolve("index.html"));
      }
      return 0;
    }
    if (!Files.isRegularFile(dir.resolve("summary.json"))) {
      throw new ParameterException(
          spec.commandLine(), dir + " has no summary.json: not the " + "output of a finished run");
    }
    Path index =
        RunReport.write(
            dir.toAbsolutePath(), shardPrefix, RunConfiguration.readAsMap(dir.toAbsolutePath()));
    spec.commandLine()
        .getOut()
        .println("Wrote " + index + " and " + dir.toAbsolutePath().resolve(RunReport.METRICS));
    return 0;
  }
}
