package io.winnow.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptOutHeadersTest {
  private static final Set<String> DEFAULTS = OptOutHeaders.DEFAULT_DIRECTIVES;

  @Test
  void directivesForEveryAgentApply() {
    assertThat(OptOutHeaders.optOut(List.of("noai"), DEFAULTS, "Winnow")).isEqualTo("noai");
    assertThat(OptOutHeaders.optOut(List.of("nofollow, NoImageAI"), DEFAULTS, "Winnow"))
        .isEqualTo("noimageai");
    assertThat(OptOutHeaders.optOut(List.of("nofollow", "noindex"), DEFAULTS, "Winnow"))
        .isEqualTo("noindex");
    assertThat(OptOutHeaders.optOut(List.of("nofollow, noarchive"), DEFAULTS, "Winnow")).isNull();
    assertThat(OptOutHeaders.optOut(List.of(), DEFAULTS, "Winnow")).isNull();
  }

  @Test
  void directivesForAnotherAgentDoNotApplyButOursDo() {
    assertThat(OptOutHeaders.optOut(List.of("googlebot: noindex"), DEFAULTS, "Winnow")).isNull();
    assertThat(OptOutHeaders.optOut(List.of("winnow: noai"), DEFAULTS, "Winnow")).isEqualTo("noai");
  }

  @Test
  void directivesWithValuesAreNotTakenForAgents() {
    assertThat(OptOutHeaders.optOut(List.of("max-image-preview:none, noai"), DEFAULTS, "Winnow"))
        .isEqualTo("noai");
    assertThat(
            OptOutHeaders.optOut(
                List.of("unavailable_after: 25 Jun 2010 15:00:00 PST"), DEFAULTS, "Winnow"))
        .isNull();
  }

  @Test
  void theSwitchTurnsTheHeaderOffOrNarrowsIt() {
    assertThat(OptOutHeaders.optOut(List.of("noai"), Set.of(), "Winnow")).isNull();
    assertThat(OptOutHeaders.optOut(List.of("noindex"), Set.of("noai"), "Winnow")).isNull();
  }
}
