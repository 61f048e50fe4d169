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
 * removed as a copy of the first kept member it has an edge to, or else kept. So for a chain A~B~C
 * where A and C are unrelated and A is preferred, B goes (a copy of A) and C stays: its only
 * evidence was against B, which is not kept.
 *
 * <p>A member with no edge to a kept member may be <em>rechecked</em>: verified directly against
 * kept members it had no candidate pair with (those two hops away first, then the most preferred),
 * at most {@code maxRechecks} of them. Candidates come from a k-NN that an edited copy can miss its
 * original in (a crop or a paste drifts far in embedding space) while it still finds a sibling
 * copy; the recheck turns that sibling's component into the evidence that the copy itself is
 * compared with the original, so recall no longer rests on the original being among the copy's k
 * nearest.
 *
 * <p>Deterministic: the result depends only on the members, edges and rechecks' answers, not on
 * their order.
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

  /** Verifies a member against a kept member no candidate pair joined it to. */
  @FunctionalInterface
  public interface Recheck {
    /** The edge if {@code member} is a verified copy of {@code kept}, else null. */
    Edge verify(String member, String kept);
  }

  public static List<Removal> removals(List<Node> members, List<Edge> edges) {
    return removals(members, edges, null, 0);
  }

  public static List<Removal> removals(
      List<Node> members, List<Edge> edges, Recheck recheck, int maxRechecks) {
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
      if (proof == null && recheck != null) {
        for (String other : recheckOrder(n.key(), byMember, ordered, rank, kept, maxRechecks)) {
          Edge e = recheck.verify(n.key(), other);
          if (e != null) {
            proof = e;
            representative = other;
            break;
          }
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

  /**
   * Kept members to recheck {@code key} against: those two edges away first (a sibling copy's
   * original), then the most preferred; each by preference, at most {@code limit}.
   */
  private static List<String> recheckOrder(
      String key,
      Map<String, List<Edge>> byMember,
      List<Node> ordered,
      Map<String, Integer> rank,
      Map<String, Boolean> kept,
      int limit) {
    java.util.TreeMap<Integer, String> near = new java.util.TreeMap<>();
    for (Edge e : byMember.getOrDefault(key, List.of())) {
      String middle = e.a().equals(key) ? e.b() : e.a();
      for (Edge f : byMember.getOrDefault(middle, List.of())) {
        String far = f.a().equals(middle) ? f.b() : f.a();
        if (!far.equals(key) && Boolean.TRUE.equals(kept.get(far)) && rank.containsKey(far)) {
          near.put(rank.get(far), far);
        }
      }
    }
    List<String> out = new ArrayList<>(near.values());
    java.util.Set<String> taken = new java.util.HashSet<>(out);
    for (Node m : ordered) {
      if (out.size() >= limit) {
        break;
      }
      if (Boolean.TRUE.equals(kept.get(m.key())) && !taken.contains(m.key())) {
        out.add(m.key());
      }
    }
    return out.size() > limit ? out.subList(0, limit) : out;
  }
}
