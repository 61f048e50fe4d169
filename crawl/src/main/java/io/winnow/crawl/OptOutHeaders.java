package io.winnow.crawl;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code X-Robots-Tag} response headers for opt-out directives, as img2dataset does.
 *
 * <p>Each header value is {@code [USER-AGENT:] DIRECTIVE[, DIRECTIVE...]}. A value addressed to
 * another user agent ({@code googlebot: noindex}) does not apply to us; one addressed to ours, or
 * to none, does. Directives with their own colon ({@code unavailable_after: DATE}, {@code
 * max-image-preview:none}) are not mistaken for a user agent.
 */
public final class OptOutHeaders implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What {@code --opt-out-headers} honours by default (img2dataset's list). */
  public static final Set<String> DEFAULT_DIRECTIVES =
      Set.of("noai", "noimageai", "noindex", "noimageindex");

  private static final Set<String> DIRECTIVES_WITH_VALUES =
      Set.of("unavailable_after", "max-snippet", "max-image-preview", "max-video-preview");

  private OptOutHeaders() {}

  /**
   * The first directive of {@code directives} that the header values give our {@code
   * userAgentToken} (or every agent), or null.
   */
  public static String optOut(
      List<String> headerValues, Set<String> directives, String userAgentToken) {
    if (directives.isEmpty()) {
      return null;
    }
    String token = userAgentToken.toLowerCase(Locale.ROOT);
    for (String value : headerValues) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      int colon = v.indexOf(':');
      if (colon > 0) {
        String prefix = v.substring(0, colon).strip();
        if (prefix.matches("[a-z0-9_.-]+") && !DIRECTIVES_WITH_VALUES.contains(prefix)) {
          if (!prefix.equals(token)) {
            continue; // addressed to another crawler
          }
          v = v.substring(colon + 1);
        }
      }
      for (String directive : v.split(",")) {
        String d = directive.strip();
        if (directives.contains(d)) {
          return d;
        }
      }
    }
    return null;
  }
}
