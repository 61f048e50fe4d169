package io.winnow.dedup;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Removes duplicates, keeping one sample of each group.
 *
 * <ol>
 *   <li>Exact: samples with the same SHA-256 of their <em>downloaded bytes</em> are one group
 *       (the same file served under several URLs); the smallest key is kept.
 *   <li>Near: the k-NN self-join of the embeddings ({@link KnnJoin}, k = 64 by default) gives an
 *       edge between two samples whose cosine similarity is at least the threshold (equality
 *       counts); the connected components of those edges are the groups, so chains merge
 *       (A~B and B~C put A and C in one group even when A is not ~ C).
 *   <li>In each group the representative is the sample whose original has the most pixels, then
 *       the smallest key; every other member is rejected ({@code exact-duplicate} or
 *       {@code near-duplicate}) naming the representative and its cosine similarity to it.
 * </ol>
 *
 * <p>Components are found by a union-find on one worker: all edges of the run meet there. Each
 * edge costs about 100 bytes of its heap; {@link #withMaxEdges} (default 20 million) is checked and
 * a run with more fails with a clear message rather than running out of memory. Deterministic:
 * the kept set depends only on the samples, not on the runner, parallelism or order.
 * Samples without an embedding of the given dimension are rejected ({@code bad-embedding}).
 */
public final class DropNearDuplicates extends PTransform<PCollection<Sample>, PCollectionTuple> {
  public static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  public static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};
  private static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  private static final TupleTag<Removal> REMOVALS = new TupleTag<>() {};
  private static final TupleTag<String> COMPONENT = new TupleTag<>() {};
  private static final TupleTag<Member> MEMBER = new TupleTag<>() {};
  private static final TupleTag<KV<String, Member>> UNIQUE = new TupleTag<>() {};
  private static final TupleTag<KV<String, Removal>> EXACT_REMOVALS = new TupleTag<>() {};
  /** A sample of the removals, across the similarity range, for people to check by eye. */
  public static final TupleTag<DuplicateExample> EXAMPLES = new TupleTag<>() {};
  /** The images of those examples (removed and kept), as they were when deduplicated. */
  public static final TupleTag<Sample> EXAMPLE_IMAGES = new TupleTag<>() {};
  private static final TupleTag<String> EXAMPLE_ROLE = new TupleTag<>() {};

  private final int dimension;
  private final double threshold;
  private final int k;
  private final long maxEdges;
  private final boolean exactSearch;
  private final int partitionSize;
  private final int examplesPerBand;

  private DropNearDuplicates(int dimension, double threshold, int k, long maxEdges,
      boolean exactSearch, int partitionSize, int examplesPerBand) {
    if (dimension < 1 || k < 1 || maxEdges < 1 || !(threshold > -1 && threshold <= 1)) {
      throw new IllegalArgumentException("dimension, k and max edges must be positive and the "
          + "threshold a cosine within (-1, 1]");
    }
    this.dimension = dimension;
    this.threshold = threshold;
    this.k = k;
    this.maxEdges = maxEdges;
    this.exactSearch = exactSearch;
    this.partitionSize = partitionSize;
    this.examplesPerBand = examplesPerBand;
  }

  /** Near-duplicates are pairs at cosine similarity {@code >= threshold}. */
  public static DropNearDuplicates with(int dimension, double threshold) {
    return new DropNearDuplicates(dimension, threshold, 64, 20_000_000L, false, 2_000, 2);
  }

  public DropNearDuplicates withK(int neighbours) {
    return new DropNearDuplicates(dimension, threshold, neighbours, maxEdges, exactSearch,
        partitionSize, examplesPerBand);
  }

  public DropNearDuplicates withMaxEdges(long edges) {
    return new DropNearDuplicates(dimension, threshold, k, edges, exactSearch, partitionSize,
        examplesPerBand);
  }

  /** Exact k-NN (one partition): for small runs and tests. */
  public DropNearDuplicates withExactSearch(boolean exact) {
    return new DropNearDuplicates(dimension, threshold, k, maxEdges, exact, partitionSize,
        examplesPerBand);
  }

  /** How many removals per similarity band {@link #EXAMPLES} shows (0: none). */
  public DropNearDuplicates withExamplesPerBand(int count) {
    return new DropNearDuplicates(dimension, threshold, k, maxEdges, exactSearch, partitionSize,
        count);
  }

  /** About how many vectors each k-NN partition holds (see {@link KnnJoin}). */
  public DropNearDuplicates withPartitionSize(int size) {
    return new DropNearDuplicates(dimension, threshold, k, maxEdges, exactSearch, size,
        examplesPerBand);
  }

  /** Who was removed in favour of whom, and the rejection detail that says so. */
  record Removal(String representative, String detail, boolean exact, float similarity)
      implements Serializable {}

  /**
   * What the grouping steps need of a sample; whole samples (with their images) are shuffled
   * only once, by the final join.
   */
  record Member(String key, String url, long pixels, float[] vector) implements Serializable {}

  static final class MemberCoder extends org.apache.beam.sdk.coders.AtomicCoder<Member> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();
    private static final NullableCoder<String> URL = NullableCoder.of(TEXT);

    @Override
    public void encode(Member m, java.io.OutputStream out) throws java.io.IOException {
      TEXT.encode(m.key(), out);
      URL.encode(m.url(), out);
      VarLongCoder.of().encode(m.pixels(), out);
      new KeyedVector.FloatArrayCoder().encode(m.vector(), out);
    }

    @Override
    public Member decode(java.io.InputStream in) throws java.io.IOException {
      return new Member(TEXT.decode(in), URL.decode(in), VarLongCoder.of().decode(in),
          new KeyedVector.FloatArrayCoder().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class RemovalCoder extends org.apache.beam.sdk.coders.AtomicCoder<Removal> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();

    @Override
    public void encode(Removal r, java.io.OutputStream out) throws java.io.IOException {
      TEXT.encode(r.representative(), out);
      TEXT.encode(r.detail(), out);
      BooleanCoder.of().encode(r.exact(), out);
      org.apache.beam.sdk.coders.FloatCoder.of().encode(r.similarity(), out);
    }

    @Override
    public Removal decode(java.io.InputStream in) throws java.io.IOException {
      return new Removal(TEXT.decode(in), TEXT.decode(in), BooleanCoder.of().decode(in),
          org.apache.beam.sdk.coders.FloatCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  @Override
  public PCollectionTuple expand(PCollection<Sample> samples) {
    // 0. Every sample needs an embedding of the model's dimension.
    PCollectionTuple checked = samples.apply("CheckEmbeddings", ParDo.of(new CheckFn(dimension))
        .withOutputTags(SAMPLES, TupleTagList.of(REJECTIONS)));
    PCollection<Sample> valid = checked.get(SAMPLES);
    KvCoder<String, Member> memberCoder = KvCoder.of(StringUtf8Coder.of(), new MemberCoder());
    KvCoder<String, Removal> removalCoder = KvCoder.of(StringUtf8Coder.of(), new RemovalCoder());

    // 1. Exact duplicates: same downloaded bytes.
    PCollectionTuple exact = valid
        .apply("KeyBySha256", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Member.class)))
            .via(s -> KV.of(s.sha256() == null ? s.key() : s.sha256(), member(s))))
        .setCoder(memberCoder)
        .apply("GroupSameBytes", GroupByKey.create())
        .apply("KeepOnePerBytes", ParDo.of(new KeepOneFn())
            .withOutputTags(UNIQUE, TupleTagList.of(EXACT_REMOVALS)));
    PCollection<KV<String, Member>> unique = exact.get(UNIQUE).setCoder(memberCoder);

    // 2. Near duplicates: k-NN edges at or above the threshold, then connected components.
    KnnJoin knn = KnnJoin.self(dimension, k).timedAs("dedup")
        .withTargetPartitionSize(partitionSize)
        .withMinSimilarity(threshold);
    PCollection<KV<String, String>> components = unique
        .apply("Vectors", MapElements.into(TypeDescriptor.of(KeyedVector.class))
            .via(m -> new KeyedVector(m.getKey(), m.getValue().vector())))
        .setCoder(new KeyedVector.Coder())
        .apply("KnnSelfJoin", exactSearch ? knn.exact() : knn)
        .apply("EdgesAboveThreshold", ParDo.of(new EdgesFn(threshold)))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply("GatherEdges", GroupByKey.create())
        .apply("ConnectedComponents", ParDo.of(new ComponentsFn(maxEdges)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));

    // 3. One representative per component.
    PCollection<KV<String, Removal>> nearRemovals = KeyedPCollectionTuple
        .of(COMPONENT, components).and(MEMBER, unique)
        .apply("JoinComponents", CoGroupByKey.create())
        .apply("ByComponent", ParDo.of(new ByComponentFn()))
        .setCoder(memberCoder)
        .apply("GroupComponents", GroupByKey.create())
        .apply("ChooseRepresentatives", ParDo.of(new RepresentativeFn()))
        .setCoder(removalCoder);
    PCollection<KV<String, Removal>> removals = PCollectionList
        .of(exact.get(EXACT_REMOVALS).setCoder(removalCoder)).and(nearRemovals)
        .apply("AllRemovals", org.apache.beam.sdk.transforms.Flatten.pCollections());

    // 4. A few removals per similarity band become examples; their images come out of the
    //    final join, which shuffles the samples anyway.
    PCollection<DuplicateExample> examples = removals
        .apply("SampleExamples", DuplicateExample.sample(threshold, examplesPerBand));
    PCollection<KV<String, String>> exampleRoles = examples
        .apply("ExampleKeys", ParDo.of(new DoFn<DuplicateExample, KV<String, String>>() {
          @ProcessElement
          public void process(@Element DuplicateExample e, OutputReceiver<KV<String, String>> o) {
            o.output(KV.of(e.removedKey(), "removed"));
            o.output(KV.of(e.keptKey(), "kept"));
          }
        }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));

    // 5. Keep or reject each sample: the one shuffle of whole samples.
    PCollectionTuple decided = KeyedPCollectionTuple
        .of(SAMPLES, valid.apply("KeyByKey", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Sample.class)))
                .via(s -> KV.of(s.key(), s)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), samples.getCoder())))
        .and(REMOVALS, removals)
        .and(EXAMPLE_ROLE, exampleRoles)
        .apply("JoinRemovals", CoGroupByKey.create())
        .apply("KeepOrReject", ParDo.of(new DecideFn())
            .withOutputTags(KEPT, TupleTagList.of(REJECTIONS).and(EXAMPLE_IMAGES)));

    PCollection<Rejection> rejections = PCollectionList.of(checked.get(REJECTIONS))
        .and(decided.get(REJECTIONS))
        .apply("AllDedupRejections", org.apache.beam.sdk.transforms.Flatten.pCollections());
    return PCollectionTuple.of(KEPT, decided.get(KEPT).setCoder(samples.getCoder()))
        .and(REJECTIONS, rejections)
        .and(EXAMPLES, examples)
        .and(EXAMPLE_IMAGES, decided.get(EXAMPLE_IMAGES).setCoder(samples.getCoder()));
  }

  static Member member(Sample s) {
    return new Member(s.key(), s.url(), pixels(s), s.embedding());
  }

  /** The original's pixel count: stored sizes are all alike after resizing. */
  static long pixels(Sample s) {
    if (s.originalWidth() != null && s.originalHeight() != null) {
      return (long) s.originalWidth() * s.originalHeight();
    }
    return s.width() == null || s.height() == null ? 0 : (long) s.width() * s.height();
  }

  static final class CheckFn extends DoFn<Sample, Sample> {
    private final int dimension;

    CheckFn(int dimension) {
      this.dimension = dimension;
    }

    @ProcessElement
    public void process(@Element Sample s, MultiOutputReceiver out) {
      float[] e = s.embedding();
      if (e == null || e.length != dimension) {
        out.get(REJECTIONS).output(Rejection.of(s.key(), s.url(), Reason.BAD_EMBEDDING,
            e == null ? "no embedding" : "embedding has " + e.length + " dimensions, the model "
                + dimension));
      } else {
        out.get(SAMPLES).output(s);
      }
    }
  }

  static final class KeepOneFn extends DoFn<KV<String, Iterable<Member>>, KV<String, Member>> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<Member>> group, MultiOutputReceiver out) {
      // Iterated once: some runners' grouped values cannot be read twice.
      List<Member> same = new ArrayList<>();
      group.getValue().forEach(same::add);
      Member keep = same.get(0);
      for (Member m : same) {
        if (m.key().compareTo(keep.key()) < 0) {
          keep = m;
        }
      }
      out.get(UNIQUE).output(KV.of(keep.key(), keep));
      for (Member m : same) {
        if (!m.key().equals(keep.key())) {
          out.get(EXACT_REMOVALS).output(KV.of(m.key(), new Removal(keep.key(),
              "same bytes (sha256 " + group.getKey() + ") as " + keep.key() + " (" + keep.url()
                  + ")", true, 1f)));
        }
      }
    }
  }

  static final class EdgesFn extends DoFn<KV<String, List<Neighbor>>, KV<Integer, KV<String, String>>> {
    private final double threshold;

    EdgesFn(double threshold) {
      this.threshold = threshold;
    }

    @ProcessElement
    public void process(@Element KV<String, List<Neighbor>> query,
        OutputReceiver<KV<Integer, KV<String, String>>> out) {
      String a = query.getKey();
      for (Neighbor n : query.getValue()) {
        if (n.similarity() >= threshold) {
          String b = n.key();
          out.output(KV.of(0, a.compareTo(b) < 0 ? KV.of(a, b) : KV.of(b, a)));
        }
      }
    }
  }

  static final class ComponentsFn extends DoFn<KV<Integer, Iterable<KV<String, String>>>,
      KV<String, String>> {
    private final long maxEdges;
    private final Counter edges = Metrics.counter("dedup", "near_duplicate_edges");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("dedup");

    ComponentsFn(long maxEdges) {
      this.maxEdges = maxEdges;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<String, String>>> all,
        OutputReceiver<KV<String, String>> out) {
      long start = System.nanoTime();
      UnionFind sets = new UnionFind();
      long count = 0;
      for (KV<String, String> edge : all.getValue()) {
        if (++count > maxEdges) {
          throw new IllegalStateException("more than " + maxEdges + " near-duplicate edges: the "
              + "single-worker union-find would need more memory than planned (about 100 bytes "
              + "per edge); raise the limit with a bigger worker, or lower k or raise the threshold");
        }
        sets.union(edge.getKey(), edge.getValue());
      }
      edges.inc(count);
      Map<String, String> components = sets.components();
      timer.record(System.nanoTime() - start, 0);
      for (Map.Entry<String, String> e : components.entrySet()) {
        out.output(KV.of(e.getKey(), e.getValue()));
      }
    }
  }

  static final class ByComponentFn extends DoFn<KV<String, CoGbkResult>, KV<String, Member>> {
    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined,
        OutputReceiver<KV<String, Member>> out) {
      String component = joined.getValue().getOnly(COMPONENT, null);
      Member member = joined.getValue().getOnly(MEMBER, null);
      if (component != null && member != null) {
        out.output(KV.of(component, member));
      }
    }
  }

  static final class RepresentativeFn extends DoFn<KV<String, Iterable<Member>>, KV<String, Removal>> {
    static final Comparator<Member> PREFERRED =
        Comparator.comparingLong((Member m) -> -m.pixels()).thenComparing(Member::key);

    @ProcessElement
    public void process(@Element KV<String, Iterable<Member>> component,
        OutputReceiver<KV<String, Removal>> out) {
      List<Member> members = new ArrayList<>();
      component.getValue().forEach(members::add);
      members.sort(PREFERRED);
      Member keep = members.get(0);
      for (Member m : members.subList(1, members.size())) {
        float similarity = dot(m.vector(), keep.vector());
        out.output(KV.of(m.key(), new Removal(keep.key(), String.format(Locale.ROOT,
            "near-duplicate of %s (cosine %.4f, group of %d)", keep.key(), similarity,
            members.size()), false, similarity)));
      }
    }
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    private final Counter exactRemoved = Metrics.counter("dedup", "exact_duplicates");
    private final Counter nearRemoved = Metrics.counter("dedup", "near_duplicates");

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      Removal removal = joined.getValue().getOnly(REMOVALS, null);
      boolean example = joined.getValue().getAll(EXAMPLE_ROLE).iterator().hasNext();
      // Keys are unique per run, except for a URL listed twice: each copy is decided alike.
      for (Sample sample : joined.getValue().getAll(SAMPLES)) {
        if (example) {
          out.get(EXAMPLE_IMAGES).output(sample);
          example = false;
        }
        if (removal == null) {
          out.get(KEPT).output(sample);
        } else if (removal.exact()) {
          exactRemoved.inc();
          out.get(REJECTIONS).output(Rejection.of(sample.key(), sample.url(),
              Reason.EXACT_DUPLICATE, removal.detail()));
        } else {
          nearRemoved.inc();
          out.get(REJECTIONS).output(Rejection.of(sample.key(), sample.url(),
              Reason.NEAR_DUPLICATE, removal.detail()));
        }
      }
    }
  }

  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
