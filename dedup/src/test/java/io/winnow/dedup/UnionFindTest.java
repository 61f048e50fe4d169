package io.winnow.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnionFindTest {
  @Test
  void chainsMergeIntoOneComponentNamedByItsSmallestKey() {
    UnionFind sets = new UnionFind();
    sets.union("c", "b");
    sets.union("b", "a"); // a~b~c: one component though a and c are not linked directly
    sets.union("x", "y");
    Map<String, String> components = sets.components();
    assertThat(components)
        .containsEntry("a", "a")
        .containsEntry("b", "a")
        .containsEntry("c", "a")
        .containsEntry("x", "x")
        .containsEntry("y", "x")
        .hasSize(5);
  }

  @Test
  void namingDoesNotDependOnEdgeOrder() {
    UnionFind one = new UnionFind();
    UnionFind two = new UnionFind();
    String[][] edges = {{"k3", "k9"}, {"k1", "k3"}, {"k5", "k9"}, {"k7", "k8"}};
    for (String[] e : edges) {
      one.union(e[0], e[1]);
    }
    for (int i = edges.length - 1; i >= 0; i--) {
      two.union(edges[i][1], edges[i][0]);
    }
    assertThat(one.components()).isEqualTo(two.components());
  }

  @Test
  void grows() {
    UnionFind sets = new UnionFind();
    for (int i = 0; i < 1000; i++) {
      sets.union("n" + i, "n" + (i + 1));
    }
    assertThat(sets.size()).isEqualTo(1001);
    assertThat(sets.components().values()).containsOnly("n0");
  }
}
