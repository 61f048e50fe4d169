package io.winnow.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StarGroupingTest {
  static StarGrouping.Node node(String key, long pixels) {
    return new StarGrouping.Node(key, pixels);
  }

  static StarGrouping.Edge edge(String a, String b) {
    return new StarGrouping.Edge(a, b, 0.9f, "test");
  }

  static List<String> removed(List<StarGrouping.Node> nodes, List<StarGrouping.Edge> edges) {
    return StarGrouping.removals(nodes, edges).stream()
        .map(r -> r.removed() + "->" + r.representative())
        .sorted()
        .toList();
  }

  @Test
  void aChainDoesNotRemoveTheImageAtItsFarEnd() {
    // A~B~C, A and C unrelated, A the largest: B is a copy of A and goes; C's only evidence is
    // against B, which is not kept, so C stays.
    List<StarGrouping.Node> nodes = List.of(node("A", 300), node("B", 200), node("C", 100));
    assertThat(removed(nodes, List.of(edge("A", "B"), edge("B", "C")))).containsExactly("B->A");
  }

  @Test
  void whenTheMiddleIsPreferredBothEndsAreItsCopies() {
    List<StarGrouping.Node> nodes = List.of(node("A", 100), node("B", 300), node("C", 100));
    assertThat(removed(nodes, List.of(edge("A", "B"), edge("B", "C"))))
        .containsExactly("A->B", "C->B");
  }

  @Test
  void aMemberGoesToTheMostPreferredKeptImageItMatches() {
    List<StarGrouping.Node> nodes = List.of(node("big", 900), node("mid", 500), node("x", 100));
    // mid is not a copy of big, so both are kept; x matches both and names big.
    assertThat(removed(nodes, List.of(edge("x", "mid"), edge("big", "x"))))
        .containsExactly("x->big");
  }

  @Test
  void equalSizesAreBrokenByKey() {
    List<StarGrouping.Node> nodes = List.of(node("b", 100), node("a", 100));
    assertThat(removed(nodes, List.of(edge("a", "b")))).containsExactly("b->a");
  }

  @Test
  void theResultDoesNotDependOnOrder() {
    Random random = new Random(3);
    List<StarGrouping.Node> nodes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      nodes.add(node("k" + i, random.nextInt(5)));
    }
    List<StarGrouping.Edge> edges = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      edges.add(edge("k" + random.nextInt(30), "k" + random.nextInt(30)));
    }
    List<String> first = removed(nodes, edges);
    for (int round = 0; round < 5; round++) {
      Collections.shuffle(nodes, random);
      Collections.shuffle(edges, random);
      assertThat(removed(nodes, edges)).isEqualTo(first);
    }
  }

  @Test
  void aCopyWhoseOnlyEdgeIsToASiblingIsRecheckedAgainstTheOriginal() {
    // A is the original, B and C its copies; the candidates paired C only with B (a crop the
    // k-NN put far from A). The recheck compares C with A directly.
    List<StarGrouping.Node> nodes = List.of(node("A", 300), node("B", 200), node("C", 100));
    List<String> asked = new ArrayList<>();
    List<String> removed =
        StarGrouping.removals(
                nodes,
                List.of(edge("A", "B"), edge("B", "C")),
                (member, kept) -> {
                  asked.add(member + "?" + kept);
                  return edge(kept, member);
                },
                8)
            .stream()
            .map(r -> r.removed() + "->" + r.representative())
            .sorted()
            .toList();
    assertThat(removed).containsExactly("B->A", "C->A");
    assertThat(asked).containsExactly("C?A");
  }

  @Test
  void aRecheckThatFailsKeepsTheFarEndOfAChain() {
    List<StarGrouping.Node> nodes = List.of(node("A", 300), node("B", 200), node("C", 100));
    assertThat(
            StarGrouping.removals(
                nodes, List.of(edge("A", "B"), edge("B", "C")), (member, kept) -> null, 8))
        .extracting(StarGrouping.Removal::removed)
        .containsExactly("B");
  }

  @Test
  void rechecksAreBoundedAndTryTwoHopNeighboursFirst() {
    // Kept: k0..k9 (no edges among them) and x, whose only edge is to y, a copy of k7.
    List<StarGrouping.Node> nodes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      nodes.add(node("k" + i, 1000 - i));
    }
    nodes.add(node("y", 50));
    nodes.add(node("x", 10));
    List<String> asked = new ArrayList<>();
    StarGrouping.removals(
        nodes,
        List.of(edge("k7", "y"), edge("y", "x")),
        (member, kept) -> {
          asked.add(member + "?" + kept);
          return null;
        },
        3);
    // y goes as k7's copy; x is rechecked first against k7, its sibling's original, then
    // against the most preferred kept members, three in all.
    assertThat(asked).filteredOn(a -> a.startsWith("x?")).containsExactly("x?k7", "x?k0", "x?k1");
  }
}
