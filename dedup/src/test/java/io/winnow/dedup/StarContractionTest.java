package io.winnow.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StarContractionTest {
  /** Runs the steps in memory, as ConnectedComponents does across workers; -1 if not converged. */
  static int roundsToConverge(List<String[]> edges, int maxRounds, Map<String, String> labels) {
    List<String[]> current = new ArrayList<>();
    for (String[] e : edges) {
      int c = e[0].compareTo(e[1]);
      if (c != 0) {
        current.add(c > 0 ? e : new String[] {e[1], e[0]});
      }
    }
    for (int round = 0; round <= maxRounds; round++) {
      Map<String, List<String>> both = byNode(current, true);
      labels.clear();
      boolean converged = true;
      for (Map.Entry<String, List<String>> n : both.entrySet()) {
        String label = StarContraction.label(n.getKey(), n.getValue());
        converged &= label != null;
        labels.put(n.getKey(), label);
      }
      if (converged) {
        return round;
      }
      List<String[]> large = new ArrayList<>();
      both.forEach(
          (node, ns) ->
              StarContraction.largeStar(node, ns, (a, b) -> large.add(new String[] {a, b})));
      List<String[]> small = new ArrayList<>();
      byNode(large, false)
          .forEach(
              (node, ns) ->
                  StarContraction.smallStar(node, ns, (a, b) -> small.add(new String[] {a, b})));
      assertThat(small.size()).isLessThanOrEqualTo(current.size());
      current = small;
    }
    return -1;
  }

  private static Map<String, List<String>> byNode(List<String[]> edges, boolean bothWays) {
    Map<String, List<String>> by = new HashMap<>();
    for (String[] e : edges) {
      by.computeIfAbsent(e[0], k -> new ArrayList<>()).add(e[1]);
      if (bothWays) {
        by.computeIfAbsent(e[1], k -> new ArrayList<>()).add(e[0]);
      }
    }
    return by;
  }

  private static Map<String, String> unionFind(List<String[]> edges) {
    UnionFind sets = new UnionFind();
    for (String[] e : edges) {
      sets.union(e[0], e[1]);
    }
    Map<String, String> roots = sets.components();
    // Label by the smallest key of each set, as the stars do.
    Map<String, String> smallest = new HashMap<>();
    roots.forEach((node, root) -> smallest.merge(root, node, (a, b) -> a.compareTo(b) < 0 ? a : b));
    Map<String, String> labels = new HashMap<>();
    roots.forEach((node, root) -> labels.put(node, smallest.get(root)));
    return labels;
  }

  private static String key(int i) {
    return String.format(Locale.ROOT, "%08d", i);
  }

  @Test
  void aStarAroundALargerKeyConvergesInOneRound() {
    List<String[]> edges = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      edges.add(new String[] {key(500), key(i == 500 ? 1000 : i)});
    }
    Map<String, String> labels = new HashMap<>();
    assertThat(roundsToConverge(edges, 8, labels)).isEqualTo(1);
    assertThat(labels).isEqualTo(unionFind(edges));
  }

  @Test
  void longChainsConvergeWellWithinTheDefaultRounds() {
    // A path of 20,000 nodes in sorted and in shuffled key order (15 and 12 rounds when measured),
    // and random sparse graphs (6): the labels equal a union-find's, within DEFAULT_ROUNDS.
    Random random = new Random(3);
    for (boolean shuffled : new boolean[] {false, true}) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        order.add(i);
      }
      if (shuffled) {
        Collections.shuffle(order, random);
      }
      List<String[]> path = new ArrayList<>();
      for (int i = 1; i < order.size(); i++) {
        path.add(new String[] {key(order.get(i - 1)), key(order.get(i))});
      }
      Map<String, String> labels = new HashMap<>();
      int rounds = roundsToConverge(path, ConnectedComponents.DEFAULT_ROUNDS, labels);
      assertThat(rounds)
          .as("path, shuffled " + shuffled)
          .isBetween(1, ConnectedComponents.DEFAULT_ROUNDS);
      assertThat(labels).isEqualTo(unionFind(path));
    }
    for (int trial = 0; trial < 5; trial++) {
      List<String[]> edges = new ArrayList<>();
      for (int i = 0; i < 30_000; i++) {
        int a = random.nextInt(40_000);
        int b = random.nextInt(40_000);
        if (a != b) {
          edges.add(new String[] {key(a), key(b)});
        }
      }
      Map<String, String> labels = new HashMap<>();
      assertThat(roundsToConverge(edges, ConnectedComponents.DEFAULT_ROUNDS, labels)).isPositive();
      assertThat(labels).isEqualTo(unionFind(edges));
    }
  }

  @Test
  void aNodeOutsideAStarHasNoLabel() {
    assertThat(StarContraction.label("b", List.of("a", "c"))).isNull();
    assertThat(StarContraction.label("c", List.of("a", "b"))).isNull();
    assertThat(StarContraction.label("c", List.of("a", "a"))).isEqualTo("a");
    assertThat(StarContraction.label("a", List.of("b", "c"))).isEqualTo("a");
  }
}
