package io.winnow.pipeline.crawl;

import io.winnow.pipeline.decode.ImageFormat;
import io.winnow.schemas.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Fetches one image URL, blocking: redirects followed by hand so every hop passes the
 * {@link AddressGuard}; retries with exponential backoff and jitter on connection errors, 429 and
 * 5xx, honouring Retry-After; per-host concurrency limit; body size cap; content-type and
 * magic-byte checks. Thread-safe: one instance serves all threads of a worker.
 */
public final class HttpFetcher implements AutoCloseable {
  private static final String ACCEPT =
      "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5";

  private final FetchSettings settings;
  private final AddressGuard guard;
  private final OkHttpClient client;
  private final ConcurrentHashMap<String, Semaphore> hostPermits = new ConcurrentHashMap<>();

  public HttpFetcher(FetchSettings settings) {
    this.settings = settings;
    this.guard = settings.guard();
    this.client = new OkHttpClient.Builder()
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .callTimeout(settings.totalTimeout())
        .connectionPool(new ConnectionPool(settings.concurrency(), 2, TimeUnit.MINUTES))
        .dns(new GuardedDns())
        .addNetworkInterceptor(chain -> {
          // IP-literal hosts skip DNS, so the connected socket is checked too, before any byte
          // of the request is sent.
          InetSocketAddress remote = chain.connection().route().socketAddress();
          String refusal = guard.refusal(remote.getAddress(), remote.getPort());
          if (refusal != null) {
            throw new BlockedAddressException(refusal);
          }
          return chain.proceed(chain.request());
        })
        .build();
  }

  /** A refused address; an UnknownHostException so OkHttp passes it through unchanged. */
  static final class BlockedAddressException extends UnknownHostException {
    BlockedAddressException(String message) {
      super(message);
    }
  }

  private final class GuardedDns implements Dns {
    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
      List<InetAddress> allowed = new ArrayList<>();
      String firstRefusal = null;
      for (InetAddress address : Dns.SYSTEM.lookup(hostname)) {
        // The port is unknown here, so an allow-listed endpoint's address passes; the
        // interceptor checks address and port together on the socket.
        String refusal = guard.refusal(address, -1);
        if (refusal == null || guard.allowsSomePortOf(address)) {
          allowed.add(address);
        } else if (firstRefusal == null) {
          firstRefusal = refusal;
        }
      }
      if (allowed.isEmpty()) {
        throw new BlockedAddressException(hostname + " resolves to " + firstRefusal);
      }
      return allowed;
    }
  }

  public FetchResult fetch(String url) {
    long start = System.nanoTime();
    Counter requests = new Counter();
    FetchResult.Failure failure;
    try {
      return followRedirects(url, start, requests);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = new FetchResult.Failure(Reason.TIMEOUT, "interrupted while waiting to retry",
          requests.n, millisSince(start));
    }
    return failure;
  }

  private FetchResult followRedirects(String url, long start, Counter requests)
      throws InterruptedException {
    HttpUrl current = HttpUrl.parse(url);
    if (current == null) {
      return new FetchResult.Failure(Reason.INVALID_REDIRECT, "unparsable URL " + url, 0, 0);
    }
    Set<String> visited = new LinkedHashSet<>();
    visited.add(current.toString());
    for (int hop = 0; ; hop++) {
      String hostRefusal = guard.hostRefusal(current.host(), current.port());
      if (hostRefusal != null) {
        return failure(Reason.BLOCKED_ADDRESS, hostRefusal + hopNote(hop, current), requests,
            start);
      }
      Attempt attempt = fetchWithRetries(current, requests);
      if (attempt.failure != null) {
        String detail = attempt.failure.detail() + hopNote(hop, current);
        return failure(attempt.failure.reason(), detail, requests, start);
      }
      if (attempt.redirectTo == null) {
        FetchResult.Success s = attempt.success;
        return new FetchResult.Success(s.body(), s.format(), s.httpStatus(), s.contentType(),
            current.toString(), requests.n, millisSince(start));
      }
      HttpUrl next = current.resolve(attempt.redirectTo);
      if (next == null) {
        return failure(Reason.INVALID_REDIRECT, "redirect to '" + attempt.redirectTo
            + "', which is not an http(s) URL", requests, start);
      }
      next = next.newBuilder().fragment(null).build();
      if (!visited.add(next.toString())) {
        return failure(Reason.REDIRECT_LOOP, "redirect loop: " + String.join(" → ", visited)
            + " → " + next, requests, start);
      }
      if (hop + 1 > settings.maxRedirects()) {
        return failure(Reason.TOO_MANY_REDIRECTS, "more than " + settings.maxRedirects()
            + " redirects, last to " + next, requests, start);
      }
      current = next;
    }
  }

  private static String hopNote(int hop, HttpUrl url) {
    return hop == 0 ? "" : " (at " + url + ", after " + hop + " redirect" + (hop > 1 ? "s" : "")
        + ")";
  }

  private static FetchResult.Failure failure(Reason reason, String detail, Counter requests,
      long start) {
    return new FetchResult.Failure(reason, detail, requests.n, millisSince(start));
  }

  private Attempt fetchWithRetries(HttpUrl url, Counter requests) throws InterruptedException {
    Semaphore permits = hostPermits.computeIfAbsent(url.host() + ":" + url.port(),
        host -> new Semaphore(settings.perHostConcurrency(), true));
    Attempt attempt = null;
    for (int tryNumber = 0; tryNumber <= settings.maxRetries(); tryNumber++) {
      permits.acquire();
      try {
        requests.n++;
        attempt = fetchOnce(url);
      } finally {
        permits.release();
      }
      if (!attempt.retryable) {
        return attempt;
      }
      if (tryNumber == settings.maxRetries()) {
        break;
      }
      Duration wait = attempt.retryAfter != null ? attempt.retryAfter : backoff(tryNumber);
      if (wait.compareTo(settings.maxRetryWait()) > 0) {
        return Attempt.failed(attempt.failure.reason(), attempt.failure.detail() + "; Retry-After "
            + wait.toSeconds() + "s exceeds the " + settings.maxRetryWait().toSeconds()
            + "s limit");
      }
      Thread.sleep(wait.toMillis()); // the host permit is released while we wait
    }
    return Attempt.failed(attempt.failure.reason(), attempt.failure.detail() + " (after "
        + (settings.maxRetries() + 1) + " tries)");
  }

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  Duration backoff(int tryNumber) {
    long base = settings.retryBase().toMillis() << Math.min(tryNumber, 20);
    long capped = Math.min(base, settings.maxRetryWait().toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private Attempt fetchOnce(HttpUrl url) {
    Request request = new Request.Builder().url(url)
        .header("User-Agent", settings.userAgent())
        .header("Accept", ACCEPT)
        .build();
    try (Response response = client.newCall(request).execute()) {
      int code = response.code();
      if (code >= 200 && code < 300) {
        return readImage(response);
      } else if (code >= 300 && code < 400) {
        String location = response.header("Location");
        if (location == null || code == 304) {
          return Attempt.failed(Reason.HTTP_CLIENT_ERROR, "HTTP " + code + " without a Location");
        }
        return Attempt.redirect(location);
      } else if (code == 404 || code == 410) {
        return Attempt.failed(Reason.HTTP_NOT_FOUND, "HTTP " + code);
      } else if (code == 429) {
        return Attempt.retry(Reason.HTTP_TOO_MANY_REQUESTS, "HTTP 429",
            retryAfter(response.header("Retry-After")));
      } else if (code >= 500) {
        return Attempt.retry(Reason.HTTP_SERVER_ERROR, "HTTP " + code,
            retryAfter(response.header("Retry-After")));
      }
      return Attempt.failed(Reason.HTTP_CLIENT_ERROR, "HTTP " + code);
    } catch (BlockedAddressException e) {
      return Attempt.failed(Reason.BLOCKED_ADDRESS, e.getMessage());
    } catch (UnknownHostException e) {
      return Attempt.failed(Reason.DNS_FAILURE, "cannot resolve " + url.host());
    } catch (SocketTimeoutException e) {
      // A connect timeout is worth another try; a server that stalls mid-response is not.
      boolean connecting = String.valueOf(e.getMessage()).contains("connect");
      return connecting
          ? Attempt.retry(Reason.TIMEOUT, "connect timed out", null)
          : Attempt.failed(Reason.TIMEOUT, "read timed out after "
              + settings.readTimeout().toMillis() + " ms");
    } catch (InterruptedIOException e) {
      return Attempt.failed(Reason.TIMEOUT, "took longer than "
          + settings.totalTimeout().toMillis() + " ms in all");
    } catch (ConnectException e) {
      return Attempt.retry(Reason.CONNECTION_FAILED, "connection refused or unreachable", null);
    } catch (IOException e) {
      return Attempt.retry(Reason.CONNECTION_FAILED, e.getClass().getSimpleName() + ": "
          + e.getMessage(), null);
    }
  }

  private Attempt readImage(Response response) throws IOException {
    ResponseBody body = response.body();
    MediaType type = body.contentType();
    String mime = type == null ? null : type.type() + "/" + type.subtype();
    if (mime != null && !isImageLike(mime)) {
      return Attempt.failed(Reason.UNSUPPORTED_CONTENT_TYPE, "served as " + mime);
    }
    long declared = body.contentLength();
    if (declared > settings.maxBodyBytes()) {
      return Attempt.failed(Reason.BODY_TOO_LARGE, "Content-Length " + declared + " exceeds "
          + settings.maxBodyBytes() + " bytes");
    }
    Buffer buffer = new Buffer();
    BufferedSource source = body.source();
    while (source.read(buffer, 64 * 1024) != -1) {
      if (buffer.size() > settings.maxBodyBytes()) {
        return Attempt.failed(Reason.BODY_TOO_LARGE, "body exceeds " + settings.maxBodyBytes()
            + " bytes");
      }
    }
    byte[] bytes = buffer.readByteArray();
    if (bytes.length == 0) {
      return Attempt.failed(Reason.EMPTY_BODY, "HTTP " + response.code() + " with an empty body");
    }
    ImageFormat format = ImageFormat.sniff(bytes);
    if (format == null) {
      return Attempt.failed(Reason.NOT_AN_IMAGE, "served as " + mime + " but starts with "
          + describeStart(bytes));
    }
    return Attempt.ok(new FetchResult.Success(bytes, format, response.code(), mime, null, 0, 0));
  }

  private static boolean isImageLike(String mime) {
    return mime.startsWith("image/") || mime.equals("application/octet-stream")
        || mime.equals("binary/octet-stream");
  }

  static String describeStart(byte[] bytes) {
    int n = Math.min(bytes.length, 16);
    String text = new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    boolean printable = text.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\r'
        || c == '\t');
    return printable ? "'" + text.replaceAll("\\s+", " ") + "'"
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

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private static final class Counter {
    int n;
  }

  /** The outcome of one request: an image, a redirect, or a failure that may be retried. */
  private static final class Attempt {
    FetchResult.Success success;
    String redirectTo;
    FetchResult.Failure failure;
    boolean retryable;
    Duration retryAfter;

    static Attempt ok(FetchResult.Success success) {
      Attempt a = new Attempt();
      a.success = success;
      return a;
    }

    static Attempt redirect(String location) {
      Attempt a = new Attempt();
      a.redirectTo = location;
      return a;
    }

    static Attempt failed(Reason reason, String detail) {
      Attempt a = new Attempt();
      a.failure = new FetchResult.Failure(reason, detail, 0, 0);
      return a;
    }

    static Attempt retry(Reason reason, String detail, Duration retryAfter) {
      Attempt a = failed(reason, detail);
      a.retryable = true;
      a.retryAfter = retryAfter;
      return a;
    }
  }
}
