package io.winnow.cli;

import io.winnow.pipeline.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code winnow report DIR}: rebuilds a finished run's report and metrics.json. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Rebuild DIR/report/index.html and DIR/metrics.json from a finished run.")
final class ReportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The output folder of a run.")
  Path dir;

  @Option(names = "--shard-prefix", defaultValue = "shard", paramLabel = "NAME",
      description = "The run's shard prefix. Default: shard.")
  String shardPrefix;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(dir.resolve("summary.json"))) {
      throw new ParameterException(spec.commandLine(), dir + " has no summary.json: not the "
          + "output of a finished run");
    }
    Path index = RunReport.write(dir.toAbsolutePath(), shardPrefix);
    spec.commandLine().getOut().println("Wrote " + index + " and "
        + dir.toAbsolutePath().resolve(RunReport.METRICS));
    return 0;
  }
}
