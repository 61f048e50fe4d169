package io.winnow.crawl;

import io.winnow.filters.DomainPolicy;
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
 * @param consent which opt-outs the fetcher honours (robots.txt, X-Robots-Tag)
 * @param domains block, allow and opt-out lists, checked again at every redirect hop
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
    Set<String> allowedEndpoints,
    Consent consent,
    DomainPolicy domains)
    implements Serializable {

  /**
   * Opt-outs honoured while fetching.
   *
   * @param robotsTxt read each host's robots.txt once per worker JVM and skip what it disallows to
   *     {@code userAgentToken}; honour its Crawl-delay up to {@code maxCrawlDelay}
   * @param userAgentToken the product token robots.txt groups and X-Robots-Tag prefixes name
   * @param headerDirectives X-Robots-Tag directives that refuse an image; empty: ignore the header
   * @param maxCrawlDelay longer Crawl-delays refuse the host's URLs rather than stall the crawl
   */
  public record Consent(
      boolean robotsTxt,
      String userAgentToken,
      Set<String> headerDirectives,
      Duration maxCrawlDelay)
      implements Serializable {
    public Consent {
      headerDirectives = Set.copyOf(headerDirectives);
      if (userAgentToken == null || !userAgentToken.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(
            "the user-agent token is letters, digits, '_' and '-'"
                + " (RFC 9309), got '"
                + userAgentToken
                + "'");
      }
    }

    public static Consent defaults() {
      return new Consent(
          true, DEFAULT_TOKEN, OptOutHeaders.DEFAULT_DIRECTIVES, Duration.ofSeconds(10));
    }

    /** Nothing honoured: for benchmarks of the raw fetch path only. */
    public static Consent none() {
      return new Consent(false, DEFAULT_TOKEN, Set.of(), Duration.ofSeconds(10));
    }
  }

  public static final String DEFAULT_TOKEN = "Winnow";
  public static final String DEFAULT_USER_AGENT =
      "Winnow/0.1 (image dataset curation; honours robots.txt and noai opt-outs)";

  public FetchSettings {
    if (concurrency < 1 || perHostConcurrency < 1) {
      throw new IllegalArgumentException("concurrency limits must be at least 1");
    }
    if (maxRetries < 0 || maxRedirects < 0 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("retries and redirects must be >= 0, max bytes >= 1");
    }
    allowedEndpoints = Set.copyOf(allowedEndpoints);
    consent = consent == null ? Consent.defaults() : consent;
    domains = domains == null ? DomainPolicy.none() : domains;
  }

  public static FetchSettings defaults() {
    return new FetchSettings(
        64,
        8,
        Duration.ofSeconds(10),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        3,
        Duration.ofMillis(500),
        Duration.ofSeconds(30),
        5,
        20L << 20,
        DEFAULT_USER_AGENT,
        false,
        false,
        Set.of(),
        Consent.defaults(),
        DomainPolicy.none());
  }

  public AddressGuard guard() {
    return new AddressGuard(allowLoopback, allowPrivate, allowedEndpoints);
  }

  public FetchSettings withAllowedEndpoints(Set<String> endpoints) {
    return toBuilder().allowedEndpoints(endpoints).build();
  }

  public FetchSettings withTimeouts(Duration connect, Duration read, Duration total) {
    return toBuilder().connectTimeout(connect).readTimeout(read).totalTimeout(total).build();
  }

  public FetchSettings withRetries(int retries, Duration base, Duration maxWait) {
    return toBuilder().maxRetries(retries).retryBase(base).maxRetryWait(maxWait).build();
  }

  public FetchSettings withMaxBodyBytes(long bytes) {
    return toBuilder().maxBodyBytes(bytes).build();
  }

  public FetchSettings withConcurrency(int total, int perHost) {
    return toBuilder().concurrency(total).perHostConcurrency(perHost).build();
  }

  public FetchSettings withConsent(Consent c) {
    return toBuilder().consent(c).build();
  }

  public FetchSettings withDomains(DomainPolicy policy) {
    return toBuilder().domains(policy).build();
  }

  /** A copy to change by name: {@code settings.toBuilder().x(...).build()}. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Named setters over a copy; the record's own checks run in {@link #build}. */
  public static final class Builder {
    private int concurrency;
    private int perHostConcurrency;
    private Duration connectTimeout;
    private Duration readTimeout;
    private Duration totalTimeout;
    private int maxRetries;
    private Duration retryBase;
    private Duration maxRetryWait;
    private int maxRedirects;
    private long maxBodyBytes;
    private String userAgent;
    private boolean allowLoopback;
    private boolean allowPrivate;
    private Set<String> allowedEndpoints;
    private Consent consent;
    private DomainPolicy domains;

    private Builder(FetchSettings from) {
      concurrency = from.concurrency;
      perHostConcurrency = from.perHostConcurrency;
      connectTimeout = from.connectTimeout;
      readTimeout = from.readTimeout;
      totalTimeout = from.totalTimeout;
      maxRetries = from.maxRetries;
      retryBase = from.retryBase;
      maxRetryWait = from.maxRetryWait;
      maxRedirects = from.maxRedirects;
      maxBodyBytes = from.maxBodyBytes;
      userAgent = from.userAgent;
      allowLoopback = from.allowLoopback;
      allowPrivate = from.allowPrivate;
      allowedEndpoints = from.allowedEndpoints;
      consent = from.consent;
      domains = from.domains;
    }

    public Builder concurrency(int value) {
      concurrency = value;
      return this;
    }

    public Builder perHostConcurrency(int value) {
      perHostConcurrency = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder readTimeout(Duration value) {
      readTimeout = value;
      return this;
    }

    public Builder totalTimeout(Duration value) {
      totalTimeout = value;
      return this;
    }

    public Builder maxRetries(int value) {
      maxRetries = value;
      return this;
    }

    public Builder retryBase(Duration value) {
      retryBase = value;
      return this;
    }

    public Builder maxRetryWait(Duration value) {
      maxRetryWait = value;
      return this;
    }

    public Builder maxRedirects(int value) {
      maxRedirects = value;
      return this;
    }

    public Builder maxBodyBytes(long value) {
      maxBodyBytes = value;
      return this;
    }

    public Builder userAgent(String value) {
      userAgent = value;
      return this;
    }

    public Builder allowLoopback(boolean value) {
      allowLoopback = value;
      return this;
    }

    public Builder allowPrivate(boolean value) {
      allowPrivate = value;
      return this;
    }

    public Builder allowedEndpoints(Set<String> value) {
      allowedEndpoints = value;
      return this;
    }

    public Builder consent(Consent value) {
      consent = value;
      return this;
    }

    public Builder domains(DomainPolicy value) {
      domains = value;
      return this;
    }

    public FetchSettings build() {
      return new FetchSettings(
          concurrency,
          perHostConcurrency,
          connectTimeout,
          readTimeout,
          totalTimeout,
          maxRetries,
          retryBase,
          maxRetryWait,
          maxRedirects,
          maxBodyBytes,
          userAgent,
          allowLoopback,
          allowPrivate,
          allowedEndpoints,
          consent,
          domains);
    }
  }
}
