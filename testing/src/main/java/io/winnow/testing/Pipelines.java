package io.winnow.testing;

import io.winnow.schemas.ErrorBudget;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Pipelines for tests: Beam's direct runner, which also checks coders and immutability, with the
 * options every Winnow stage reads (the error budget) registered, as a run registers them.
 */
public final class Pipelines {
  private Pipelines() {}

  public static Pipeline direct() {
    PipelineOptionsFactory.register(ErrorBudget.Options.class);
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(2);
    return Pipeline.create(options);
  }
}
