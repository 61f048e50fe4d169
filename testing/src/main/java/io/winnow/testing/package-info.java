/**
 * Test support the stage modules share, as a test-scoped dependency: generated test images ({@link
 * io.winnow.testing.TestImages}), a loopback image server that misbehaves on purpose ({@link
 * io.winnow.testing.FaultyImageServer}), direct-runner pipelines ({@link
 * io.winnow.testing.Pipelines}) and readers of a run's outputs ({@link
 * io.winnow.testing.RunOutputs}). Never a dependency of main code.
 */
package io.winnow.testing;
