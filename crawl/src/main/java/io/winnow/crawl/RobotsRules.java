package io.winnow.crawl;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.util.List;
import java.util.Locale;

/**
 * One host's robots.txt as it applies to our user-agent token, read with crawler-commons' parser
 * (RFC 9309: the most specific group naming our token, else {@code *}; longest match wins; Allow
 * wins ties). What the fetch outcome means, per RFC 9309: 2xx → its rules; 4xx (none there) →
 * everything allowed; 429, 5xx, or no answer at all → everything disallowed for this run (the site
 * may be down or overloaded; we do not guess). Any Crawl-delay is kept as given, however long: the
 * fetcher refuses one over the run's limit with a detail that names it (the parser's own limit
 * would turn it into a bare "disallow everything").
 */
public final class RobotsRules {
  private static final SimpleRobotRulesParser PARSER = new SimpleRobotRulesParser();

  static {
    PARSER.setMaxCrawlDelay(Long.MAX_VALUE);
  }

  private final BaseRobotRules rules;
  private final String origin;

  private RobotsRules(BaseRobotRules rules, String origin) {
    this.rules = rules;
    this.origin = origin;
  }

  /** Rules from a robots.txt body fetched from {@code robotsUrl} with status 2xx. */
  public static RobotsRules parse(
      String robotsUrl, byte[] body, String contentType, String userAgentToken) {
    BaseRobotRules rules;
    synchronized (PARSER) { // the parser keeps a warning count
      rules =
          PARSER.parseContent(
              robotsUrl,
              body,
              contentType == null ? "text/plain" : contentType,
              List.of(userAgentToken.toLowerCase(Locale.ROOT)));
    }
    return new RobotsRules(rules, robotsUrl);
  }

  /** Rules when robots.txt answered {@code httpStatus} (not 2xx), or -1 when it did not answer. */
  public static RobotsRules unavailable(String robotsUrl, int httpStatus) {
    if (httpStatus >= 400 && httpStatus < 500 && httpStatus != 429) {
      return new RobotsRules(
          new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL),
          robotsUrl + " (HTTP " + httpStatus + ": no rules)");
    }
    String why = httpStatus < 0 ? "no answer" : "HTTP " + httpStatus;
    return new RobotsRules(
        new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_NONE),
        robotsUrl + " (" + why + ": treated as disallowing everything)");
  }

  public boolean allows(String url) {
    return rules.isAllowed(url);
  }

  /** Crawl-delay in milliseconds, or 0 when none is given. */
  public long crawlDelayMillis() {
    long delay = rules.getCrawlDelay();
    return delay == BaseRobotRules.UNSET_CRAWL_DELAY || delay < 0 ? 0 : delay;
  }

  /** Where the rules came from, for rejection details. */
  public String origin() {
    return origin;
  }
}
