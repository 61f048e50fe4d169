package io.winnow.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads "500ms", "10s", "2m", "1h" (and ISO-8601 "PT10S") as durations. */
final class Durations implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      } else if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
      } else if (v.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("d")) {
        return Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
      }
    } catch (RuntimeException e) {
      throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 10s, 2m");
    }
    throw new TypeConversionException("'" + value + "' needs a unit: ms, s, m, h or d");
  }
}
