package io.winnow.cli;

import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.ErrorBudget;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Option;

/** The run options of the runner and the failure budget: they build the run's Beam options. */
final class RunnerOptions {
  @Option(
      names = "--runner",
      defaultValue = "flink",
      paramLabel = "RUNNER",
      description =
          "flink (embedded Flink cluster, default), direct (Beam's debugging runner), "
              + "HOST:PORT of a Flink cluster's JobManager, or auto (inside a Flink cluster, as in "
              + "application mode).")
  String runner;

  @Option(
      names = "--parallelism",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Flink parallelism; 0 uses the number of cores (embedded) or the cluster's " + "default.")
  int parallelism;

  @Option(
      names = "--max-error-rate",
      paramLabel = "SHARE",
      description =
          "Fail the job when more than this share of a stage's images end as internal "
              + "errors (exceptions, not bad images), on a worker or over the run. Default: "
              + "${DEFAULT-VALUE}.")
  double maxErrorRate;

  @Option(
      names = "--error-rate-after",
      paramLabel = "N",
      description =
          "Images a stage must have seen before --max-error-rate applies. Default: "
              + "${DEFAULT-VALUE}.")
  long errorRateAfter;

  @Option(
      names = "--pipeline-option",
      paramLabel = "NAME=VALUE",
      description =
          "A Beam or Flink runner option, passed through (repeatable), e.g. "
              + "flinkConfDir=/etc/flink, maxBundleSize=1000, checkpointingInterval=60000. It wins "
              + "over the value Winnow sets.")
  List<String> pipelineOptions = new java.util.ArrayList<>();

  /** The Beam options of this run: runner, parallelism, passed-through options, error budget. */
  PipelineOptions pipelineOptions() {
    PipelineOptions pipeline = RunWinnow.options(runner, parallelism, pipelineOptions);
    ErrorBudget.Options budget = pipeline.as(ErrorBudget.Options.class);
    budget.setMaxInternalErrorRate(maxErrorRate);
    budget.setInternalErrorRateAfter(errorRateAfter);
    return pipeline;
  }
}
