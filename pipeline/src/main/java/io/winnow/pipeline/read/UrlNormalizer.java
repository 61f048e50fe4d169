package io.winnow.pipeline.read;

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
    return new Result(url.newBuilder().fragment(null).build().toString(), null, null);
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
