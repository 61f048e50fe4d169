package io.winnow.dedup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which members of one connected component of verified copy edges are removed, and in favour of
 * whom, without chaining: a member is removed only for a kept member it is itself a verified copy
 * of. Members are taken in order of preference (largest original, then smallest key); each is
 * removed as a copy of the first kept member it has an edge to, or else kept. So for a chain
 * A~B~C where A and C are unrelated and A is preferred, B goes (a copy of A) and C stays: its
 * only evidence was against B, which is not kept.
 *
 * <p>Deterministic: the result depends only on the members and edges, not on their order.
 */
public final class StarGrouping {
  /** A member of a component: its key and the pixel count of its original. */
  public record Node(String key, long pixels) {}

  /** A verified copy edge between two members, with its rejection-detail evidence. */
  public record Edge(String a, String b, float similarity, String evidence) {}

  /** A member removed as a copy of {@code representative}, with the edge that proves it. */
  public record Removal(String removed, String representative, Edge edge) {}

  public static final Comparator<Node> PREFERRED =
      Comparator.comparingLong((Node n) -> -n.pixels()).thenComparing(Node::key);

  private StarGrouping() {}

  public static List<Removal> removals(List<Node> members, List<Edge> edges) {
    List<Node> ordered = new ArrayList<>(members);
    ordered.sort(PREFERRED);
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < ordered.size(); i++) {
      rank.put(ordered.get(i).key(), i);
    }
    // Each member's edges, best (most preferred other end, then smallest key pair) first.
    Map<String, List<Edge>> byMember = new HashMap<>();
    for (Edge e : edges) {
      byMember.computeIfAbsent(e.a(), k -> new ArrayList<>()).add(e);
      byMember.computeIfAbsent(e.b(), k -> new ArrayList<>()).add(e);
    }
    Map<String, Boolean> kept = new HashMap<>();
    List<Removal> removals = new ArrayList<>();
    for (Node n : ordered) {
      Edge proof = null;
      String representative = null;
      int best = Integer.MAX_VALUE;
      for (Edge e : byMember.getOrDefault(n.key(), List.of())) {
        String other = e.a().equals(n.key()) ? e.b() : e.a();
        Integer r = rank.get(other);
        if (r != null && Boolean.TRUE.equals(kept.get(other)) && r < best) {
          best = r;
          proof = e;
          representative = other;
        }
      }
      if (proof == null) {
        kept.put(n.key(), true);
      } else {
        removals.add(new Removal(n.key(), representative, proof));
      }
    }
    return removals;
  }
}
