package io.winnow.crawl;

import io.winnow.filters.DomainPolicy;
import io.winnow.schemas.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
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
  private final HostThrottle throttle;
  private final RobotsCache robots;

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
    this.throttle = new HostThrottle(settings.perHostConcurrency());
    this.robots = new RobotsCache(settings, guard, client, throttle);
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
    HttpUrl first = HttpUrl.parse(url);
    if (first == null) {
      return new FetchResult.Failure(Reason.INVALID_REDIRECT, "unparsable URL " + url, 0, 0);
    }
    try {
      return RedirectWalker.walk(
          first,
          settings.maxRedirects(),
          (current, hop) -> imageHop(current, hop, requests, start),
          new RedirectWalker.Ends<>() {
            @Override
            public FetchResult notHttp(String location) {
              return failure(
                  Reason.INVALID_REDIRECT,
                  "redirect to '" + location + "', which is not an http(s) URL",
                  requests,
                  start);
            }

            @Override
            public FetchResult loop(Collection<String> visited, HttpUrl next) {
              return failure(
                  Reason.REDIRECT_LOOP,
                  "redirect loop: " + String.join(" → ", visited) + " → " + next,
                  requests,
                  start);
            }

            @Override
            public FetchResult tooMany(HttpUrl next) {
              return failure(
                  Reason.TOO_MANY_REDIRECTS,
                  "more than " + settings.maxRedirects() + " redirects, last to " + next,
                  requests,
                  start);
            }
          });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // the image hops report their I/O as failures
    }
  }

  /**
   * One hop of an image fetch: the address guard, the domain policy and robots.txt for this URL,
   * then the request with its retries.
   */
  private RedirectWalker.Step<FetchResult> imageHop(
      HttpUrl current, int hop, Counter requests, long start) throws InterruptedException {
    String hostRefusal = guard.hostRefusal(current.host(), current.port());
    if (hostRefusal != null) {
      return RedirectWalker.Step.done(
          failure(Reason.BLOCKED_ADDRESS, hostRefusal + hopNote(hop, current), requests, start));
    }
    DomainPolicy.Refusal refused = settings.domains().check(current.toString());
    if (refused != null) {
      return RedirectWalker.Step.done(
          failure(refused.reason(), refused.detail() + hopNote(hop, current), requests, start));
    }
    long crawlDelay = 0;
    if (settings.consent().robotsTxt()) {
      FetchResult.Failure disallowed = robotsRefusal(current, hop, requests, start);
      if (disallowed != null) {
        return RedirectWalker.Step.done(disallowed);
      }
      crawlDelay = robots.forUrl(current).rules().crawlDelayMillis();
    }
    Attempt attempt = fetchWithRetries(current, requests, crawlDelay);
    if (attempt.failure != null) {
      String detail = attempt.failure.detail() + hopNote(hop, current);
      return RedirectWalker.Step.done(failure(attempt.failure.reason(), detail, requests, start));
    }
    if (attempt.redirectTo != null) {
      return RedirectWalker.Step.redirect(attempt.redirectTo);
    }
    FetchResult.Success s = attempt.success;
    return RedirectWalker.Step.done(
        new FetchResult.Success(
            s.body(),
            s.format(),
            s.httpStatus(),
            s.contentType(),
            current.toString(),
            requests.n,
            millisSince(start)));
  }

  /** Why robots.txt refuses {@code current} (unreachable, disallowed, too slow), or null. */
  private FetchResult.Failure robotsRefusal(
      HttpUrl current, int hop, Counter requests, long start) {
    RobotsCache.Robots robotsTxt = robots.forUrl(current);
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
    long crawlDelay = rules.crawlDelayMillis();
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
    return null;
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
    Semaphore permits = throttle.permits(url);
    Attempt attempt = null;
    for (int tryNumber = 0; tryNumber <= settings.maxRetries(); tryNumber++) {
      throttle.awaitSlot(url, crawlDelayMillis);
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

  /**
   * A text resource (a block or opt-out list) through the same guarded client, following redirects;
   * for lists read when a run starts.
   *
   * @throws IOException naming the URL and what went wrong
   */
  public byte[] fetchText(String url, long maxBytes) throws IOException {
    HttpUrl first = HttpUrl.parse(url);
    if (first == null) {
      throw new IOException("not an http(s) URL: " + url);
    }
    try {
      return RedirectWalker.walk(
          first,
          settings.maxRedirects(),
          (current, hop) -> textHop(url, current, maxBytes),
          new RedirectWalker.Ends<>() {
            @Override
            public byte[] notHttp(String location) throws IOException {
              throw new IOException(url + ": redirect to a non-http(s) URL");
            }

            @Override
            public byte[] loop(Collection<String> visited, HttpUrl next) throws IOException {
              throw new IOException(url + ": redirect loop at " + next);
            }

            @Override
            public byte[] tooMany(HttpUrl next) throws IOException {
              throw new IOException(url + ": more than " + settings.maxRedirects() + " redirects");
            }
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(url + ": interrupted");
    }
  }

  private RedirectWalker.Step<byte[]> textHop(String url, HttpUrl current, long maxBytes)
      throws IOException {
    String refusal = guard.hostRefusal(current.host(), current.port());
    if (refusal != null) {
      throw new IOException(url + ": " + refusal);
    }
    Request request =
        new Request.Builder().url(current).header("User-Agent", settings.userAgent()).build();
    try (Response response = client.newCall(request).execute()) {
      int code = response.code();
      if (code >= 300 && code < 400 && response.header("Location") != null) {
        return RedirectWalker.Step.redirect(response.header("Location"));
      }
      if (code < 200 || code >= 300) {
        throw new IOException(url + ": HTTP " + code);
      }
      BufferedSource source = response.body().source();
      if (source.request(maxBytes + 1)) {
        throw new IOException(url + ": larger than " + maxBytes + " bytes");
      }
      return RedirectWalker.Step.done(source.getBuffer().readByteArray());
    }
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
      return ResponseChecks.classify(response, settings);
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
}
