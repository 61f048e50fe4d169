package io.winnow.cli;

import io.winnow.crawl.FetchSettings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The run options of the fetch stage (politeness, timeouts, retries, the SSRF guard): they build
 * its {@link FetchSettings}, with the consent options' part given.
 */
final class FetchOptions {
  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Requests in flight per worker JVM. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(
      names = "--per-host-concurrency",
      paramLabel = "N",
      description = "Requests in flight to one host per worker JVM. Default: ${DEFAULT-VALUE}.")
  int perHostConcurrency;

  @Option(
      names = "--connect-timeout",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "Default: ${DEFAULT-VALUE}.")
  Duration connectTimeout;

  @Option(
      names = "--read-timeout",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "Longest silence while reading a response. Default: ${DEFAULT-VALUE}.")
  Duration readTimeout;

  @Option(
      names = "--total-timeout",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "Longest time for one request in all. Default: ${DEFAULT-VALUE}.")
  Duration totalTimeout;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description =
          "Further tries after a connection error, 429 or 5xx. Default: ${DEFAULT-VALUE}.")
  int retries;

  @Option(
      names = "--retry-base",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "First backoff, doubled per retry, with jitter. Default: ${DEFAULT-VALUE}.")
  Duration retryBase;

  @Option(
      names = "--max-retry-wait",
      converter = Durations.class,
      paramLabel = "TIME",
      description =
          "Longest wait before a retry; a longer Retry-After gives up. Default: ${DEFAULT-VALUE}.")
  Duration maxRetryWait;

  @Option(names = "--max-redirects", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
  int maxRedirects;

  @Option(
      names = "--max-bytes",
      converter = ByteSizes.class,
      paramLabel = "SIZE",
      description = "Largest accepted download. Default: ${DEFAULT-VALUE}.")
  long maxBytes;

  @Option(
      names = "--user-agent",
      paramLabel = "TEXT",
      description =
          "User-Agent sent with every request; name your crawl and a contact. Default: ${DEFAULT-VALUE}.")
  String userAgent;

  @Option(
      names = "--allow-loopback",
      defaultValue = "false",
      description = "Allow loopback addresses (127.0.0.0/8, ::1). Off by default.")
  boolean allowLoopback;

  @Option(
      names = "--allow-private",
      defaultValue = "false",
      description =
          "Allow private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)."
              + " Off by default. Link-local and metadata addresses stay refused.")
  boolean allowPrivate;

  @Option(
      names = "--allow-endpoint",
      split = ",",
      paramLabel = "IP:PORT",
      description = "An address and port always allowed, e.g. an internal mirror. Repeatable.")
  List<String> allowedEndpoints = List.of();

  /** The fetch settings of these options and {@code consent}. */
  FetchSettings settings(FetchSettings.Consent consent) {
    return FetchSettings.defaults().toBuilder()
        .concurrency(concurrency)
        .perHostConcurrency(perHostConcurrency)
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .totalTimeout(totalTimeout)
        .maxRetries(retries)
        .retryBase(retryBase)
        .maxRetryWait(maxRetryWait)
        .maxRedirects(maxRedirects)
        .maxBodyBytes(maxBytes)
        .userAgent(userAgent)
        .allowLoopback(allowLoopback)
        .allowPrivate(allowPrivate)
        .allowedEndpoints(new LinkedHashSet<>(allowedEndpoints))
        .consent(consent)
        .domains(null) // set once the lists are read, when the pipeline is built
        .build();
  }
}
