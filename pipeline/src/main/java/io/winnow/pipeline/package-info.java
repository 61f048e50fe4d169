/**
 * The wiring: one run's configuration ({@link io.winnow.pipeline.WinnowConfig}), the stage list in
 * order ({@link io.winnow.pipeline.WinnowPipeline}), and running it on a runner ({@link
 * io.winnow.pipeline.RunWinnow}). Each stage lives in its own package beside this one.
 */
package io.winnow.pipeline;
