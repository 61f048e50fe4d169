package io.winnow.pipeline.crawl;

import io.winnow.filters.DomainPolicy;
import io.winnow.filters.OptOutHeaders;
import io.winnow.filters.RobotsRules;
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
import java.util.concurrent.CompletableFuture;
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
 * Fetches one image URL, blocking: redirects followed by hand so every hop passes the {@link
 * AddressGuard}; retries with exponential backoff and jitter on connection errors, 429 and 5xx,
 * honouring Retry-After; per-host concurrency limit; body size cap; content-type and magic-byte
 * checks. Thread-safe: one instance serves all threads of a worker.
 */
public final class HttpFetcher implements AutoCloseable {
  private static final String ACCEPT =
      "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5";

  private final FetchSettings settings;
  private final AddressGuard guard;
  private final OkHttpClient client;
  private static final int MAX_ROBOTS_BYTES = 500 * 1024; // RFC 9309: parse at least 500 KiB
  private final ConcurrentHashMap<String, Semaphore> hostPermits = new ConcurrentHashMap<>();

  /** robots.txt per origin, fetched once per worker JVM; concurrent callers wait for it. */
  private final ConcurrentHashMap<String, CompletableFuture<Robots>> robots =
      new ConcurrentHashMap<>();

  /**
   * A host's robots.txt outcome: its rules, or why it could not be reached at all (then, as RFC
   * 9309 asks, nothing is fetched from the host, and URLs report the network failure itself).
   */
  record Robots(RobotsRules rules, Reason unreachable, String detail) {}

  /** The earliest next request per host, for Crawl-delay. */
  private final ConcurrentHashMap<String, long[]> nextSlot = new ConcurrentHashMap<>();

  public HttpFetcher(FetchSettings settings) {
    this.settings = settings;
    this.guard = settings.guard();
    this.client =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            // Servers that close a connection after each response without saying so (HTTP/1.0
            // style) leave dead connections in the pool; OkHttp retries a request that fails on a
            // reused connection on a fresh one, before it counts as one of our tries.
            .retryOnConnectionFailure(true)
            .connectTimeout(settings.connectTimeout())
            .readTimeout(settings.readTimeout())
            .callTimeout(settings.totalTimeout())
            .connectionPool(new ConnectionPool(settings.concurrency(), 2, TimeUnit.MINUTES))
            .dns(new GuardedDns())
            .addNetworkInterceptor(
                chain -> {
                  // IP-literal hosts skip DNS, so the connected socket is checked too, before any
                  // byte
                  // of the request is sent.
                  InetSocketAddress remote = chain.connection().route().socketAddress();
                  String refusal = guard.refusal(remote.getAddress(), remote.getPort());
                  if (refusal != null) {
                    throw new BlockedAddressException(refusal);
                  }
                  okhttp3.Response response = chain.proceed(chain.request());
                  if (response.code() == 408 && response.header("Retry-After") == null) {
                    // OkHttp sends a 408's request again by itself unless the server asks for a
                    // wait;
                    // here a 408 is a client error, tried once like every 4xx but 429.
                    return response.newBuilder().header("Retry-After", "1").build();
                  }
                  return response;
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
      failure =
          new FetchResult.Failure(
              Reason.TIMEOUT, "interrupted while waiting to retry", requests.n, millisSince(start));
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
        return failure(
            Reason.BLOCKED_ADDRESS, hostRefusal + hopNote(hop, current), requests, start);
      }
      DomainPolicy.Refusal refused = settings.domains().check(current.toString());
      if (refused != null) {
        return failure(refused.reason(), refused.detail() + hopNote(hop, current), requests, start);
      }
      long crawlDelay = 0;
      if (settings.consent().robotsTxt()) {
        Robots robotsTxt = robotsFor(current);
        if (robotsTxt.unreachable() != null) {
          return failure(
              robotsTxt.unreachable(), robotsTxt.detail() + hopNote(hop, current), requests, start);
        }
        RobotsRules rules = robotsTxt.rules();
        if (!rules.allows(current.toString())) {
          return failure(
              Reason.ROBOTS_DISALLOWED,
              "disallowed by " + rules.origin() + hopNote(hop, current),
              requests,
              start);
        }
        crawlDelay = rules.crawlDelayMillis();
        if (crawlDelay > settings.consent().maxCrawlDelay().toMillis()) {
          return failure(
              Reason.ROBOTS_DISALLOWED,
              rules.origin()
                  + " asks a Crawl-delay of "
                  + crawlDelay / 1000.0
                  + " s, longer than the "
                  + settings.consent().maxCrawlDelay().toMillis() / 1000.0
                  + " s this run waits"
                  + hopNote(hop, current),
              requests,
              start);
        }
      }
      Attempt attempt = fetchWithRetries(current, requests, crawlDelay);
      if (attempt.failure != null) {
        String detail = attempt.failure.detail() + hopNote(hop, current);
        return failure(attempt.failure.reason(), detail, requests, start);
      }
      if (attempt.redirectTo == null) {
        FetchResult.Success s = attempt.success;
        return new FetchResult.Success(
            s.body(),
            s.format(),
            s.httpStatus(),
            s.contentType(),
            current.toString(),
            requests.n,
            millisSince(start));
      }
      HttpUrl next = current.resolve(attempt.redirectTo);
      if (next == null) {
        return failure(
            Reason.INVALID_REDIRECT,
            "redirect to '" + attempt.redirectTo + "', which is not an http(s) URL",
            requests,
            start);
      }
      next = next.newBuilder().fragment(null).build();
      if (!visited.add(next.toString())) {
        return failure(
            Reason.REDIRECT_LOOP,
            "redirect loop: " + String.join(" → ", visited) + " → " + next,
            requests,
            start);
      }
      if (hop + 1 > settings.maxRedirects()) {
        return failure(
            Reason.TOO_MANY_REDIRECTS,
            "more than " + settings.maxRedirects() + " redirects, last to " + next,
            requests,
            start);
      }
      current = next;
    }
  }

  private static String hopNote(int hop, HttpUrl url) {
    return hop == 0
        ? ""
        : " (at " + url + ", after " + hop + " redirect" + (hop > 1 ? "s" : "") + ")";
  }

  private static FetchResult.Failure failure(
      Reason reason, String detail, Counter requests, long start) {
    return new FetchResult.Failure(reason, detail, requests.n, millisSince(start));
  }

  private Attempt fetchWithRetries(HttpUrl url, Counter requests, long crawlDelayMillis)
      throws InterruptedException {
    Semaphore permits = permitsOf(url);
    Attempt attempt = null;
    for (int tryNumber = 0; tryNumber <= settings.maxRetries(); tryNumber++) {
      awaitSlot(url.host() + ":" + url.port(), crawlDelayMillis);
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
        return Attempt.failed(
            attempt.failure.reason(),
            attempt.failure.detail()
                + "; Retry-After "
                + wait.toSeconds()
                + "s exceeds the "
                + settings.maxRetryWait().toSeconds()
                + "s limit");
      }
      Thread.sleep(wait.toMillis()); // the host permit is released while we wait
    }
    return Attempt.failed(
        attempt.failure.reason(),
        attempt.failure.detail() + " (after " + (settings.maxRetries() + 1) + " tries)");
  }

  private Semaphore permitsOf(HttpUrl url) {
    return hostPermits.computeIfAbsent(
        url.host() + ":" + url.port(), host -> new Semaphore(settings.perHostConcurrency(), true));
  }

  /** Waits for this host's next request slot: one request per Crawl-delay, in arrival order. */
  private void awaitSlot(String host, long delayMillis) throws InterruptedException {
    if (delayMillis <= 0) {
      return;
    }
    long[] next = nextSlot.computeIfAbsent(host, h -> new long[] {Long.MIN_VALUE});
    long waitNanos;
    synchronized (next) {
      long now = System.nanoTime();
      long at = next[0] == Long.MIN_VALUE ? now : Math.max(now, next[0]);
      next[0] = at + delayMillis * 1_000_000L;
      waitNanos = at - now;
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }

  /** The rules of {@code url}'s origin for our token, fetching its robots.txt the first time. */
  Robots robotsFor(HttpUrl url) {
    String origin = url.scheme() + "://" + url.host() + ":" + url.port();
    CompletableFuture<Robots> mine = new CompletableFuture<>();
    CompletableFuture<Robots> first = robots.putIfAbsent(origin, mine);
    if (first != null) {
      return first.join();
    }
    HttpUrl robotsUrl = url.resolve("/robots.txt");
    Robots outcome;
    try {
      outcome = fetchRobots(robotsUrl);
    } catch (RuntimeException e) {
      outcome =
          new Robots(
              null,
              Reason.CONNECTION_FAILED,
              "robots.txt "
                  + robotsUrl
                  + ": "
                  + e.getClass().getSimpleName()
                  + ": "
                  + e.getMessage());
    }
    mine.complete(outcome);
    return outcome;
  }

  /** robots.txt through the same guarded client, following up to 5 redirects (RFC 9309). */
  private Robots fetchRobots(HttpUrl robotsUrl) {
    HttpUrl current = robotsUrl;
    String unreachable = "robots.txt " + robotsUrl + " unreachable: ";
    for (int hop = 0; hop <= 5; hop++) {
      String refusal = guard.hostRefusal(current.host(), current.port());
      if (refusal != null) {
        return new Robots(null, Reason.BLOCKED_ADDRESS, unreachable + refusal);
      }
      Request request =
          new Request.Builder()
              .url(current)
              .header("User-Agent", settings.userAgent())
              .header("Accept", "text/plain,*/*;q=0.5")
              .build();
      Semaphore permits = permitsOf(current);
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Robots(null, Reason.TIMEOUT, unreachable + "interrupted");
      }
      try (Response response = client.newCall(request).execute()) {
        int code = response.code();
        if (code >= 300 && code < 400 && response.header("Location") != null) {
          HttpUrl next = current.resolve(response.header("Location"));
          if (next == null) {
            return new Robots(RobotsRules.unavailable(robotsUrl.toString(), 404), null, null);
          }
          current = next;
          continue;
        }
        if (code < 200 || code >= 300) {
          return new Robots(RobotsRules.unavailable(robotsUrl.toString(), code), null, null);
        }
        BufferedSource source = response.body().source();
        source.request(MAX_ROBOTS_BYTES);
        Buffer buffer = source.getBuffer();
        byte[] body = buffer.readByteArray(Math.min(buffer.size(), MAX_ROBOTS_BYTES));
        MediaType type = response.body().contentType();
        return new Robots(
            RobotsRules.parse(
                robotsUrl.toString(),
                body,
                type == null ? null : type.toString(),
                settings.consent().userAgentToken()),
            null,
            null);
      } catch (BlockedAddressException e) {
        return new Robots(null, Reason.BLOCKED_ADDRESS, unreachable + e.getMessage());
      } catch (UnknownHostException e) {
        return new Robots(
            null, Reason.DNS_FAILURE, unreachable + "cannot resolve " + current.host());
      } catch (InterruptedIOException e) {
        return new Robots(null, Reason.TIMEOUT, unreachable + "timed out");
      } catch (IOException e) {
        return new Robots(
            null,
            Reason.CONNECTION_FAILED,
            unreachable + e.getClass().getSimpleName() + ": " + e.getMessage());
      } finally {
        permits.release();
      }
    }
    // A redirect chain longer than RFC 9309's five hops: as if there were none.
    return new Robots(RobotsRules.unavailable(robotsUrl.toString(), 404), null, null);
  }

  /**
   * A text resource (a block or opt-out list) through the same guarded client, following redirects;
   * for lists read when a run starts.
   *
   * @throws IOException naming the URL and what went wrong
   */
  public byte[] fetchText(String url, long maxBytes) throws IOException {
    HttpUrl current = HttpUrl.parse(url);
    if (current == null) {
      throw new IOException("not an http(s) URL: " + url);
    }
    for (int hop = 0; hop <= settings.maxRedirects(); hop++) {
      String refusal = guard.hostRefusal(current.host(), current.port());
      if (refusal != null) {
        throw new IOException(url + ": " + refusal);
      }
      Request request =
          new Request.Builder().url(current).header("User-Agent", settings.userAgent()).build();
      try (Response response = client.newCall(request).execute()) {
        int code = response.code();
        if (code >= 300 && code < 400 && response.header("Location") != null) {
          current = current.resolve(response.header("Location"));
          if (current == null) {
            throw new IOException(url + ": redirect to a non-http(s) URL");
          }
          continue;
        }
        if (code < 200 || code >= 300) {
          throw new IOException(url + ": HTTP " + code);
        }
        BufferedSource source = response.body().source();
        if (source.request(maxBytes + 1)) {
          throw new IOException(url + ": larger than " + maxBytes + " bytes");
        }
        return source.getBuffer().readByteArray();
      }
    }
    throw new IOException(url + ": more than " + settings.maxRedirects() + " redirects");
  }

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  Duration backoff(int tryNumber) {
    long base = settings.retryBase().toMillis() << Math.min(tryNumber, 20);
    long capped = Math.min(base, settings.maxRetryWait().toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private Attempt fetchOnce(HttpUrl url) {
    Request request =
        new Request.Builder()
            .url(url)
            .header("User-Agent", settings.userAgent())
            .header("Accept", ACCEPT)
            .build();
    try (Response response = client.newCall(request).execute()) {
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
        return Attempt.retry(
            Reason.HTTP_TOO_MANY_REQUESTS, "HTTP 429", retryAfter(response.header("Retry-After")));
      } else if (code >= 500) {
        return Attempt.retry(
            Reason.HTTP_SERVER_ERROR, "HTTP " + code, retryAfter(response.header("Retry-After")));
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
          : Attempt.failed(
              Reason.TIMEOUT, "read timed out after " + settings.readTimeout().toMillis() + " ms");
    } catch (InterruptedIOException e) {
      return Attempt.failed(
          Reason.TIMEOUT, "took longer than " + settings.totalTimeout().toMillis() + " ms in all");
    } catch (ConnectException e) {
      return Attempt.retry(Reason.CONNECTION_FAILED, "connection refused or unreachable", null);
    } catch (java.net.ProtocolException e) {
      // OkHttp refuses a 407 from an origin (we use no proxy) and other broken responses: a
      // client-side error another try will not change.
      String message = String.valueOf(e.getMessage());
      return message.contains("407")
          ? Attempt.failed(
              Reason.HTTP_CLIENT_ERROR,
              "HTTP 407 (proxy authentication required) " + "from the origin, which is no proxy")
          : Attempt.failed(Reason.CONNECTION_FAILED, "protocol error: " + message);
    } catch (IOException e) {
      return Attempt.retry(
          Reason.CONNECTION_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
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
      return Attempt.failed(
          Reason.BODY_TOO_LARGE,
          "Content-Length " + declared + " exceeds " + settings.maxBodyBytes() + " bytes");
    }
    Buffer buffer = new Buffer();
    BufferedSource source = body.source();
    while (source.read(buffer, 64 * 1024) != -1) {
      if (buffer.size() > settings.maxBodyBytes()) {
        return Attempt.failed(
            Reason.BODY_TOO_LARGE, "body exceeds " + settings.maxBodyBytes() + " bytes");
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
