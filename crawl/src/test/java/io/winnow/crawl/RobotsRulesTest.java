package io.winnow.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RobotsRulesTest {
  private static RobotsRules parse(String text) {
    return RobotsRules.parse(
        "http://h.example/robots.txt",
        text.getBytes(StandardCharsets.UTF_8),
        "text/plain",
        "Winnow");
  }

  @Test
  void theGroupNamingOurTokenWinsOverTheWildcard() {
    RobotsRules rules =
        parse(
            """
        User-agent: *
        Disallow: /

        User-agent: winnow
        Disallow: /private/
        Allow: /private/ok.jpg
        """);
    assertThat(rules.allows("http://h.example/images/a.jpg")).isTrue();
    assertThat(rules.allows("http://h.example/private/a.jpg")).isFalse();
    assertThat(rules.allows("http://h.example/private/ok.jpg")).isTrue();
  }

  @Test
  void theWildcardGroupAppliesWhenNoGroupNamesUs() {
    RobotsRules rules =
        parse("User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /x/\n");
    assertThat(rules.allows("http://h.example/x/a.jpg")).isFalse();
    assertThat(rules.allows("http://h.example/y/a.jpg")).isTrue();
  }

  @Test
  void crawlDelayIsReadInMilliseconds() {
    assertThat(parse("User-agent: *\nCrawl-delay: 2\n").crawlDelayMillis()).isEqualTo(2000);
    // However long: the fetcher, not the parser, refuses a delay over the run's limit.
    RobotsRules slow = parse("User-agent: *\nCrawl-delay: 86400\nDisallow: /private/\n");
    assertThat(slow.crawlDelayMillis()).isEqualTo(86_400_000L);
    assertThat(slow.allows("http://example.com/a.jpg")).isTrue();
    assertThat(parse("User-agent: *\nDisallow:\n").crawlDelayMillis()).isZero();
  }

  @Test
  void missingRobotsAllowsAllAndUnavailableRobotsAllowsNothing() {
    assertThat(
            RobotsRules.unavailable("http://h.example/robots.txt", 404)
                .allows("http://h.example/a.jpg"))
        .isTrue();
    assertThat(
            RobotsRules.unavailable("http://h.example/robots.txt", 503)
                .allows("http://h.example/a.jpg"))
        .isFalse();
    assertThat(
            RobotsRules.unavailable("http://h.example/robots.txt", 429)
                .allows("http://h.example/a.jpg"))
        .isFalse();
    RobotsRules silent = RobotsRules.unavailable("http://h.example/robots.txt", -1);
    assertThat(silent.allows("http://h.example/a.jpg")).isFalse();
    assertThat(silent.origin()).contains("no answer");
  }
}
