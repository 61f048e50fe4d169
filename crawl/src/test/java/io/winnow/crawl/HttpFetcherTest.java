package io.winnow.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.decode.ImageFormat;
import io.winnow.schemas.Reason;
import io.winnow.testing.FaultyImageServer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpFetcherTest {
  private static FaultyImageServer server;
  private static HttpFetcher fetcher;

  @BeforeAll
  static void start() throws Exception {
    server = new FaultyImageServer();
    fetcher = new HttpFetcher(testSettings(server.endpoint()));
  }

  @AfterAll
  static void stop() {
    fetcher.close();
    server.close();
  }

  /** Short timeouts and backoff; only the test server's own endpoint is allowed. */
  static FetchSettings testSettings(String endpoint) {
    return FetchSettings.defaults()
        .withAllowedEndpoints(Set.of(endpoint))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(800), Duration.ofSeconds(5))
        .withRetries(2, Duration.ofMillis(20), Duration.ofSeconds(2))
        .withMaxBodyBytes(256 * 1024);
  }

  @Test
  void fetchesAnImage() {
    FetchResult result = fetcher.fetch(server.url("/ok/a.jpg"));
    assertThat(result).isInstanceOf(FetchResult.Success.class);
    FetchResult.Success success = (FetchResult.Success) result;
    assertThat(success.body()).isEqualTo(server.jpegBytes());
    assertThat(success.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(success.httpStatus()).isEqualTo(200);
    assertThat(success.requests()).isEqualTo(1);
  }

  @Test
  void followsRedirectsAndRecordsTheFinalUrl() {
    FetchResult.Success success =
        (FetchResult.Success) fetcher.fetch(server.url("/redirect/b.jpg"));
    assertThat(success.finalUrl()).isEqualTo(server.url("/ok/b.jpg"));
    assertThat(success.requests()).isEqualTo(2);
  }

  @Test
  void retriesA500ThenSucceeds() {
    FetchResult result = fetcher.fetch(server.url("/flaky.jpg"));
    assertThat(result).isInstanceOf(FetchResult.Success.class);
    assertThat(server.hits("/flaky.jpg")).isEqualTo(2);
  }

  @Test
  void honoursRetryAfterOn429() {
    long start = System.nanoTime();
    FetchResult result = fetcher.fetch(server.url("/rate-limited.jpg"));
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(result).isInstanceOf(FetchResult.Success.class);
    // Retry-After: 1 means at least a second, far above the 20 ms backoff otherwise used.
    assertThat(waitedMillis).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void givesUpOnAPersistent5xxAfterItsRetries() {
    assertFailure("/always-500.jpg", Reason.HTTP_SERVER_ERROR, "after 3 tries");
    assertThat(server.hits("/always-500.jpg")).isEqualTo(3);
  }

  @Test
  void refusesALongerRetryAfterThanAllowed() {
    assertThat(ResponseChecks.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(ResponseChecks.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    assertThat(ResponseChecks.retryAfter("soon")).isNull();
  }

  @Test
  void backoffGrowsAndStaysUnderItsCap() {
    for (int attempt = 0; attempt < 30; attempt++) {
      Duration wait = fetcher.backoff(attempt);
      long cap = Math.min(20L << Math.min(attempt, 20), 2000);
      assertThat(wait.toMillis()).isBetween(cap / 2, cap);
    }
  }

  @Test
  void eachFaultHasItsOwnReason() {
    assertFailure("/missing.jpg", Reason.HTTP_NOT_FOUND, "404");
    assertFailure("/slow.jpg", Reason.TIMEOUT, "timed out");
    assertFailure("/huge.jpg", Reason.BODY_TOO_LARGE, "Content-Length");
    assertFailure("/huge-chunked.jpg", Reason.BODY_TOO_LARGE, "body exceeds");
    assertFailure("/html.jpg", Reason.NOT_AN_IMAGE, "<html>");
    assertFailure("/page.html", Reason.UNSUPPORTED_CONTENT_TYPE, "text/html");
    assertFailure("/empty.jpg", Reason.EMPTY_BODY, "empty");
    assertFailure("/loop/a", Reason.REDIRECT_LOOP, "/loop/b");
    assertFailure("/chain/9", Reason.TOO_MANY_REDIRECTS, "more than 5");
  }

  @Test
  void a408IsAClientErrorAndNotRetriedEvenByOkHttpItself() {
    assertFailure("/request-timeout.jpg", Reason.HTTP_CLIENT_ERROR, "408");
    assertThat(server.hits("/request-timeout.jpg")).isEqualTo(1);
  }

  @Test
  void a407FromTheOriginIsAClientErrorAndNotRetried() {
    assertFailure("/proxy-auth.jpg", Reason.HTTP_CLIENT_ERROR, "407");
    assertThat(server.hits("/proxy-auth.jpg")).isEqualTo(1);
  }

  @Test
  void aServerThatClosesEachConnectionSilentlyCostsNoUrl() {
    // Each response is followed by a close the client learns of only when it reuses the
    // connection: the request must go again on a fresh one, not fail or spend a try.
    for (int i = 0; i < 500; i++) {
      FetchResult result = fetcher.fetch(server.url("/closing/" + i + ".jpg"));
      assertThat(result).as("request %d: %s", i, result).isInstanceOf(FetchResult.Success.class);
      assertThat(((FetchResult.Success) result).requests()).isEqualTo(1);
    }
  }

  @Test
  void guardRefusesARedirectToLoopbackBeforeConnecting() {
    assertFailure("/to-loopback", Reason.BLOCKED_ADDRESS, "loopback");
  }

  @Test
  void guardIsOnByDefault() {
    try (HttpFetcher strict = new HttpFetcher(FetchSettings.defaults())) {
      int before = server.requestCount();
      FetchResult result = strict.fetch(server.url("/ok/c.jpg"));
      assertThat(result).isInstanceOf(FetchResult.Failure.class);
      assertThat(((FetchResult.Failure) result).reason()).isEqualTo(Reason.BLOCKED_ADDRESS);
      assertThat(server.requestCount()).as("no request reached the server").isEqualTo(before);
    }
  }

  @Test
  void guardChecksHostNamesAfterResolution() {
    try (HttpFetcher strict = new HttpFetcher(FetchSettings.defaults())) {
      FetchResult result = strict.fetch("http://localhost:1/x.jpg");
      assertThat(((FetchResult.Failure) result).reason()).isEqualTo(Reason.BLOCKED_ADDRESS);
      assertThat(((FetchResult.Failure) result).detail()).contains("localhost resolves to");
    }
  }

  @Test
  void connectionRefusedIsAConnectionFailure() {
    FetchSettings settings =
        testSettings("127.0.0.1:1").withRetries(1, Duration.ofMillis(1), Duration.ofMillis(10));
    // With robots.txt honoured, the host's robots.txt is already unreachable: the image is not
    // requested (RFC 9309), and the URL reports the network failure itself.
    try (HttpFetcher toClosedPort = new HttpFetcher(settings)) {
      FetchResult result = toClosedPort.fetch("http://127.0.0.1:1/x.jpg");
      assertThat(((FetchResult.Failure) result).reason()).isEqualTo(Reason.CONNECTION_FAILED);
      assertThat(((FetchResult.Failure) result).detail())
          .startsWith("robots.txt http://127.0.0.1:1/robots.txt unreachable: ");
      assertThat(result.requests()).isZero();
    }
    try (HttpFetcher toClosedPort =
        new HttpFetcher(settings.withConsent(FetchSettings.Consent.none()))) {
      FetchResult result = toClosedPort.fetch("http://127.0.0.1:1/x.jpg");
      assertThat(((FetchResult.Failure) result).reason()).isEqualTo(Reason.CONNECTION_FAILED);
      assertThat(result.requests()).as("one try and one retry").isEqualTo(2);
    }
  }

  private static void assertFailure(String path, Reason reason, String detailPart) {
    FetchResult result = fetcher.fetch(server.url(path));
    assertThat(result).as(path).isInstanceOf(FetchResult.Failure.class);
    FetchResult.Failure failure = (FetchResult.Failure) result;
    assertThat(failure.reason()).as(path + ": " + failure.detail()).isEqualTo(reason);
    assertThat(failure.detail()).as(path).contains(detailPart);
  }
}
