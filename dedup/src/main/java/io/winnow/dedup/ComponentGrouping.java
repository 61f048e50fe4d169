package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.copydetect.Fingerprint;
import io.winnow.knn.KeyedVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;

/**
 * Groups of verified edges: connected components (one union-find), then, per component, the star
 * rule that removes a member only as a copy of a kept member it has a verified edge to, with
 * rechecks for members whose edges all lead to removed ones. Part of {@link DropNearDuplicates}.
 */
final class ComponentGrouping {
  private ComponentGrouping() {}

  /** Each member of a component, with the component's id and size. */
  static final class ComponentsFn
      extends DoFn<KV<Integer, Iterable<KV<String, String>>>, KV<String, KV<String, Integer>>> {
    private final long maxEdges;
    private final Counter edges = Metrics.counter("dedup", "near_duplicate_edges");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("dedup");

    ComponentsFn(long maxEdges) {
      this.maxEdges = maxEdges;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<String, String>>> all,
        OutputReceiver<KV<String, KV<String, Integer>>> out) {
      long start = System.nanoTime();
      UnionFind sets = new UnionFind();
      long count = 0;
      for (KV<String, String> edge : all.getValue()) {
        if (++count > maxEdges) {
          throw new IllegalStateException(
              "more than "
                  + maxEdges
                  + " near-duplicate edges: the "
                  + "single-worker union-find would need more memory than planned (about 100 bytes "
                  + "per edge); raise the limit with a bigger worker, or lower k or raise the threshold");
        }
        sets.union(edge.getKey(), edge.getValue());
      }
      edges.inc(count);
      Map<String, String> components = sets.components();
      Map<String, Integer> sizes = new HashMap<>();
      components.values().forEach(root -> sizes.merge(root, 1, Integer::sum));
      timer.record(System.nanoTime() - start, 0);
      for (Map.Entry<String, String> e : components.entrySet()) {
        out.output(KV.of(e.getKey(), KV.of(e.getValue(), sizes.get(e.getValue()))));
      }
    }
  }

  /**
   * Members by component; fingerprints only travel with members of components small enough to
   * recheck ({@link #MAX_RECHECKED_COMPONENT}).
   */
  static final class NodeFn
      extends DoFn<KV<String, CoGbkResult>, KV<String, DropNearDuplicates.Member>> {
    private final Counter unchecked = Metrics.counter("dedup", "members_too_many_to_recheck");

    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> joined,
        OutputReceiver<KV<String, DropNearDuplicates.Member>> out) {
      KV<String, Integer> component = joined.getValue().getOnly(DropNearDuplicates.COMPONENT, null);
      DropNearDuplicates.Member member = joined.getValue().getOnly(DropNearDuplicates.MEMBER, null);
      if (component == null || member == null) {
        return;
      }
      if (component.getValue() > DropNearDuplicates.MAX_RECHECKED_COMPONENT) {
        unchecked.inc();
        member =
            new DropNearDuplicates.Member(
                member.key(), member.url(), member.pixels(), new float[0], null);
      }
      out.output(KV.of(component.getKey(), member));
    }
  }

  static final class EdgeComponentFn
      extends DoFn<KV<String, CoGbkResult>, KV<String, StarGrouping.Edge>> {
    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> joined,
        OutputReceiver<KV<String, StarGrouping.Edge>> out) {
      KV<String, Integer> component = joined.getValue().getOnly(DropNearDuplicates.COMPONENT, null);
      if (component == null) {
        return;
      }
      for (StarGrouping.Edge e : joined.getValue().getAll(DropNearDuplicates.EDGE)) {
        out.output(KV.of(component.getKey(), e));
      }
    }
  }

  /**
   * The star rule per component, with rechecks: a member left without an edge to a kept member is
   * verified against up to {@link #MAX_RECHECKS} kept members (see {@link StarGrouping}).
   */
  static final class NodePart
      extends org.apache.beam.sdk.transforms.SimpleFunction<
          KV<String, DropNearDuplicates.Member>,
          KV<String, KV<DropNearDuplicates.Member, StarGrouping.Edge>>> {
    @Override
    public KV<String, KV<DropNearDuplicates.Member, StarGrouping.Edge>> apply(
        KV<String, DropNearDuplicates.Member> node) {
      return KV.of(node.getKey(), KV.of(node.getValue(), null));
    }
  }

  static final class EdgePart
      extends org.apache.beam.sdk.transforms.SimpleFunction<
          KV<String, StarGrouping.Edge>,
          KV<String, KV<DropNearDuplicates.Member, StarGrouping.Edge>>> {
    @Override
    public KV<String, KV<DropNearDuplicates.Member, StarGrouping.Edge>> apply(
        KV<String, StarGrouping.Edge> edge) {
      return KV.of(edge.getKey(), KV.of(null, edge.getValue()));
    }
  }

  static final class StarFn
      extends DoFn<
          KV<String, Iterable<KV<DropNearDuplicates.Member, StarGrouping.Edge>>>,
          KV<String, DropNearDuplicates.Removal>> {
    private final CopyVerifier verifier;
    private final boolean verify;
    private final Counter rechecked = Metrics.counter("dedup", "rechecks");
    private final Counter recheckCopies = Metrics.counter("dedup", "rechecks_verified");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("dedup");

    StarFn(CopyVerifier verifier, boolean verify) {
      this.verifier = verifier;
      this.verify = verify;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<KV<DropNearDuplicates.Member, StarGrouping.Edge>>> component,
        OutputReceiver<KV<String, DropNearDuplicates.Removal>> out) {
      long start = System.nanoTime();
      List<StarGrouping.Node> nodes = new ArrayList<>();
      Map<String, DropNearDuplicates.Member> members = new HashMap<>();
      List<StarGrouping.Edge> edges = new ArrayList<>();
      for (KV<DropNearDuplicates.Member, StarGrouping.Edge> part : component.getValue()) {
        DropNearDuplicates.Member m = part.getKey();
        if (m == null) {
          edges.add(part.getValue());
        } else {
          nodes.add(new StarGrouping.Node(m.key(), m.pixels()));
          members.put(m.key(), m);
        }
      }
      Map<String, Fingerprint> decoded = new HashMap<>();
      long[] checks = new long[1];
      StarGrouping.Recheck recheck =
          (member, kept) -> {
            DropNearDuplicates.Member a = members.get(member.compareTo(kept) < 0 ? member : kept);
            DropNearDuplicates.Member b = members.get(member.compareTo(kept) < 0 ? kept : member);
            if (a.fingerprint() == null || b.fingerprint() == null) {
              return null;
            }
            checks[0]++;
            rechecked.inc();
            CopyVerifier.Verdict v =
                verifier.verify(
                    decoded.computeIfAbsent(a.key(), k -> Fingerprint.decode(a.fingerprint())),
                    decoded.computeIfAbsent(b.key(), k -> Fingerprint.decode(b.fingerprint())),
                    KeyedVector.dot(a.vector(), b.vector()),
                    PairVerification.VerifyFn.seed(a.key(), b.key()));
            if (!v.copy()) {
              return null;
            }
            recheckCopies.inc();
            return new StarGrouping.Edge(a.key(), b.key(), v.cosine(), v.describe());
          };
      List<StarGrouping.Removal> removals =
          StarGrouping.removals(
              nodes, edges, verify ? recheck : null, DropNearDuplicates.MAX_RECHECKS);
      timer.record(System.nanoTime() - start, checks[0]);
      for (StarGrouping.Removal r : removals) {
        StarGrouping.Edge e = r.edge();
        out.output(
            KV.of(
                r.removed(),
                new DropNearDuplicates.Removal(
                    r.representative(),
                    String.format(
                        Locale.ROOT,
                        "near-duplicate of %s (%s, group of %d)",
                        r.representative(),
                        e.evidence(),
                        nodes.size()),
                    false,
                    e.similarity())));
      }
    }
  }
}
