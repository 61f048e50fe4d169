package io.winnow.schemas;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * How many internal errors a stage may turn into rejections before the job fails instead. An
 * internal error (an exception, not a bad image) on a few images is per-image data; on many it
 * means the stage is broken (a model that fails, a native library that crashes) and every image
 * would end {@code internal-error} in a run that still balances, with an empty dataset. So each
 * stage's worker counts its images and fails with {@link SystemicFailure} once more than {@code
 * maxInternalErrorRate} of them (default 1 %) failed after {@code internalErrorRateAfter} (default
 * 1,000); {@link #checkRun} applies the same rate to the whole run at its end, for storms spread
 * thin over many workers.
 *
 * <p>One instance per DoFn (the counts are per worker thread, not shared); created when the
 * pipeline is built, from its options.
 */
public final class ErrorBudget implements Serializable {
  /**
   * The budget's pipeline options ({@code --maxInternalErrorRate}, the CLI's {@code
   * --max-error-rate}).
   */
  public interface Options extends PipelineOptions {
    @Description(
        "Fail the job when more than this share of a stage's images end as internal " + "errors")
    @Default.Double(0.01)
    double getMaxInternalErrorRate();

    void setMaxInternalErrorRate(double rate);

    @Description("Images a stage must have seen before the error rate is applied")
    @Default.Long(1_000)
    long getInternalErrorRateAfter();

    void setInternalErrorRateAfter(long images);
  }

  private final String stage;
  private final double maxRate;
  private final long after;
  private transient long seen;
  private transient long failed;
  private transient Rejection first;

  private ErrorBudget(String stage, double maxRate, long after) {
    if (!(maxRate >= 0 && maxRate <= 1) || after < 1) {
      throw new IllegalArgumentException(
          "the internal-error rate must be within [0, 1] and "
              + "apply after at least 1 image; got "
              + maxRate
              + " after "
              + after);
    }
    this.stage = stage;
    this.maxRate = maxRate;
    this.after = after;
  }

  public static ErrorBudget of(String stage, PipelineOptions options) {
    Options budget = options.as(Options.class);
    return new ErrorBudget(
        stage, budget.getMaxInternalErrorRate(), budget.getInternalErrorRateAfter());
  }

  /** An image the stage handled: kept, or rejected for what it is. */
  public void passed() {
    seen++;
    if (seen == after) {
      check();
    }
  }

  /**
   * An image the stage rejected: an internal error when the rejection carries a stack trace (an
   * exception, not the image's fault), otherwise counted as {@link #passed}.
   *
   * @throws SystemicFailure when the stage's rate of internal errors passes the budget
   */
  public void rejected(Rejection rejection) {
    if (rejection.stackTrace() == null) {
      passed();
      return;
    }
    seen++;
    failed++;
    if (first == null) {
      first = rejection;
    }
    if (seen >= after) {
      check();
    }
  }

  private void check() {
    if (failed > maxRate * seen) {
      String trace = first.stackTrace();
      throw new SystemicFailure(
          String.format(
              Locale.ROOT,
              "%s: %,d of %,d images on one worker "
                  + "failed with an internal error (%.1f %%, more than the %.1f %% allowed): the stage "
                  + "is broken, not the images. The first (%s): %s",
              stage,
              failed,
              seen,
              100.0 * failed / seen,
              100 * maxRate,
              first.url(),
              trace.lines().limit(12).collect(java.util.stream.Collectors.joining("\n"))),
          null);
    }
  }

  /**
   * The same rate over a finished run: internal errors of every stage against the run's input.
   *
   * @param rejectedByReason stage → reason → count, as {@link RunSummary} has them
   * @throws SystemicFailure when the run's rate passes the budget
   */
  public static void checkRun(
      long input, Map<String, Map<String, Long>> rejectedByReason, PipelineOptions options) {
    Options budget = options.as(Options.class);
    long errors = 0;
    StringBuilder where = new StringBuilder();
    for (Map.Entry<String, Map<String, Long>> stage : rejectedByReason.entrySet()) {
      long n = stage.getValue().getOrDefault(Reason.INTERNAL_ERROR.wireName(), 0L);
      if (n > 0) {
        errors += n;
        where.append(where.length() == 0 ? "" : ", ").append(stage.getKey()).append(' ').append(n);
      }
    }
    if (input >= budget.getInternalErrorRateAfter()
        && errors > budget.getMaxInternalErrorRate() * input) {
      throw new SystemicFailure(
          String.format(
              Locale.ROOT,
              "%,d of %,d images ended as internal "
                  + "errors (%s; %.1f %%, more than the %.1f %% allowed): see rejections/ for their stack "
                  + "traces",
              errors,
              input,
              where,
              100.0 * errors / input,
              100 * budget.getMaxInternalErrorRate()),
          null);
    }
  }

  /** A stage is broken, not an image: the job fails with this rather than rejecting images. */
  public static final class SystemicFailure extends RuntimeException {
    public SystemicFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
