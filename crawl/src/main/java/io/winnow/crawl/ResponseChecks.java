package io.winnow.crawl;

import io.winnow.decode.ImageFormat;
import io.winnow.schemas.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * What one response to an image request means: an image (after the opt-out header, content type,
 * size cap and magic-byte checks), a redirect, or a failure, retryable for 429 and 5xx (with their
 * Retry-After).
 */
final class ResponseChecks {
  private ResponseChecks() {}

  static Attempt classify(Response response, FetchSettings settings) throws IOException {
    int code = response.code();
    if (code >= 200 && code < 300) {
      String optOut =
          OptOutHeaders.optOut(
              response.headers("X-Robots-Tag"),
              settings.consent().headerDirectives(),
              settings.consent().userAgentToken());
      if (optOut != null) {
        return Attempt.failed(Reason.OPT_OUT_HEADER, "X-Robots-Tag: " + optOut);
      }
      return readImage(response, settings.maxBodyBytes());
    } else if (code >= 300 && code < 400) {
      String location = response.header("Location");
      if (location == null || code == 304) {
        return Attempt.failed(Reason.HTTP_CLIENT_ERROR, "HTTP " + code + " without a Location");
      }
      return Attempt.redirect(location);
    } else if (code == 404 || code == 410) {
      return Attempt.failed(Reason.HTTP_NOT_FOUND, "HTTP " + code);
    } else if (code == 429) {
      return Attempt.retry(
          Reason.HTTP_TOO_MANY_REQUESTS, "HTTP 429", retryAfter(response.header("Retry-After")));
    } else if (code >= 500) {
      return Attempt.retry(
          Reason.HTTP_SERVER_ERROR, "HTTP " + code, retryAfter(response.header("Retry-After")));
    }
    return Attempt.failed(Reason.HTTP_CLIENT_ERROR, "HTTP " + code);
  }

  private static Attempt readImage(Response response, long maxBodyBytes) throws IOException {
    ResponseBody body = response.body();
    MediaType type = body.contentType();
    String mime = type == null ? null : type.type() + "/" + type.subtype();
    if (mime != null && !isImageLike(mime)) {
      return Attempt.failed(Reason.UNSUPPORTED_CONTENT_TYPE, "served as " + mime);
    }
    long declared = body.contentLength();
    if (declared > maxBodyBytes) {
      return Attempt.failed(
          Reason.BODY_TOO_LARGE,
          "Content-Length " + declared + " exceeds " + maxBodyBytes + " bytes");
    }
    Buffer buffer = new Buffer();
    BufferedSource source = body.source();
    while (source.read(buffer, 64 * 1024) != -1) {
      if (buffer.size() > maxBodyBytes) {
        return Attempt.failed(Reason.BODY_TOO_LARGE, "body exceeds " + maxBodyBytes + " bytes");
      }
    }
    byte[] bytes = buffer.readByteArray();
    if (bytes.length == 0) {
      return Attempt.failed(Reason.EMPTY_BODY, "HTTP " + response.code() + " with an empty body");
    }
    ImageFormat format = ImageFormat.sniff(bytes);
    if (format == null) {
      return Attempt.failed(
          Reason.NOT_AN_IMAGE, "served as " + mime + " but starts with " + describeStart(bytes));
    }
    return Attempt.ok(new FetchResult.Success(bytes, format, response.code(), mime, null, 0, 0));
  }

  private static boolean isImageLike(String mime) {
    return mime.startsWith("image/")
        || mime.equals("application/octet-stream")
        || mime.equals("binary/octet-stream");
  }

  static String describeStart(byte[] bytes) {
    int n = Math.min(bytes.length, 16);
    String text = new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    boolean printable =
        text.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t');
    return printable
        ? "'" + text.replaceAll("\\s+", " ") + "'"
        : "0x" + HexFormat.of().formatHex(bytes, 0, n);
  }

  /** Retry-After as seconds or as an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(when.getZone()), when);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
