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
import org.apache.beam.sdk.values.TupleTag;

/**
 * Groups of verified edges, once their components are known ({@link ConnectedComponents}): per
 * small component, the star rule that removes a member only as a copy of a kept member it has a
 * verified edge to, with rechecks for members whose edges all lead to removed ones; members of
 * large components go to {@link LargeComponents}. Part of {@link DropNearDuplicates}.
 */
final class ComponentGrouping {
  private ComponentGrouping() {}

  /** Members of small components, by component, for the star rule with rechecks. */
  static final TupleTag<KV<String, DropNearDuplicates.Member>> SMALL = new TupleTag<>() {};

  /** Members of large components, by component, with its size. */
  static final TupleTag<KV<String, KV<Integer, DropNearDuplicates.Member>>> LARGE =
      new TupleTag<>() {};

  /**
   * Members by component: those of components up to {@link
   * DropNearDuplicates#MAX_RECHECKED_COMPONENT} to {@link #SMALL}, the others to {@link #LARGE}.
   */
  static final class NodeFn
      extends DoFn<KV<String, CoGbkResult>, KV<String, DropNearDuplicates.Member>> {
    private final Counter large = Metrics.counter("dedup", "members_of_large_components");

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      KV<String, Integer> component = joined.getValue().getOnly(DropNearDuplicates.COMPONENT, null);
      DropNearDuplicates.Member member = joined.getValue().getOnly(DropNearDuplicates.MEMBER, null);
      if (component == null || member == null) {
        return;
      }
      if (component.getValue() > DropNearDuplicates.MAX_RECHECKED_COMPONENT) {
        large.inc();
        out.get(LARGE).output(KV.of(component.getKey(), KV.of(component.getValue(), member)));
      } else {
        out.get(SMALL).output(KV.of(component.getKey(), member));
      }
    }
  }

  /** Edges of small components, by component. */
  static final class SmallEdgesFn
      extends DoFn<KV<StarGrouping.Edge, KV<String, Integer>>, KV<String, StarGrouping.Edge>> {
    @ProcessElement
    public void process(
        @Element KV<StarGrouping.Edge, KV<String, Integer>> edge,
        OutputReceiver<KV<String, StarGrouping.Edge>> out) {
      if (edge.getValue().getValue() <= DropNearDuplicates.MAX_RECHECKED_COMPONENT) {
        out.output(KV.of(edge.getValue().getKey(), edge.getKey()));
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
