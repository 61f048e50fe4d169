package io.winnow.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.schemas.Reason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DomainPolicyTest {
  private static DomainPolicy blocking(String... rules) {
    return DomainPolicy.of(
        DomainRules.parse(List.of(rules), "block.txt"),
        DomainRules.empty(),
        DomainRules.empty(),
        Set.of());
  }

  @Test
  void aDomainRuleBlocksTheDomainAndEveryHostUnderIt() {
    DomainPolicy policy = blocking("# unsafe", "", "bad.example  # trailing comment");
    assertThat(policy.check("http://bad.example/a.jpg").reason()).isEqualTo(Reason.UNSAFE_DOMAIN);
    assertThat(policy.check("http://img.cdn.bad.example/a.jpg").detail())
        .isEqualTo("img.cdn.bad.example matches block rule 'bad.example' (block.txt:3)");
    assertThat(policy.check("http://notbad.example/a.jpg")).isNull();
    assertThat(policy.check("http://bad.example.org/a.jpg")).isNull();
  }

  @Test
  void wildcardsMatchSubdomainsOnlyAndExactHostsOnlyThemselves() {
    DomainPolicy policy = blocking("*.cdn.example", "=www.exact.example");
    assertThat(policy.check("https://a.cdn.example/x.png")).isNotNull();
    assertThat(policy.check("https://cdn.example/x.png")).isNull();
    assertThat(policy.check("https://www.exact.example/x.png")).isNotNull();
    assertThat(policy.check("https://exact.example/x.png")).isNull();
    assertThat(policy.check("https://a.www.exact.example/x.png")).isNull();
  }

  @Test
  void hostsAreComparedCaseInsensitivelyWithoutTrailingDot() {
    DomainPolicy policy = blocking("Bad.Example");
    assertThat(policy.check("http://WWW.BAD.EXAMPLE./a.jpg")).isNotNull();
  }

  @Test
  void publicSuffixesAreRefusedAsDomainRulesButAllowedAsWildcards() {
    assertThatThrownBy(() -> DomainRules.parse(List.of("ok.example", "co.uk"), "list.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'co.uk' (list.txt:2)")
        .hasMessageContaining("public suffix");
    assertThatThrownBy(() -> DomainRules.parse(List.of("blogspot.com"), "list.txt"))
        .hasMessageContaining("public suffix");
    DomainPolicy policy = blocking("*.co.uk");
    assertThat(policy.check("http://shop.co.uk/a.jpg")).isNotNull();
  }

  @Test
  void hashedRulesMatchTheRegisteredDomainByThePublicSuffixList() {
    // Industry lists hash the registered domain: for www.shop.example.co.uk that is example.co.uk.
    assertThat(DomainRules.registeredDomain("www.shop.example.co.uk")).isEqualTo("example.co.uk");
    assertThat(DomainRules.registeredDomain("a.b.blogspot.com")).isEqualTo("b.blogspot.com");
    DomainPolicy policy = blocking("sha256:" + DomainRules.sha256("example.co.uk"));
    assertThat(policy.check("http://www.shop.example.co.uk/a.jpg").detail())
        .contains("matches block rule 'sha256:");
    assertThat(policy.check("http://other.co.uk/a.jpg")).isNull();
    // A private suffix keeps sites apart: one blog's hash does not block another blog.
    DomainPolicy blog = blocking("sha256:" + DomainRules.sha256("bad.blogspot.com"));
    assertThat(blog.check("http://img.bad.blogspot.com/a.jpg")).isNotNull();
    assertThat(blog.check("http://good.blogspot.com/a.jpg")).isNull();
    // The host's own hash matches too.
    assertThat(
            blocking("sha256:" + DomainRules.sha256("cdn.example.org"))
                .check("http://cdn.example.org/a.jpg"))
        .isNotNull();
  }

  @Test
  void badRulesNameTheirLine() {
    assertThatThrownBy(() -> DomainRules.parse(List.of("sha256:abc"), "x.txt"))
        .hasMessageContaining("(x.txt:1)")
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> DomainRules.parse(List.of("ok.example", "http://a/b"), "x.txt"))
        .hasMessageContaining("(x.txt:2)");
  }

  @Test
  void theAllowListOverridesTheBlockListButNotOptOuts() {
    DomainRules blocked = DomainRules.parse(List.of("example.net"), "block.txt");
    DomainRules allowed = DomainRules.parse(List.of("=ok.example.net"), "allow.txt");
    DomainRules optedOut = DomainRules.parse(List.of("artist.example"), "optout.txt");
    DomainPolicy policy =
        DomainPolicy.of(blocked, allowed, optedOut, Set.of("http://ok.example.net/private.jpg"));
    assertThat(policy.check("http://ok.example.net/a.jpg")).isNull();
    assertThat(policy.check("http://www.example.net/a.jpg").reason())
        .isEqualTo(Reason.UNSAFE_DOMAIN);
    assertThat(policy.check("http://ok.example.net/private.jpg"))
        .isEqualTo(new DomainPolicy.Refusal(Reason.OPTED_OUT, "URL is on the opt-out list"));
    assertThat(policy.check("http://www.artist.example/a.jpg").detail())
        .isEqualTo("www.artist.example matches opt-out rule 'artist.example' (optout.txt:1)");
  }

  @Test
  void equalPoliciesAreEqualSoWorkersShareFetchers() {
    assertThat(blocking("a.example", "b.example"))
        .isEqualTo(blocking("a.example", "b.example"))
        .hasSameHashCodeAs(blocking("a.example", "b.example"));
    assertThat(blocking("a.example")).isNotEqualTo(blocking("b.example"));
    assertThat(DomainPolicy.none().isEmpty()).isTrue();
  }
}
