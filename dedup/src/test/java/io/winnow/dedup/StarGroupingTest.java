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
        .map(r -> r.removed() + "->" + r.representative()).sorted().toList();
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
}
