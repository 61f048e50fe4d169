package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.copydetect.Fingerprint;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.knn.Neighbor;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.FloatCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
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
 *   <li>Exact: samples with the same SHA-256 of their <em>downloaded bytes</em> are one group (the
 *       same file served under several URLs); the smallest key is kept.
 *   <li>Candidates, for recall: each sample's k nearest neighbours by embedding ({@link KnnJoin}, k
 *       = {@link #DEFAULT_VERIFIED_NEIGHBOURS} by default) at cosine ≥ the candidate floor, and
 *       every pair whose PDQ hashes, in any rotation or flip, are within 31 bits ({@link
 *       PdqCandidates}).
 *   <li>Verification, for precision: each candidate pair is judged by {@link CopyVerifier}
 *       (keypoints with a RANSAC affine fit, mirror-aware, and a photometric check; PDQ; the
 *       embedding alone, at the model's duplicate threshold, only for pictures too featureless for
 *       either or samples without a fingerprint). Only verified pairs are edges.
 *   <li>Groups are the connected components of the edges, but nothing is removed along a chain:
 *       {@link StarGrouping} removes a member only as a copy of a kept member it has a verified
 *       edge to (members by preference: largest original, then smallest key). A member whose edges
 *       all lead to removed members is <em>rechecked</em>: verified directly against up to {@link
 *       #MAX_RECHECKS} kept members of its component, so a copy whose k nearest miss its original
 *       (crops, pastes) is still compared with it. Each removal ({@code near-duplicate}) names its
 *       representative and its evidence, e.g. {@code near-duplicate of KEY (cosine 0.9100, 64
 *       inliers, pdq 12, agreement 0.93, group of 3)}.
 * </ol>
 *
 * <p>Components are found by a union-find on one worker: all verified edges meet there. Each edge
 * costs about 100 bytes of its heap; {@link #withMaxEdges} (default 20 million) is checked and a
 * run with more fails with a clear message rather than running out of memory. Fingerprints (about
 * 20 KB) travel once per candidate pair through the verification joins, and once per member of a
 * component to its recheck ({@link #MAX_RECHECKED_COMPONENT}); kept samples keep theirs
 * (decontamination verifies with them). Deterministic: the kept set depends only on the samples,
 * not on the runner, parallelism or order (RANSAC is seeded by the pair's keys). Samples without an
 * embedding of the given dimension are rejected ({@code bad-embedding}).
 */
public final class DropNearDuplicates extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  /** A sample of the removals, across the similarity range, for people to check by eye. */
  public static final TupleTag<DuplicateExample> EXAMPLES = new TupleTag<>() {};

  /** The images of those examples (removed and kept), as they were when deduplicated. */
  public static final TupleTag<Sample> EXAMPLE_IMAGES = new TupleTag<>() {};

  /** Default cosine floor of the embedding candidates: verification decides above it. */
  public static final double DEFAULT_CANDIDATE_FLOOR = 0.5;

  /**
   * Default k: each image's nearest neighbours that are verified. Each pair carries two
   * fingerprints (about 20 KB each) through the shuffles, so k bounds dedup's cost; DINOv2's 64
   * raises recall on our dev set a little at four times the cost (docs/copy-detection.md).
   */
  public static final int DEFAULT_VERIFIED_NEIGHBOURS = 16;

  /** Kept members a member without an edge to one is rechecked against, at most. */
  public static final int MAX_RECHECKS = 8;

  /**
   * Components up to this size are rechecked: their members' fingerprints meet on one worker (about
   * 20 KB each). Larger components are grouped by the star rule on their edges alone.
   */
  public static final int MAX_RECHECKED_COMPONENT = 2_000;

  private static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  private static final TupleTag<Removal> REMOVALS = new TupleTag<>() {};
  private static final TupleTag<KV<String, Member>> UNIQUE = new TupleTag<>() {};
  private static final TupleTag<KV<String, Removal>> EXACT_REMOVALS = new TupleTag<>() {};
  private static final TupleTag<Member> MEMBER = new TupleTag<>() {};
  private static final TupleTag<String> PARTNER = new TupleTag<>() {};
  private static final TupleTag<KV<String, Integer>> COMPONENT = new TupleTag<>() {};
  private static final TupleTag<StarGrouping.Edge> EDGE = new TupleTag<>() {};
  private static final TupleTag<String> EXAMPLE_ROLE = new TupleTag<>() {};

  private final int dimension;
  private final double threshold;
  private final double candidateFloor;
  private final CopyVerifier.Settings verification;
  private final boolean verify;
  private final int k;
  private final long maxEdges;
  private final boolean exactSearch;
  private final int partitionSize;
  private final int examplesPerBand;

  private DropNearDuplicates(
      int dimension,
      double threshold,
      double candidateFloor,
      CopyVerifier.Settings verification,
      boolean verify,
      int k,
      long maxEdges,
      boolean exactSearch,
      int partitionSize,
      int examplesPerBand) {
    if (dimension < 1
        || k < 1
        || maxEdges < 1
        || !(threshold > -1 && threshold <= 1)
        || !(candidateFloor > -1 && candidateFloor <= 1)) {
      throw new IllegalArgumentException(
          "dimension, k and max edges must be positive and the "
              + "threshold and candidate floor cosines within (-1, 1]");
    }
    this.dimension = dimension;
    this.threshold = threshold;
    this.candidateFloor = candidateFloor;
    this.verification = verification;
    this.verify = verify;
    this.k = k;
    this.maxEdges = maxEdges;
    this.exactSearch = exactSearch;
    this.partitionSize = partitionSize;
    this.examplesPerBand = examplesPerBand;
  }

  /**
   * Near-duplicates are verified copies. {@code threshold} is the cosine at which the embedding
   * alone decides (featureless pictures, samples without fingerprint); candidates are gathered from
   * {@link #DEFAULT_CANDIDATE_FLOOR} (or the threshold, if lower).
   */
  public static DropNearDuplicates with(int dimension, double threshold) {
    return new DropNearDuplicates(
        dimension,
        threshold,
        Math.min(threshold, DEFAULT_CANDIDATE_FLOOR),
        CopyVerifier.Settings.defaults().withFallbackCosine(threshold),
        true,
        DEFAULT_VERIFIED_NEIGHBOURS,
        20_000_000L,
        false,
        2_000,
        2);
  }

  private DropNearDuplicates copy(
      double floor,
      CopyVerifier.Settings settings,
      int neighbours,
      long edges,
      boolean exact,
      int size,
      int examples) {
    return new DropNearDuplicates(
        dimension, threshold, floor, settings, verify, neighbours, edges, exact, size, examples);
  }

  /** The cosine floor of embedding candidates. */
  public DropNearDuplicates withCandidateFloor(double floor) {
    return copy(floor, verification, k, maxEdges, exactSearch, partitionSize, examplesPerBand);
  }

  /** The verifier's thresholds (its fallback cosine is set from this transform's threshold). */
  public DropNearDuplicates withVerification(CopyVerifier.Settings settings) {
    return copy(
        candidateFloor,
        settings.withFallbackCosine(threshold),
        k,
        maxEdges,
        exactSearch,
        partitionSize,
        examplesPerBand);
  }

  /**
   * The embedding alone decides, at the threshold: no keypoints, PDQ or photometric check (the
   * behaviour before verification, kept for comparison and for models trained for copy detection).
   */
  public DropNearDuplicates withoutVerification() {
    return new DropNearDuplicates(
        dimension,
        threshold,
        threshold,
        verification,
        false,
        k,
        maxEdges,
        exactSearch,
        partitionSize,
        examplesPerBand);
  }

  public DropNearDuplicates withK(int neighbours) {
    return copy(
        candidateFloor,
        verification,
        neighbours,
        maxEdges,
        exactSearch,
        partitionSize,
        examplesPerBand);
  }

  public DropNearDuplicates withMaxEdges(long edges) {
    return copy(
        candidateFloor, verification, k, edges, exactSearch, partitionSize, examplesPerBand);
  }

  /** Exact k-NN (one partition): for small runs and tests. */
  public DropNearDuplicates withExactSearch(boolean exact) {
    return copy(candidateFloor, verification, k, maxEdges, exact, partitionSize, examplesPerBand);
  }

  /** How many removals per similarity band {@link #EXAMPLES} shows (0: none). */
  public DropNearDuplicates withExamplesPerBand(int count) {
    return copy(candidateFloor, verification, k, maxEdges, exactSearch, partitionSize, count);
  }

  /** About how many vectors each k-NN partition holds (see {@link KnnJoin}). */
  public DropNearDuplicates withPartitionSize(int size) {
    return copy(candidateFloor, verification, k, maxEdges, exactSearch, size, examplesPerBand);
  }

  /** Who was removed in favour of whom, and the rejection detail that says so. */
  record Removal(String representative, String detail, boolean exact, float similarity)
      implements Serializable {}

  /**
   * What the grouping and verification steps need of a sample; whole samples (with their images)
   * are shuffled only once, by the final join.
   */
  record Member(String key, String url, long pixels, float[] vector, byte[] fingerprint)
      implements Serializable {}

  @Override
  public StageResult<Sample> expand(PCollection<Sample> samples) {
    // 0. Every sample needs an embedding of the model's dimension.
    PCollectionTuple checked =
        samples.apply(
            "CheckEmbeddings",
            ParDo.of(new CheckFn(dimension)).withOutputTags(SAMPLES, TupleTagList.of(REJECTIONS)));
    PCollection<Sample> valid = checked.get(SAMPLES);
    KvCoder<String, Member> memberCoder = KvCoder.of(StringUtf8Coder.of(), new MemberCoder());
    KvCoder<String, Removal> removalCoder = KvCoder.of(StringUtf8Coder.of(), new RemovalCoder());
    KvCoder<String, String> pairCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());

    // 1. Exact duplicates: same downloaded bytes. (Without verification no fingerprint is
    //    needed past this point, so none travels.)
    boolean keepFingerprints = verify;
    PCollectionTuple exact =
        valid
            .apply(
                "KeyBySha256",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(Member.class)))
                    .via(
                        s ->
                            KV.of(
                                s.sha256() == null ? s.key() : s.sha256(),
                                member(s, keepFingerprints))))
            .setCoder(memberCoder)
            // A combine, not a GroupByKey: the runner may gather a key's values into one record,
            // and thousands of URLs can serve one placeholder image. What travels per key is one
            // member and the other copies' keys.
            .apply("GroupSameBytes", Combine.perKey(new KeepSmallestKey()))
            .apply(
                "KeepOnePerBytes",
                ParDo.of(new KeepOneFn()).withOutputTags(UNIQUE, TupleTagList.of(EXACT_REMOVALS)));
    PCollection<KV<String, Member>> unique = exact.get(UNIQUE).setCoder(memberCoder);

    // 2. Candidates: embedding neighbours above the floor, and PDQ neighbours.
    KnnJoin knn =
        KnnJoin.self(dimension, k)
            .timedAs("dedup")
            .withTargetPartitionSize(partitionSize)
            .withMinSimilarity(candidateFloor);
    PCollection<KV<String, String>> byEmbedding =
        unique
            .apply(
                "Vectors",
                MapElements.into(TypeDescriptor.of(KeyedVector.class))
                    .via(m -> new KeyedVector(m.getKey(), m.getValue().vector())))
            .setCoder(new KeyedVector.Coder())
            .apply("KnnSelfJoin", exactSearch ? knn.exact() : knn)
            .apply("EmbeddingCandidates", ParDo.of(new PairsFn(candidateFloor, k)))
            .setCoder(pairCoder);
    PCollection<KV<String, String>> byPdq =
        verify
            ? unique
                .apply("Fingerprints", ParDo.of(new FingerprintsFn()))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
                .apply("PdqCandidates", new PdqCandidates(verification.pdqDistance(), 1_000))
            : null;
    PCollectionList<KV<String, String>> sources =
        verify ? PCollectionList.of(byEmbedding).and(byPdq) : PCollectionList.of(byEmbedding);
    PCollection<KV<String, String>> candidates =
        sources
            .apply("AllCandidates", Flatten.pCollections())
            .apply("DistinctCandidates", Distinct.create());

    // 3. Verification: bring both members' fingerprints to each pair, judge it.
    PCollection<KV<String, Member>> firstHalves =
        KeyedPCollectionTuple.of(
                MEMBER,
                unique
                    .apply(
                        "MemberValues",
                        MapElements.into(
                                TypeDescriptors.kvs(
                                    TypeDescriptors.strings(), TypeDescriptor.of(Member.class)))
                            .via((KV<String, Member> m) -> m))
                    .setCoder(memberCoder))
            .and(PARTNER, candidates)
            .apply("JoinFirstMember", CoGroupByKey.create())
            .apply("ToSecondMember", ParDo.of(new FirstHalfFn()))
            .setCoder(memberCoder);
    // Side false: the pair's second member; true: a first half sent to it. A member can be the
    // second of many pairs (a hub: a common picture, a PDQ bucket of plain images), each
    // bringing a first member with its fingerprint: through files, not one record.
    KvCoder<String, KV<Boolean, Member>> sided =
        KvCoder.of(StringUtf8Coder.of(), KvCoder.of(BooleanCoder.of(), new MemberCoder()));
    PCollection<StarGrouping.Edge> edges =
        PCollectionList.of(
                unique
                    .apply("SecondMembers", MapElements.via(new KnnJoin.Tag<String, Member>(false)))
                    .setCoder(sided))
            .and(
                firstHalves
                    .apply("FirstHalves", MapElements.via(new KnnJoin.Tag<String, Member>(true)))
                    .setCoder(sided))
            .apply("BothMembers", Flatten.pCollections())
            .apply(
                "JoinSecondMember",
                io.winnow.schemas.GroupThroughFiles.<String, KV<Boolean, Member>>in(
                    io.winnow.schemas.GroupThroughFiles.tempDirOf(
                        samples.getPipeline().getOptions())))
            .apply(
                "VerifyCandidates", ParDo.of(new VerifyFn(CopyVerifier.with(verification), verify)))
            .setCoder(new EdgeCoder());

    // 4. Components of the verified edges (one worker), then the star rule per component.
    PCollection<KV<String, KV<String, Integer>>> components =
        edges
            .apply(
                "EdgeKeys",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(),
                            TypeDescriptors.kvs(
                                TypeDescriptors.strings(), TypeDescriptors.strings())))
                    .via((StarGrouping.Edge e) -> KV.of(0, KV.of(e.a(), e.b()))))
            .setCoder(KvCoder.of(VarIntCoder.of(), pairCoder))
            // All verified edges under one key (components are found on one worker, as yet):
            // through files, so their number is bounded by that worker's memory, not a record's.
            .apply(
                "GatherEdges",
                io.winnow.schemas.GroupThroughFiles.<Integer, KV<String, String>>in(
                    io.winnow.schemas.GroupThroughFiles.tempDirOf(
                        samples.getPipeline().getOptions())))
            .apply("ConnectedComponents", ParDo.of(new ComponentsFn(maxEdges)))
            .setCoder(
                KvCoder.of(
                    StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of())));
    PCollection<KV<String, Removal>> nearRemovals =
        componentRemovals(
            components,
            unique,
            edges,
            removalCoder,
            new StarFn(CopyVerifier.with(verification), verify));
    PCollection<KV<String, Removal>> removals =
        PCollectionList.of(exact.get(EXACT_REMOVALS).setCoder(removalCoder))
            .and(nearRemovals)
            .apply("AllRemovals", Flatten.pCollections());

    // 5. A few removals per similarity band become examples; their images come out of the
    //    final join, which shuffles the samples anyway.
    PCollection<DuplicateExample> examples =
        removals.apply("SampleExamples", DuplicateExample.sample(candidateFloor, examplesPerBand));
    // (Bands span [candidate floor, 1]: verified copies can sit well below the threshold.)
    PCollection<KV<String, String>> exampleRoles =
        examples
            .apply(
                "ExampleKeys",
                ParDo.of(
                    new DoFn<DuplicateExample, KV<String, String>>() {
                      @ProcessElement
                      public void process(
                          @Element DuplicateExample e, OutputReceiver<KV<String, String>> o) {
                        o.output(KV.of(e.removedKey(), "removed"));
                        o.output(KV.of(e.keptKey(), "kept"));
                      }
                    }))
            .setCoder(pairCoder);

    // 6. Keep or reject each sample: the one shuffle of whole samples.
    PCollectionTuple decided =
        KeyedPCollectionTuple.of(
                SAMPLES,
                valid
                    .apply(
                        "KeyByKey",
                        MapElements.into(
                                TypeDescriptors.kvs(
                                    TypeDescriptors.strings(), TypeDescriptor.of(Sample.class)))
                            .via(s -> KV.of(s.key(), s)))
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), samples.getCoder())))
            .and(REMOVALS, removals)
            .and(EXAMPLE_ROLE, exampleRoles)
            .apply("JoinRemovals", CoGroupByKey.create())
            .apply(
                "KeepOrReject",
                ParDo.of(new DecideFn())
                    .withOutputTags(KEPT, TupleTagList.of(REJECTIONS).and(EXAMPLE_IMAGES)));

    PCollection<Rejection> rejections =
        PCollectionList.of(checked.get(REJECTIONS))
            .and(decided.get(REJECTIONS))
            .apply("AllDedupRejections", Flatten.pCollections());
    return StageResult.of(
        PCollectionTuple.of(KEPT, decided.get(KEPT).setCoder(samples.getCoder()))
            .and(REJECTIONS, rejections)
            .and(EXAMPLES, examples)
            .and(EXAMPLE_IMAGES, decided.get(EXAMPLE_IMAGES).setCoder(samples.getCoder())),
        KEPT,
        REJECTIONS);
  }

  /** Members and edges meet per component; the star rule decides there. */
  private static PCollection<KV<String, Removal>> componentRemovals(
      PCollection<KV<String, KV<String, Integer>>> components,
      PCollection<KV<String, Member>> unique,
      PCollection<StarGrouping.Edge> edges,
      KvCoder<String, Removal> removalCoder,
      StarFn star) {
    KvCoder<String, Member> nodeCoder = KvCoder.of(StringUtf8Coder.of(), new MemberCoder());
    PCollection<KV<String, Member>> nodes =
        KeyedPCollectionTuple.of(COMPONENT, components)
            .and(MEMBER, unique)
            .apply("JoinComponents", CoGroupByKey.create())
            .apply("NodesByComponent", ParDo.of(new NodeFn()))
            .setCoder(nodeCoder);
    PCollection<KV<String, StarGrouping.Edge>> componentEdges =
        KeyedPCollectionTuple.of(COMPONENT, components)
            .and(
                EDGE,
                edges
                    .apply(
                        "EdgesByFirstKey",
                        MapElements.into(
                                TypeDescriptors.kvs(
                                    TypeDescriptors.strings(),
                                    TypeDescriptor.of(StarGrouping.Edge.class)))
                            .via((StarGrouping.Edge e) -> KV.of(e.a(), e)))
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), new EdgeCoder())))
            .apply("JoinEdgeComponents", CoGroupByKey.create())
            .apply("EdgesByComponent", ParDo.of(new EdgeComponentFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new EdgeCoder()));
    // A component's members (with fingerprints) and edges through files, not as one record:
    // a popular picture can have thousands of copies. Each value is a member or an edge.
    KvCoder<String, KV<Member, StarGrouping.Edge>> partCoder =
        KvCoder.of(
            StringUtf8Coder.of(),
            KvCoder.of(NullableCoder.of(new MemberCoder()), NullableCoder.of(new EdgeCoder())));
    return PCollectionList.of(
            nodes.apply("NodeParts", MapElements.via(new NodePart())).setCoder(partCoder))
        .and(componentEdges.apply("EdgeParts", MapElements.via(new EdgePart())).setCoder(partCoder))
        .apply("ComponentParts", Flatten.pCollections())
        .apply(
            "GroupComponents",
            io.winnow.schemas.GroupThroughFiles.<String, KV<Member, StarGrouping.Edge>>in(
                io.winnow.schemas.GroupThroughFiles.tempDirOf(
                    components.getPipeline().getOptions())))
        .apply("ChooseRepresentatives", ParDo.of(star))
        .setCoder(removalCoder);
  }

  static Member member(Sample s, boolean withFingerprint) {
    return new Member(
        s.key(), s.url(), pixels(s), s.embedding(), withFingerprint ? s.fingerprint() : null);
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
        out.get(REJECTIONS)
            .output(
                Rejection.of(
                    s.key(),
                    s.url(),
                    Reason.BAD_EMBEDDING,
                    e == null
                        ? "no embedding"
                        : "embedding has " + e.length + " dimensions, the model " + dimension));
      } else {
        out.get(SAMPLES).output(s);
      }
    }
  }

  /**
   * The copies of one file: the member with the smallest key, kept whole, and the others' keys and
   * URLs (all a removal needs).
   */
  static final class SameBytes {
    Member keep;
    final List<KV<String, String>> others = new ArrayList<>();

    void add(Member m) {
      if (keep == null) {
        keep = m;
      } else if (m.key().equals(keep.key())) {
        return; // the same sample twice is not a copy of itself
      } else if (m.key().compareTo(keep.key()) < 0) {
        others.add(KV.of(keep.key(), keep.url()));
        keep = m;
      } else {
        others.add(KV.of(m.key(), m.url()));
      }
    }
  }

  static final class KeepSmallestKey extends Combine.CombineFn<Member, SameBytes, SameBytes> {
    @Override
    public SameBytes createAccumulator() {
      return new SameBytes();
    }

    @Override
    public SameBytes addInput(SameBytes acc, Member m) {
      acc.add(m);
      return acc;
    }

    @Override
    public SameBytes mergeAccumulators(Iterable<SameBytes> accumulators) {
      SameBytes merged = new SameBytes();
      for (SameBytes acc : accumulators) {
        if (acc.keep != null) {
          merged.add(acc.keep);
        }
        merged.others.addAll(acc.others);
      }
      return merged;
    }

    @Override
    public SameBytes extractOutput(SameBytes acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<SameBytes> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<Member> input) {
      return new SameBytesCoder();
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<SameBytes> getDefaultOutputCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<Member> input) {
      return new SameBytesCoder();
    }
  }

  static final class SameBytesCoder extends AtomicCoder<SameBytes> {
    private static final NullableCoder<Member> KEEP = NullableCoder.of(new MemberCoder());
    private static final org.apache.beam.sdk.coders.ListCoder<KV<String, String>> OTHERS =
        org.apache.beam.sdk.coders.ListCoder.of(
            KvCoder.of(StringUtf8Coder.of(), NullableCoder.of(StringUtf8Coder.of())));

    @Override
    public void encode(SameBytes value, OutputStream out) throws IOException {
      KEEP.encode(value.keep, out);
      OTHERS.encode(value.others, out);
    }

    @Override
    public SameBytes decode(InputStream in) throws IOException {
      SameBytes value = new SameBytes();
      value.keep = KEEP.decode(in);
      value.others.addAll(OTHERS.decode(in));
      return value;
    }
  }

  static final class KeepOneFn extends DoFn<KV<String, SameBytes>, KV<String, Member>> {
    @ProcessElement
    public void process(@Element KV<String, SameBytes> group, MultiOutputReceiver out) {
      Member keep = group.getValue().keep;
      out.get(UNIQUE).output(KV.of(keep.key(), keep));
      for (KV<String, String> other : group.getValue().others) {
        out.get(EXACT_REMOVALS)
            .output(
                KV.of(
                    other.getKey(),
                    new Removal(
                        keep.key(),
                        "same bytes (sha256 "
                            + group.getKey()
                            + ") as "
                            + keep.key()
                            + " ("
                            + keep.url()
                            + ")",
                        true,
                        1f)));
      }
    }
  }

  /** k-NN results as (smaller key, larger key) candidate pairs. */
  static final class PairsFn extends DoFn<KV<String, List<Neighbor>>, KV<String, String>> {
    private final double floor;
    private final int nearest;

    PairsFn(double floor, int nearest) {
      this.floor = floor;
      this.nearest = nearest;
    }

    @ProcessElement
    public void process(
        @Element KV<String, List<Neighbor>> query, OutputReceiver<KV<String, String>> out) {
      String a = query.getKey();
      List<Neighbor> best = new ArrayList<>(query.getValue());
      best.sort(Neighbor.BEST_FIRST);
      for (Neighbor n : best.subList(0, Math.min(nearest, best.size()))) {
        String b = n.key();
        if (n.similarity() >= floor && !a.equals(b)) {
          out.output(a.compareTo(b) < 0 ? KV.of(a, b) : KV.of(b, a));
        }
      }
    }
  }

  static final class FingerprintsFn extends DoFn<KV<String, Member>, KV<String, byte[]>> {
    @ProcessElement
    public void process(@Element KV<String, Member> m, OutputReceiver<KV<String, byte[]>> out) {
      if (m.getValue().fingerprint() != null) {
        out.output(KV.of(m.getKey(), m.getValue().fingerprint()));
      }
    }
  }

  /** Sends the first member of each of its pairs to the pair's second key. */
  static final class FirstHalfFn extends DoFn<KV<String, CoGbkResult>, KV<String, Member>> {
    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> joined, OutputReceiver<KV<String, Member>> out) {
      Member first = joined.getValue().getOnly(MEMBER, null);
      if (first == null) {
        return;
      }
      // The first member is verified straight against the second's two views: its own mirror
      // view would only double what each pair carries through the next shuffle.
      Member shipped = null;
      for (String second : joined.getValue().getAll(PARTNER)) {
        if (shipped == null) {
          shipped =
              first.fingerprint() == null
                  ? first
                  : new Member(
                      first.key(),
                      first.url(),
                      first.pixels(),
                      first.vector(),
                      Fingerprint.decode(first.fingerprint()).withoutMirror().encode());
        }
        out.output(KV.of(second, shipped));
      }
    }
  }

  /** Judges every pair of a second member; only verified pairs leave, as edges. */
  static final class VerifyFn
      extends DoFn<KV<String, Iterable<KV<Boolean, Member>>>, StarGrouping.Edge> {
    private final CopyVerifier verifier;
    private final boolean verify;
    private final Counter verified = Metrics.counter("dedup", "candidates_verified");
    private final Counter refused = Metrics.counter("dedup", "candidates_refused");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("dedup");

    VerifyFn(CopyVerifier verifier, boolean verify) {
      this.verifier = verifier;
      this.verify = verify;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<KV<Boolean, Member>>> joined,
        OutputReceiver<StarGrouping.Edge> out) {
      // Two passes (the values are read again from their files): the member, then its pairs.
      Member second = null;
      for (KV<Boolean, Member> m : joined.getValue()) {
        if (!m.getKey()) {
          second = m.getValue();
          break;
        }
      }
      if (second == null) {
        return;
      }
      long start = System.nanoTime();
      Fingerprint b =
          !verify || second.fingerprint() == null ? null : Fingerprint.decode(second.fingerprint());
      long pairs = 0;
      for (KV<Boolean, Member> half : joined.getValue()) {
        if (!half.getKey()) {
          continue;
        }
        Member first = half.getValue();
        pairs++;
        float cosine = KeyedVector.dot(first.vector(), second.vector());
        CopyVerifier.Verdict v;
        if (b == null || first.fingerprint() == null) {
          v = verifier.embeddingOnly(cosine, verify ? "no fingerprint" : "verification off");
        } else {
          v =
              verifier.verify(
                  Fingerprint.decode(first.fingerprint()),
                  b,
                  cosine,
                  seed(first.key(), second.key()));
        }
        if (v.copy()) {
          verified.inc();
          out.output(new StarGrouping.Edge(first.key(), second.key(), cosine, v.describe()));
        } else {
          refused.inc();
        }
      }
      timer.record(System.nanoTime() - start, pairs);
    }

    static long seed(String a, String b) {
      return (long) a.hashCode() * 0x9E3779B1L + b.hashCode();
    }
  }

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
  static final class NodeFn extends DoFn<KV<String, CoGbkResult>, KV<String, Member>> {
    private final Counter unchecked = Metrics.counter("dedup", "members_too_many_to_recheck");

    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> joined, OutputReceiver<KV<String, Member>> out) {
      KV<String, Integer> component = joined.getValue().getOnly(COMPONENT, null);
      Member member = joined.getValue().getOnly(MEMBER, null);
      if (component == null || member == null) {
        return;
      }
      if (component.getValue() > MAX_RECHECKED_COMPONENT) {
        unchecked.inc();
        member = new Member(member.key(), member.url(), member.pixels(), new float[0], null);
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
      KV<String, Integer> component = joined.getValue().getOnly(COMPONENT, null);
      if (component == null) {
        return;
      }
      for (StarGrouping.Edge e : joined.getValue().getAll(EDGE)) {
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
          KV<String, Member>, KV<String, KV<Member, StarGrouping.Edge>>> {
    @Override
    public KV<String, KV<Member, StarGrouping.Edge>> apply(KV<String, Member> node) {
      return KV.of(node.getKey(), KV.of(node.getValue(), null));
    }
  }

  static final class EdgePart
      extends org.apache.beam.sdk.transforms.SimpleFunction<
          KV<String, StarGrouping.Edge>, KV<String, KV<Member, StarGrouping.Edge>>> {
    @Override
    public KV<String, KV<Member, StarGrouping.Edge>> apply(KV<String, StarGrouping.Edge> edge) {
      return KV.of(edge.getKey(), KV.of(null, edge.getValue()));
    }
  }

  static final class StarFn
      extends DoFn<KV<String, Iterable<KV<Member, StarGrouping.Edge>>>, KV<String, Removal>> {
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
        @Element KV<String, Iterable<KV<Member, StarGrouping.Edge>>> component,
        OutputReceiver<KV<String, Removal>> out) {
      long start = System.nanoTime();
      List<StarGrouping.Node> nodes = new ArrayList<>();
      Map<String, Member> members = new HashMap<>();
      List<StarGrouping.Edge> edges = new ArrayList<>();
      for (KV<Member, StarGrouping.Edge> part : component.getValue()) {
        Member m = part.getKey();
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
            Member a = members.get(member.compareTo(kept) < 0 ? member : kept);
            Member b = members.get(member.compareTo(kept) < 0 ? kept : member);
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
                    VerifyFn.seed(a.key(), b.key()));
            if (!v.copy()) {
              return null;
            }
            recheckCopies.inc();
            return new StarGrouping.Edge(a.key(), b.key(), v.cosine(), v.describe());
          };
      List<StarGrouping.Removal> removals =
          StarGrouping.removals(nodes, edges, verify ? recheck : null, MAX_RECHECKS);
      timer.record(System.nanoTime() - start, checks[0]);
      for (StarGrouping.Removal r : removals) {
        StarGrouping.Edge e = r.edge();
        out.output(
            KV.of(
                r.removed(),
                new Removal(
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
          out.get(REJECTIONS)
              .output(
                  Rejection.of(
                      sample.key(), sample.url(), Reason.EXACT_DUPLICATE, removal.detail()));
        } else {
          nearRemoved.inc();
          out.get(REJECTIONS)
              .output(
                  Rejection.of(
                      sample.key(), sample.url(), Reason.NEAR_DUPLICATE, removal.detail()));
        }
      }
    }
  }

  static final class MemberCoder extends AtomicCoder<Member> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();
    private static final NullableCoder<String> URL = NullableCoder.of(TEXT);
    private static final NullableCoder<byte[]> BYTES = NullableCoder.of(ByteArrayCoder.of());

    @Override
    public void encode(Member m, OutputStream out) throws IOException {
      TEXT.encode(m.key(), out);
      URL.encode(m.url(), out);
      VarLongCoder.of().encode(m.pixels(), out);
      new KeyedVector.FloatArrayCoder().encode(m.vector(), out);
      BYTES.encode(m.fingerprint(), out);
    }

    @Override
    public Member decode(InputStream in) throws IOException {
      return new Member(
          TEXT.decode(in),
          URL.decode(in),
          VarLongCoder.of().decode(in),
          new KeyedVector.FloatArrayCoder().decode(in),
          BYTES.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class RemovalCoder extends AtomicCoder<Removal> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();

    @Override
    public void encode(Removal r, OutputStream out) throws IOException {
      TEXT.encode(r.representative(), out);
      TEXT.encode(r.detail(), out);
      BooleanCoder.of().encode(r.exact(), out);
      FloatCoder.of().encode(r.similarity(), out);
    }

    @Override
    public Removal decode(InputStream in) throws IOException {
      return new Removal(
          TEXT.decode(in),
          TEXT.decode(in),
          BooleanCoder.of().decode(in),
          FloatCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class EdgeCoder extends AtomicCoder<StarGrouping.Edge> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();

    @Override
    public void encode(StarGrouping.Edge e, OutputStream out) throws IOException {
      TEXT.encode(e.a(), out);
      TEXT.encode(e.b(), out);
      FloatCoder.of().encode(e.similarity(), out);
      TEXT.encode(e.evidence(), out);
    }

    @Override
    public StarGrouping.Edge decode(InputStream in) throws IOException {
      return new StarGrouping.Edge(
          TEXT.decode(in), TEXT.decode(in), FloatCoder.of().decode(in), TEXT.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
