package io.winnow.dedup;

import io.winnow.schemas.GroupThroughFiles;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Labels every node of an undirected graph with its connected component: the smallest key in it.
 * Distributed: {@code rounds} rounds of large-star then small-star ({@link StarContraction}),
 * unrolled in the pipeline, each step a grouping of the edges by node through files; no worker
 * holds more than the edges of the nodes it is given, however large a component, and there is no
 * cap on the number of edges. After the last round every node checks it sits in a star; if one does
 * not, the job fails and says to raise the rounds (the graph is never labelled wrongly).
 *
 * <p>Why unrolled rather than a loop of jobs: Beam has no loops, the rounds a copy graph needs are
 * few (copy groups are stars and short chains), and a round after convergence costs two groupings
 * of what is left, one edge per non-centre node: far less than the k-NN join before it.
 */
public final class ConnectedComponents
    extends PTransform<PCollection<KV<String, String>>, PCollection<KV<String, String>>> {
  /**
   * Rounds when none are given. Copy groups (stars) converge in 1; random sparse graphs of 40,000
   * nodes in 6; a single chain of 20,000 in 12 (random keys) to 15 (keys in chain order), growing
   * as log n (StarContractionTest).
   */
  public static final int DEFAULT_ROUNDS = 16;

  private final int rounds;

  private ConnectedComponents(int rounds) {
    if (rounds < 1) {
      throw new IllegalArgumentException("connected components need at least one round");
    }
    this.rounds = rounds;
  }

  public static ConnectedComponents inRounds(int rounds) {
    return new ConnectedComponents(rounds);
  }

  @Override
  public PCollection<KV<String, String>> expand(PCollection<KV<String, String>> edges) {
    String temp = GroupThroughFiles.tempDirOf(edges.getPipeline().getOptions());
    KvCoder<String, String> coder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> current =
        edges.apply("LargerFirst", ParDo.of(new LargerFirstFn())).setCoder(coder);
    for (int r = 1; r <= rounds; r++) {
      current =
          current
              .apply("BothWays" + r, ParDo.of(new BothWaysFn()))
              .setCoder(coder)
              .apply("ByNode" + r, GroupThroughFiles.<String, String>in(temp))
              .apply("LargeStar" + r, ParDo.of(new LargeStarFn()))
              .setCoder(coder)
              .apply("BySmallerNeighbours" + r, GroupThroughFiles.<String, String>in(temp))
              .apply("SmallStar" + r, ParDo.of(new SmallStarFn(r)))
              .setCoder(coder);
    }
    return current
        .apply("BothWaysToLabel", ParDo.of(new BothWaysFn()))
        .setCoder(coder)
        .apply("ByNodeToLabel", GroupThroughFiles.<String, String>in(temp))
        .apply("Label", ParDo.of(new LabelFn(rounds)))
        .setCoder(coder);
  }

  /** Edges as (larger key, smaller key); self-loops dropped. */
  static final class LargerFirstFn extends DoFn<KV<String, String>, KV<String, String>> {
    @ProcessElement
    public void process(@Element KV<String, String> e, OutputReceiver<KV<String, String>> out) {
      int c = e.getKey().compareTo(e.getValue());
      if (c > 0) {
        out.output(e);
      } else if (c < 0) {
        out.output(KV.of(e.getValue(), e.getKey()));
      }
    }
  }

  static final class BothWaysFn extends DoFn<KV<String, String>, KV<String, String>> {
    @ProcessElement
    public void process(@Element KV<String, String> e, OutputReceiver<KV<String, String>> out) {
      out.output(e);
      out.output(KV.of(e.getValue(), e.getKey()));
    }
  }

  static final class LargeStarFn extends DoFn<KV<String, Iterable<String>>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<String>> node, OutputReceiver<KV<String, String>> out) {
      StarContraction.largeStar(node.getKey(), node.getValue(), (a, b) -> out.output(KV.of(a, b)));
    }
  }

  static final class SmallStarFn extends DoFn<KV<String, Iterable<String>>, KV<String, String>> {
    private final Counter edges;

    SmallStarFn(int round) {
      this.edges = Metrics.counter("dedup", "component_edges_after_round_" + round);
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<String>> node, OutputReceiver<KV<String, String>> out) {
      StarContraction.smallStar(
          node.getKey(),
          node.getValue(),
          (a, b) -> {
            edges.inc();
            out.output(KV.of(a, b));
          });
    }
  }

  static final class LabelFn extends DoFn<KV<String, Iterable<String>>, KV<String, String>> {
    private final int rounds;

    LabelFn(int rounds) {
      this.rounds = rounds;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<String>> node, OutputReceiver<KV<String, String>> out) {
      String label = StarContraction.label(node.getKey(), node.getValue());
      if (label == null) {
        // A systemic limit, not a per-sample outcome: labelling it anyway could merge or split
        // groups, so the run stops and says how to go on.
        throw new IllegalStateException(
            "near-duplicate components did not converge in "
                + rounds
                + " rounds of large-star/small-star (node "
                + node.getKey()
                + " is not in a star yet): raise --dedup-component-rounds");
      }
      out.output(KV.of(node.getKey(), label));
    }
  }
}
