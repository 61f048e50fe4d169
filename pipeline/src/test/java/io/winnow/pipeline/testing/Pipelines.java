package io.winnow.pipeline.testing;

import io.winnow.pipeline.RunWinnow;
import org.apache.beam.sdk.Pipeline;

/** Pipelines for tests: Beam's direct runner, which also checks coders and immutability. */
public final class Pipelines {
  private Pipelines() {}

  public static Pipeline direct() {
    return Pipeline.create(RunWinnow.options("direct", 2));
  }
}
