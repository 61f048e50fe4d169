package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The pipeline stage that produced a rejection, in pipeline order. */
public enum Stage {
  READ,
  FETCH,
  DECODE,
  FILTER,
  EMBED,
  DEDUP,
  RETRIEVE,
  EXPORT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
