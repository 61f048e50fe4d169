package io.winnow.filters;

import io.winnow.schemas.Reason;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which URLs may be requested at all: a block list (unsafe domains) that an allow list overrides,
 * and the user's opt-out list of URLs and domains, which nothing overrides.
 *
 * <p>Equal policies (same rules from the same sources) are equal, so worker JVMs can share one
 * fetcher per policy. Held in memory by every worker: a million hashed rules cost about 150 MB.
 */
public final class DomainPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Why a URL is refused: the reason and the rule that matched. */
  public record Refusal(Reason reason, String detail) implements Serializable {}

  private final DomainRules blocked;
  private final DomainRules allowed;
  private final DomainRules optedOutDomains;
  private final Set<String> optedOutUrls;
  private final String fingerprint;

  private DomainPolicy(
      DomainRules blocked,
      DomainRules allowed,
      DomainRules optedOutDomains,
      Set<String> optedOutUrls) {
    this.blocked = blocked;
    this.allowed = allowed;
    this.optedOutDomains = optedOutDomains;
    this.optedOutUrls = Set.copyOf(optedOutUrls);
    List<String> parts = new ArrayList<>();
    for (DomainRules rules : List.of(blocked, allowed, optedOutDomains)) {
      parts.add(
          rules.rules().stream().map(DomainRules.Rule::toString).sorted().toList().toString());
    }
    parts.add(this.optedOutUrls.stream().sorted().toList().toString());
    this.fingerprint = DomainRules.sha256(String.join("\n", parts));
  }

  /**
   * @param optedOutUrls normalized URLs (as the URL reader normalizes them) never to fetch
   */
  public static DomainPolicy of(
      DomainRules blocked,
      DomainRules allowed,
      DomainRules optedOutDomains,
      Set<String> optedOutUrls) {
    return new DomainPolicy(blocked, allowed, optedOutDomains, optedOutUrls);
  }

  public static DomainPolicy none() {
    return of(DomainRules.empty(), DomainRules.empty(), DomainRules.empty(), Set.of());
  }

  public boolean isEmpty() {
    return blocked.isEmpty() && optedOutDomains.isEmpty() && optedOutUrls.isEmpty();
  }

  /** Null when {@code url} may be fetched; else why not. */
  public Refusal check(String normalizedUrl) {
    if (optedOutUrls.contains(normalizedUrl)) {
      return new Refusal(Reason.OPTED_OUT, "URL is on the opt-out list");
    }
    String host = host(normalizedUrl);
    if (host == null) {
      return null; // the URL reader has already refused unparsable URLs
    }
    DomainRules.Rule rule = optedOutDomains.match(host);
    if (rule != null) {
      return new Refusal(Reason.OPTED_OUT, host + " matches opt-out rule " + rule);
    }
    rule = blocked.match(host);
    if (rule != null && allowed.match(host) == null) {
      return new Refusal(Reason.UNSAFE_DOMAIN, host + " matches block rule " + rule);
    }
    return null;
  }

  static String host(String url) {
    try {
      return URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DomainPolicy p && fingerprint.equals(p.fingerprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fingerprint);
  }

  @Override
  public String toString() {
    return "DomainPolicy["
        + blocked.size()
        + " block, "
        + allowed.size()
        + " allow, "
        + optedOutDomains.size()
        + " opt-out domain rules, "
        + optedOutUrls.size()
        + " opted-out URLs]";
  }
}
