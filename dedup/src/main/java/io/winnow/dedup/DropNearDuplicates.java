package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.io.Serializable;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
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
  static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

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

  static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  static final TupleTag<Removal> REMOVALS = new TupleTag<>() {};
  static final TupleTag<KV<String, Member>> UNIQUE = new TupleTag<>() {};
  static final TupleTag<KV<String, Removal>> EXACT_REMOVALS = new TupleTag<>() {};
  static final TupleTag<Member> MEMBER = new TupleTag<>() {};
  static final TupleTag<String> PARTNER = new TupleTag<>() {};
  static final TupleTag<KV<String, Integer>> COMPONENT = new TupleTag<>() {};
  static final TupleTag<StarGrouping.Edge> EDGE = new TupleTag<>() {};
  static final TupleTag<String> EXAMPLE_ROLE = new TupleTag<>() {};

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
    KvCoder<String, Member> memberCoder =
        KvCoder.of(StringUtf8Coder.of(), new DedupCoders.MemberCoder());
    KvCoder<String, Removal> removalCoder =
        KvCoder.of(StringUtf8Coder.of(), new DedupCoders.RemovalCoder());
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
            .apply("GroupSameBytes", Combine.perKey(new ExactCopies.KeepSmallestKey()))
            .apply(
                "KeepOnePerBytes",
                ParDo.of(new ExactCopies.KeepOneFn())
                    .withOutputTags(UNIQUE, TupleTagList.of(EXACT_REMOVALS)));
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
            .apply("EmbeddingCandidates", ParDo.of(new PairVerification.PairsFn(candidateFloor, k)))
            .setCoder(pairCoder);
    PCollection<KV<String, String>> byPdq =
        verify
            ? unique
                .apply("Fingerprints", ParDo.of(new PairVerification.FingerprintsFn()))
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
            .apply("ToSecondMember", ParDo.of(new PairVerification.FirstHalfFn()))
            .setCoder(memberCoder);
    // Side false: the pair's second member; true: a first half sent to it. A member can be the
    // second of many pairs (a hub: a common picture, a PDQ bucket of plain images), each
    // bringing a first member with its fingerprint: through files, not one record.
    KvCoder<String, KV<Boolean, Member>> sided =
        KvCoder.of(
            StringUtf8Coder.of(), KvCoder.of(BooleanCoder.of(), new DedupCoders.MemberCoder()));
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
                "VerifyCandidates",
                ParDo.of(new PairVerification.VerifyFn(CopyVerifier.with(verification), verify)))
            .setCoder(new DedupCoders.EdgeCoder());

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
            .apply("ConnectedComponents", ParDo.of(new ComponentGrouping.ComponentsFn(maxEdges)))
            .setCoder(
                KvCoder.of(
                    StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of())));
    PCollection<KV<String, Removal>> nearRemovals =
        componentRemovals(
            components,
            unique,
            edges,
            removalCoder,
            new ComponentGrouping.StarFn(CopyVerifier.with(verification), verify));
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
      ComponentGrouping.StarFn star) {
    KvCoder<String, Member> nodeCoder =
        KvCoder.of(StringUtf8Coder.of(), new DedupCoders.MemberCoder());
    PCollection<KV<String, Member>> nodes =
        KeyedPCollectionTuple.of(COMPONENT, components)
            .and(MEMBER, unique)
            .apply("JoinComponents", CoGroupByKey.create())
            .apply("NodesByComponent", ParDo.of(new ComponentGrouping.NodeFn()))
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
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.EdgeCoder())))
            .apply("JoinEdgeComponents", CoGroupByKey.create())
            .apply("EdgesByComponent", ParDo.of(new ComponentGrouping.EdgeComponentFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.EdgeCoder()));
    // A component's members (with fingerprints) and edges through files, not as one record:
    // a popular picture can have thousands of copies. Each value is a member or an edge.
    KvCoder<String, KV<Member, StarGrouping.Edge>> partCoder =
        KvCoder.of(
            StringUtf8Coder.of(),
            KvCoder.of(
                NullableCoder.of(new DedupCoders.MemberCoder()),
                NullableCoder.of(new DedupCoders.EdgeCoder())));
    return PCollectionList.of(
            nodes
                .apply("NodeParts", MapElements.via(new ComponentGrouping.NodePart()))
                .setCoder(partCoder))
        .and(
            componentEdges
                .apply("EdgeParts", MapElements.via(new ComponentGrouping.EdgePart()))
                .setCoder(partCoder))
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
}
