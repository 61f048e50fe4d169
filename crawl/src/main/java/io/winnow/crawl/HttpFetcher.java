package io.winnow.crawl;

import io.winnow.filters.DomainPolicy;
import io.winnow.schemas.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Collection;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * Fetches one image URL, blocking: redirects walked by hand ({@link RedirectWalker}) so every hop
 * passes the {@link AddressGuard}, the domain policy and robots.txt ({@link RobotsCache}); each
 * hop's request, retries and response checks are {@link ImageRequests}' over the {@link
 * GuardedClient}, within the host's politeness limits ({@link HostThrottle}). Thread-safe: one
 * instance serves all threads of a worker.
 */
public final class HttpFetcher implements AutoCloseable {
  private final FetchSettings settings;
  private final AddressGuard guard;
  private final OkHttpClient client;
  private final HostThrottle throttle;
  private final RobotsCache robots;
  private final ImageRequests requests;

  public HttpFetcher(FetchSettings settings) {
    this.settings = settings;
    this.guard = settings.guard();
    this.client = GuardedClient.build(settings, guard);
    this.throttle = new HostThrottle(settings.perHostConcurrency());
    this.robots = new RobotsCache(settings, guard, client, throttle);
    this.requests = new ImageRequests(settings, client, throttle);
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
      RobotsCache.Robots robotsTxt = robots.forUrl(current);
      FetchResult.Failure disallowed = robotsRefusal(robotsTxt, current, hop, requests, start);
      if (disallowed != null) {
        return RedirectWalker.Step.done(disallowed);
      }
      crawlDelay = robotsTxt.rules().crawlDelayMillis();
    }
    Attempt attempt = this.requests.fetchWithRetries(current, requests, crawlDelay);
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
      RobotsCache.Robots robotsTxt, HttpUrl current, int hop, Counter requests, long start) {
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
    return requests.backoff(tryNumber);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** Requests sent for one URL, over its hops and tries. */
  static final class Counter {
    int n;
  }
}
