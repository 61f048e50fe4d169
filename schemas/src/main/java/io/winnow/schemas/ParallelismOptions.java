package io.winnow.schemas;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The run's parallelism as a stage reads it, without depending on a runner: the same property as
 * the Flink runner's {@code --parallelism} (same type and default), so a run on Flink sees the
 * value it was given and any other runner sees -1 (unset).
 */
public interface ParallelismOptions extends PipelineOptions {
  @Description("The degree of parallelism of the run's stages; -1: the runner's default.")
  @Default.Integer(-1)
  Integer getParallelism();

  void setParallelism(Integer parallelism);

  /** The run's parallelism, or the cores of this machine when it was not set. */
  static int tasksOf(PipelineOptions options) {
    Integer parallelism = options.as(ParallelismOptions.class).getParallelism();
    return parallelism != null && parallelism > 0
        ? parallelism
        : Runtime.getRuntime().availableProcessors();
  }
}
