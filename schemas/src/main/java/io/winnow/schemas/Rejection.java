package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A URL that did not become a sample: which stage dropped it and why. Policy drops (duplicates,
 * unsafe domains, NSFW) are rejections too; they are data, not errors. The stack trace is set only
 * for unexpected failures.
 */
@DefaultCoder(Rejection.Coder.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rejection(
    @JsonProperty("key") String key,
    @JsonProperty("url") String url,
    @JsonProperty("stage") Stage stage,
    @JsonProperty("reason") Reason reason,
    @JsonProperty("detail") String detail,
    @JsonProperty("stack_trace") String stackTrace)
    implements Serializable {

  public Rejection {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
    if (reason.stage() != null && reason.stage() != stage) {
      throw new IllegalArgumentException(
          "reason " + reason + " belongs to stage " + reason.stage());
    }
    detail = detail == null ? "" : detail;
  }

  public static Rejection of(String key, String url, Reason reason, String detail) {
    return new Rejection(key, url, reason.stage(), reason, detail, null);
  }

  /** An unexpected failure at {@code stage}, kept with its stack trace. */
  public static Rejection ofError(String key, String url, Stage stage, Throwable error) {
    return new Rejection(
        key, url, stage, Reason.INTERNAL_ERROR, String.valueOf(error), traceOf(error));
  }

  /**
   * An exception that has a reason of its own (an image the face check could not check), kept with
   * its stack trace: it counts as an internal error in the stage's {@link ErrorBudget}.
   */
  public static Rejection ofFailure(String key, String url, Reason reason, Throwable error) {
    return new Rejection(key, url, reason.stage(), reason, String.valueOf(error), traceOf(error));
  }

  private static String traceOf(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  /** Beam coder: the record's JSON form. */
  public static final class Coder extends JsonCoder<Rejection> {
    public Coder() {
      super(Rejection.class);
    }

    /** Looked up by {@code @DefaultCoder}. */
    public static org.apache.beam.sdk.coders.CoderProvider getCoderProvider() {
      return JsonCoder.providerFor(Rejection.class, new Coder());
    }
  }
}
