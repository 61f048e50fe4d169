/**
 * What every stage shares: the records ({@link io.winnow.schemas.Sample}, {@link
 * io.winnow.schemas.Rejection} with its {@link io.winnow.schemas.Stage} and {@link
 * io.winnow.schemas.Reason}, {@link io.winnow.schemas.RunSummary}) and their coders, a group-by for
 * large groups ({@link io.winnow.schemas.GroupThroughFiles}), stage timing, and the internal-error
 * budget that fails a job whose stage is broken ({@link io.winnow.schemas.ErrorBudget}).
 */
package io.winnow.schemas;
