package io.winnow.pipeline.crawl;

import java.io.Serializable;
import java.time.Duration;
import java.util.Set;

/**
 * How the crawler fetches: limits, timeouts, retries and the address guard.
 *
 * @param concurrency requests in flight at once per worker JVM
 * @param perHostConcurrency requests in flight at once to one host, per worker JVM
 * @param maxRetries further tries after a connection error, 429 or 5xx
 * @param retryBase first backoff; each retry doubles it, with jitter, up to {@code maxRetryWait}
 * @param maxRetryWait longest wait before a retry; a longer Retry-After gives up at once
 */
public record FetchSettings(
    int concurrency,
    int perHostConcurrency,
    Duration connectTimeout,
    Duration readTimeout,
    Duration totalTimeout,
    int maxRetries,
    Duration retryBase,
    Duration maxRetryWait,
    int maxRedirects,
    long maxBodyBytes,
    String userAgent,
    boolean allowLoopback,
    boolean allowPrivate,
    Set<String> allowedEndpoints)
    implements Serializable {

  public static final String DEFAULT_USER_AGENT =
      "Winnow/0.1 (image dataset curation; honours opt-outs)";

  public FetchSettings {
    if (concurrency < 1 || perHostConcurrency < 1) {
      throw new IllegalArgumentException("concurrency limits must be at least 1");
    }
    if (maxRetries < 0 || maxRedirects < 0 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("retries and redirects must be >= 0, max bytes >= 1");
    }
    allowedEndpoints = Set.copyOf(allowedEndpoints);
  }

  public static FetchSettings defaults() {
    return new FetchSettings(64, 8, Duration.ofSeconds(10), Duration.ofSeconds(20),
        Duration.ofSeconds(60), 3, Duration.ofMillis(500), Duration.ofSeconds(30), 5,
        20L << 20, DEFAULT_USER_AGENT, false, false, Set.of());
  }

  public AddressGuard guard() {
    return new AddressGuard(allowLoopback, allowPrivate, allowedEndpoints);
  }

  public FetchSettings withAllowedEndpoints(Set<String> endpoints) {
    return new FetchSettings(concurrency, perHostConcurrency, connectTimeout, readTimeout,
        totalTimeout, maxRetries, retryBase, maxRetryWait, maxRedirects, maxBodyBytes, userAgent,
        allowLoopback, allowPrivate, endpoints);
  }

  public FetchSettings withTimeouts(Duration connect, Duration read, Duration total) {
    return new FetchSettings(concurrency, perHostConcurrency, connect, read, total, maxRetries,
        retryBase, maxRetryWait, maxRedirects, maxBodyBytes, userAgent, allowLoopback,
        allowPrivate, allowedEndpoints);
  }

  public FetchSettings withRetries(int retries, Duration base, Duration maxWait) {
    return new FetchSettings(concurrency, perHostConcurrency, connectTimeout, readTimeout,
        totalTimeout, retries, base, maxWait, maxRedirects, maxBodyBytes, userAgent,
        allowLoopback, allowPrivate, allowedEndpoints);
  }

  public FetchSettings withMaxBodyBytes(long bytes) {
    return new FetchSettings(concurrency, perHostConcurrency, connectTimeout, readTimeout,
        totalTimeout, maxRetries, retryBase, maxRetryWait, maxRedirects, bytes, userAgent,
        allowLoopback, allowPrivate, allowedEndpoints);
  }

  public FetchSettings withConcurrency(int total, int perHost) {
    return new FetchSettings(total, perHost, connectTimeout, readTimeout, totalTimeout,
        maxRetries, retryBase, maxRetryWait, maxRedirects, maxBodyBytes, userAgent, allowLoopback,
        allowPrivate, allowedEndpoints);
  }
}
