package io.winnow.cli;

import io.winnow.crawl.FetchSettings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/** The run options of consent (robots.txt, opt-out headers): the fetch settings' consent. */
final class ConsentOptions {
  @Option(
      names = "--no-robots",
      defaultValue = "false",
      description = "Do not read robots.txt (it is honoured by default).")
  boolean noRobots;

  @Option(
      names = "--robots-token",
      paramLabel = "TOKEN",
      description =
          "The product token robots.txt groups and X-Robots-Tag prefixes name. "
              + "Default: ${DEFAULT-VALUE}.")
  String robotsToken;

  @Option(
      names = "--max-crawl-delay",
      converter = Durations.class,
      paramLabel = "DURATION",
      description =
          "Longer robots.txt Crawl-delays refuse the host's URLs. Default: ${DEFAULT-VALUE}.")
  Duration maxCrawlDelay;

  @Option(
      names = "--opt-out-headers",
      split = ",",
      paramLabel = "DIRECTIVE",
      description =
          "X-Robots-Tag directives that refuse an image; 'none' ignores the header. Default: ${DEFAULT-VALUE}.")
  List<String> optOutHeaders;

  /** The consent these options ask for. */
  FetchSettings.Consent consent() {
    return new FetchSettings.Consent(
        !noRobots,
        robotsToken,
        optOutHeaders.equals(List.of("none"))
            ? Set.of()
            : new LinkedHashSet<>(
                optOutHeaders.stream()
                    .map(String::strip)
                    .map(d -> d.toLowerCase(Locale.ROOT))
                    .toList()),
        maxCrawlDelay);
  }
}
