package io.winnow.crawl;

import io.winnow.schemas.Reason;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * Normalizes input URLs so that spellings of the same resource compare equal: scheme and host in
 * lower case, IDN hosts in punycode, default ports and fragments dropped, percent-encoding made
 * canonical, an empty path made "/". The query is kept as written (its order can matter to
 * servers). Only http and https are accepted.
 */
public final class UrlNormalizer {
  private UrlNormalizer() {}

  /** The result: a normalized URL, or the reason it was refused. */
  public record Result(String url, Reason reason, String detail) {
    public boolean ok() {
      return url != null;
    }
  }

  public static Result normalize(String raw) {
    if (raw == null || raw.isBlank()) {
      return new Result(null, Reason.INVALID_URL, "empty URL");
    }
    String trimmed = raw.strip();
    int colon = trimmed.indexOf(':');
    if (colon <= 0) {
      return new Result(null, Reason.INVALID_URL, "no scheme: " + abbreviate(trimmed));
    }
    String scheme = trimmed.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return new Result(null, Reason.UNSUPPORTED_SCHEME, "scheme '" + scheme + "' is not http(s)");
    }
    HttpUrl url = HttpUrl.parse(trimmed);
    if (url == null) {
      return new Result(null, Reason.INVALID_URL, "unparsable URL: " + abbreviate(trimmed));
    }
    String normalized = url.newBuilder().fragment(null).build().toString();
    return new Result(decodeUnreserved(normalized), null, null);
  }

  /** RFC 3986 §6.2.2.2: percent-encoded unreserved characters (A-Z a-z 0-9 - . _ ~) decoded. */
  static String decodeUnreserved(String url) {
    if (url.indexOf('%') < 0) {
      return url;
    }
    StringBuilder out = new StringBuilder(url.length());
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '%'
          && i + 2 < url.length()
          && Character.digit(url.charAt(i + 1), 16) >= 0
          && Character.digit(url.charAt(i + 2), 16) >= 0) {
        int value = Integer.parseInt(url.substring(i + 1, i + 3), 16);
        if (Character.isLetterOrDigit(value) && value < 128
            || value == '-'
            || value == '.'
            || value == '_'
            || value == '~') {
          out.append((char) value);
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  public static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
