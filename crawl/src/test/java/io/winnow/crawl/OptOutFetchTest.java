package io.winnow.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.filters.DomainPolicy;
import io.winnow.filters.DomainRules;
import io.winnow.schemas.Reason;
import io.winnow.testing.TestImages;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** robots.txt, X-Robots-Tag and the domain policy, against a real server on loopback. */
class OptOutFetchTest {
  private final byte[] jpeg = TestImages.jpeg(64, 48);
  private final Map<String, String> robots = new ConcurrentHashMap<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<Long> imageTimes = new CopyOnWriteArrayList<>();
  private MockWebServer server;
  private HttpFetcher fetcher;

  private void start(String robotsTxt, FetchSettings.Consent consent, DomainPolicy domains)
      throws Exception {
    if (robotsTxt != null) {
      robots.put("/robots.txt", robotsTxt);
    }
    server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String path = request.getUrl().encodedPath();
            paths.add(path);
            if (path.equals("/robots.txt")) {
              String body = robots.get(path);
              if (body == null) {
                return new MockResponse.Builder().code(404).build();
              }
              if (body.startsWith("HTTP ")) {
                return new MockResponse.Builder().code(Integer.parseInt(body.substring(5))).build();
              }
              return new MockResponse.Builder()
                  .setHeader("Content-Type", "text/plain")
                  .body(body)
                  .build();
            }
            if (path.startsWith("/to-host/")) {
              return new MockResponse.Builder()
                  .code(302)
                  .setHeader(
                      "Location",
                      "http://localhost:" + server.getPort() + "/img/" + path.substring(9))
                  .build();
            }
            imageTimes.add(System.nanoTime());
            MockResponse.Builder ok =
                new MockResponse.Builder()
                    .setHeader("Content-Type", "image/jpeg")
                    .body(new Buffer().write(jpeg));
            if (path.startsWith("/noai/")) {
              ok.setHeader("X-Robots-Tag", "noai");
            } else if (path.startsWith("/other-bot/")) {
              ok.setHeader("X-Robots-Tag", "otherbot: noai, noindex");
            }
            return ok.build();
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    fetcher =
        new HttpFetcher(
            FetchSettings.defaults()
                .withAllowedEndpoints(Set.of("127.0.0.1:" + server.getPort()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10))
                .withRetries(0, Duration.ofMillis(10), Duration.ofSeconds(1))
                .withConsent(consent)
                .withDomains(domains));
  }

  @AfterEach
  void stop() throws Exception {
    if (fetcher != null) {
      fetcher.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getPort() + path;
  }

  private static Reason reason(FetchResult result) {
    return result instanceof FetchResult.Failure f ? f.reason() : null;
  }

  @Test
  void robotsTxtIsReadOnceAndItsRulesForOurTokenApply() throws Exception {
    start(
        "User-agent: *\nDisallow: /\n\nUser-agent: Winnow\nDisallow: /private/\n",
        FetchSettings.Consent.defaults(),
        DomainPolicy.none());
    assertThat(fetcher.fetch(url("/img/a.jpg"))).isInstanceOf(FetchResult.Success.class);
    FetchResult refused = fetcher.fetch(url("/private/b.jpg"));
    assertThat(reason(refused)).isEqualTo(Reason.ROBOTS_DISALLOWED);
    assertThat(((FetchResult.Failure) refused).detail())
        .isEqualTo("disallowed by " + url("/robots.txt"));
    assertThat(fetcher.fetch(url("/img/c.jpg"))).isInstanceOf(FetchResult.Success.class);
    assertThat(paths).containsExactly("/robots.txt", "/img/a.jpg", "/img/c.jpg");
  }

  @Test
  void aMissingRobotsTxtAllowsAndAFailingOneRefuses() throws Exception {
    start(null, FetchSettings.Consent.defaults(), DomainPolicy.none());
    assertThat(fetcher.fetch(url("/img/a.jpg"))).isInstanceOf(FetchResult.Success.class);
    stop();
    paths.clear();
    start("HTTP 503", FetchSettings.Consent.defaults(), DomainPolicy.none());
    FetchResult refused = fetcher.fetch(url("/img/a.jpg"));
    assertThat(reason(refused)).isEqualTo(Reason.ROBOTS_DISALLOWED);
    assertThat(((FetchResult.Failure) refused).detail()).contains("HTTP 503");
    assertThat(paths).containsExactly("/robots.txt");
  }

  @Test
  void robotsTxtIsIgnoredOnlyWhenSwitchedOff() throws Exception {
    start(
        "User-agent: *\nDisallow: /\n",
        new FetchSettings.Consent(false, "Winnow", Set.of(), Duration.ofSeconds(10)),
        DomainPolicy.none());
    assertThat(fetcher.fetch(url("/img/a.jpg"))).isInstanceOf(FetchResult.Success.class);
    assertThat(paths).containsExactly("/img/a.jpg");
  }

  @Test
  void crawlDelaySpacesRequestsToTheHostEvenWhenTheyComeAtOnce() throws Exception {
    start("User-agent: *\nCrawl-delay: 1\n", FetchSettings.Consent.defaults(), DomainPolicy.none());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<FetchResult>> results =
          List.of(
              pool.submit(() -> fetcher.fetch(url("/img/1.jpg"))),
              pool.submit(() -> fetcher.fetch(url("/img/2.jpg"))),
              pool.submit(() -> fetcher.fetch(url("/img/3.jpg"))));
      for (Future<FetchResult> r : results) {
        assertThat(r.get()).isInstanceOf(FetchResult.Success.class);
      }
    } finally {
      pool.shutdown();
    }
    // A lower bound only: each request came at least the delay after the one before.
    List<Long> times = imageTimes.stream().sorted().toList();
    assertThat(times).hasSize(3);
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i) - times.get(i - 1)).isGreaterThanOrEqualTo(950_000_000L);
    }
  }

  @Test
  void aCrawlDelayLongerThanTheRunAllowsRefusesTheHost() throws Exception {
    start(
        "User-agent: *\nCrawl-delay: 60\n", FetchSettings.Consent.defaults(), DomainPolicy.none());
    FetchResult refused = fetcher.fetch(url("/img/a.jpg"));
    assertThat(reason(refused)).isEqualTo(Reason.ROBOTS_DISALLOWED);
    assertThat(((FetchResult.Failure) refused).detail()).contains("Crawl-delay of 60.0 s");
  }

  @Test
  void aHugeCrawlDelayIsNamedInTheRefusal() throws Exception {
    // Over the robots parser's own 300 s limit: still refused for its delay, which is named.
    start(
        "User-agent: *\nCrawl-delay: 86400\n",
        FetchSettings.Consent.defaults(),
        DomainPolicy.none());
    FetchResult refused = fetcher.fetch(url("/img/a.jpg"));
    assertThat(reason(refused)).isEqualTo(Reason.ROBOTS_DISALLOWED);
    assertThat(((FetchResult.Failure) refused).detail()).contains("Crawl-delay of 86400.0 s");
  }

  @Test
  void optOutHeadersForUsOrEveryoneRefuseTheImage() throws Exception {
    start(null, FetchSettings.Consent.defaults(), DomainPolicy.none());
    FetchResult refused = fetcher.fetch(url("/noai/a.jpg"));
    assertThat(reason(refused)).isEqualTo(Reason.OPT_OUT_HEADER);
    assertThat(((FetchResult.Failure) refused).detail()).isEqualTo("X-Robots-Tag: noai");
    assertThat(fetcher.fetch(url("/other-bot/a.jpg"))).isInstanceOf(FetchResult.Success.class);
  }

  @Test
  void aRedirectToABlockedDomainIsRefusedBeforeItsRequest() throws Exception {
    DomainPolicy policy =
        DomainPolicy.of(
            DomainRules.parse(List.of("=localhost"), "block.txt"),
            DomainRules.empty(),
            DomainRules.empty(),
            Set.of());
    start(null, FetchSettings.Consent.defaults(), policy);
    FetchResult refused = fetcher.fetch(url("/to-host/a.jpg"));
    assertThat(reason(refused)).isEqualTo(Reason.UNSAFE_DOMAIN);
    assertThat(((FetchResult.Failure) refused).detail())
        .startsWith("localhost matches block rule '=localhost' (block.txt:1)");
    assertThat(paths).containsExactly("/robots.txt", "/to-host/a.jpg");
  }
}
