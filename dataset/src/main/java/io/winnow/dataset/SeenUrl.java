package io.winnow.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.winnow.schemas.Reason;
import java.io.Serializable;

/**
 * One line of a dataset's {@code seen/vNNNNNN.jsonl}: what became of a URL in a version. A later
 * version's line for the same key wins.
 *
 * @param status {@code accepted}, {@code rejected} or {@code taken-down}
 * @param reason the rejection's reason wire name (rejected only)
 * @param at when the version decided it (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeenUrl(
    @JsonProperty("key") String key,
    @JsonProperty("url") String url,
    @JsonProperty("version") int version,
    @JsonProperty("status") String status,
    @JsonProperty("reason") String reason,
    @JsonProperty("at") String at)
    implements Serializable {
  public static final String ACCEPTED = "accepted";
  public static final String REJECTED = "rejected";
  public static final String TAKEN_DOWN = "taken-down";

  /** Whether a refresh may fetch the URL again: a transient failure old enough to retry. */
  public boolean retryable(long retryAfterSeconds, long nowEpochSeconds) {
    if (!REJECTED.equals(status) || retryAfterSeconds < 0 || reason == null) {
      return false;
    }
    Reason r;
    try {
      r = Reason.fromWireName(reason);
    } catch (IllegalArgumentException unknown) {
      return false;
    }
    if (!r.transientFailure()) {
      return false;
    }
    long decided = java.time.Instant.parse(at).getEpochSecond();
    return nowEpochSeconds - decided >= retryAfterSeconds;
  }
}
