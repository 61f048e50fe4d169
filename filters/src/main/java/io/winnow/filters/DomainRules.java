package io.winnow.filters;

import crawlercommons.domains.EffectiveTldFinder;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Host rules of a block, allow or opt-out list, one rule per line ({@code #} starts a comment):
 *
 * <ul>
 *   <li>{@code example.com}: the domain and every host under it ({@code www.example.com}, {@code
 *       a.b.example.com}); a public suffix ({@code co.uk}, {@code blogspot.com}) is refused here,
 *       as it would block every site under it by accident: write {@code *.co.uk} for that.
 *   <li>{@code *.example.com}: hosts under the domain, not the domain itself.
 *   <li>{@code =www.example.com}: that exact host only.
 *   <li>{@code sha256:HEX}: a host whose registered domain (eTLD+1 by the Public Suffix List), or
 *       the host itself, has this SHA-256 (lower-case UTF-8): how industry lists are shipped.
 * </ul>
 *
 * <p>Hosts are compared lower-case, without a trailing dot; IDNs as given (punycode in URLs).
 * {@link #match} names the rule and its source, for the rejection detail.
 */
public final class DomainRules implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A parsed rule and where it came from ({@code FILE:LINE}). */
  public record Rule(String text, String source) implements Serializable {
    @Override
    public String toString() {
      return "'" + text + "' (" + source + ")";
    }
  }

  private final Map<String, Rule> exactHosts = new HashMap<>();
  private final Map<String, Rule> domains = new HashMap<>();
  private final Map<String, Rule> wildcards = new HashMap<>();
  private final Map<String, Rule> hashes = new HashMap<>();

  private DomainRules() {}

  public static DomainRules empty() {
    return new DomainRules();
  }

  /**
   * Rules from the lines of one list; {@code source} names it in errors and matches.
   *
   * @throws IllegalArgumentException naming the line of a rule that cannot be read
   */
  public static DomainRules parse(List<String> lines, String source) {
    return new DomainRules().add(lines, source);
  }

  /** These rules and those of {@code lines}. */
  public DomainRules add(List<String> lines, String source) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (text.isEmpty()) {
        continue;
      }
      Rule rule = new Rule(text, source + ":" + (i + 1));
      String lower = text.toLowerCase(Locale.ROOT);
      if (lower.startsWith("sha256:")) {
        String hex = lower.substring(7).strip();
        if (!hex.matches("[0-9a-f]{64}")) {
          throw bad(rule, "a sha256: rule needs 64 hex digits");
        }
        hashes.putIfAbsent(hex, rule);
      } else if (lower.startsWith("=")) {
        exactHosts.putIfAbsent(host(lower.substring(1), rule), rule);
      } else if (lower.startsWith("*.")) {
        wildcards.putIfAbsent(host(lower.substring(2), rule), rule);
      } else {
        String domain = host(lower, rule);
        if (isPublicSuffix(domain)) {
          throw bad(
              rule,
              "'"
                  + domain
                  + "' is a public suffix: it would block every site "
                  + "under it; write '*."
                  + domain
                  + "' if that is meant");
        }
        domains.putIfAbsent(domain, rule);
      }
    }
    return this;
  }

  public boolean isEmpty() {
    return exactHosts.isEmpty() && domains.isEmpty() && wildcards.isEmpty() && hashes.isEmpty();
  }

  public int size() {
    return exactHosts.size() + domains.size() + wildcards.size() + hashes.size();
  }

  /** The first rule that matches {@code host}, or null. */
  public Rule match(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    String h = normalise(host);
    Rule rule = exactHosts.get(h);
    if (rule != null) {
      return rule;
    }
    // The host itself and each parent domain: a.b.example.com, b.example.com, example.com, com.
    for (String suffix = h; suffix != null; suffix = parent(suffix)) {
      rule = domains.get(suffix);
      if (rule == null && !suffix.equals(h)) {
        rule = wildcards.get(suffix);
      }
      if (rule != null) {
        return rule;
      }
    }
    if (!hashes.isEmpty()) {
      String registered = registeredDomain(h);
      if (registered != null && (rule = hashes.get(sha256(registered))) != null) {
        return rule;
      }
      return hashes.get(sha256(h));
    }
    return null;
  }

  /** The registered domain (eTLD+1) of a host by the Public Suffix List, or null. */
  public static String registeredDomain(String host) {
    String h = normalise(host);
    if (h.matches("[0-9.]+") || h.contains(":")) {
      return null; // IP literals have no registered domain
    }
    return EffectiveTldFinder.getAssignedDomain(h, true, false);
  }

  static boolean isPublicSuffix(String domain) {
    EffectiveTldFinder.EffectiveTLD suffix = EffectiveTldFinder.getEffectiveTLD(domain, false);
    return suffix != null && suffix.getDomain().equals(domain);
  }

  public static String sha256(String text) {
    return sha256Bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Bytes(byte[] bytes) {
    return io.winnow.schemas.Digests.sha256Hex(bytes);
  }

  private static String parent(String domain) {
    int dot = domain.indexOf('.');
    return dot < 0 ? null : domain.substring(dot + 1);
  }

  private static String normalise(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static String host(String text, Rule rule) {
    String h = normalise(text);
    if (h.isEmpty()
        || h.contains("/")
        || h.contains(" ")
        || h.startsWith(".")
        || h.contains("..")
        || h.contains("*")) {
      throw bad(rule, "not a host name");
    }
    return h;
  }

  private static IllegalArgumentException bad(Rule rule, String why) {
    return new IllegalArgumentException("bad domain rule " + rule + ": " + why);
  }

  /** All rules, for logs and the run report. */
  public List<Rule> rules() {
    List<Rule> all = new ArrayList<>();
    all.addAll(exactHosts.values());
    all.addAll(domains.values());
    all.addAll(wildcards.values());
    all.addAll(hashes.values());
    return all;
  }
}
