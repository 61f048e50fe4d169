package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.knn.KnnJoin;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.io.Serializable;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
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
 * <p>Components are found across the workers ({@link ConnectedComponents}: rounds of
 * large-star/small-star, each a grouping of edges by node through files; no edge cap, and a graph
 * that has not converged in {@link #withComponentRounds} rounds fails the run saying so). A
 * component of more than {@link #MAX_RECHECKED_COMPONENT} members is not gathered: its
 * representative is found by a combine and every other member verified against it ({@link
 * LargeComponents}). Fingerprints (about 20 KB) travel once per candidate pair through the
 * verification joins, and once per member of a component to its recheck ({@link
 * #MAX_RECHECKED_COMPONENT}); kept samples keep theirs (decontamination verifies with them).
 * Deterministic: the kept set depends only on the samples, not on the runner, parallelism or order
 * (RANSAC is seeded by the pair's keys). Samples without an embedding of the given dimension are
 * rejected ({@code bad-embedding}).
 *
 * <p>This class wires the steps; beside it are its settings ({@code NearDuplicateSettings}), steps
 * 2-3 ({@code VerifiedEdges}) and 4 ({@code ComponentRemovals}); the DoFns that see whole samples
 * are in {@code SampleDecisions}, the others in a class per step.
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

  /** k-NN vectors per partition, and first-level cells probed, unless set (see KnnJoin). */
  public static final int DEFAULT_PARTITION_SIZE = KnnJoin.DEFAULT_PARTITION_SIZE;

  public static final int DEFAULT_PROBES = KnnJoin.DEFAULT_PROBES;

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

  private final NearDuplicateSettings settings;

  private DropNearDuplicates(NearDuplicateSettings settings) {
    this.settings = settings;
  }

  /**
   * Near-duplicates are verified copies. {@code threshold} is the cosine at which the embedding
   * alone decides (featureless pictures, samples without fingerprint); candidates are gathered from
   * {@link #DEFAULT_CANDIDATE_FLOOR} (or the threshold, if lower).
   */
  public static DropNearDuplicates with(int dimension, double threshold) {
    return new DropNearDuplicates(NearDuplicateSettings.of(dimension, threshold));
  }

  /** The cosine floor of embedding candidates. */
  public DropNearDuplicates withCandidateFloor(double floor) {
    return new DropNearDuplicates(settings.withCandidateFloor(floor));
  }

  /** The verifier's thresholds (its fallback cosine is set from this transform's threshold). */
  public DropNearDuplicates withVerification(CopyVerifier.Settings verification) {
    return new DropNearDuplicates(settings.withVerification(verification));
  }

  /**
   * The embedding alone decides, at the threshold: no keypoints, PDQ or photometric check (the
   * behaviour before verification, kept for comparison and for models trained for copy detection).
   */
  public DropNearDuplicates withoutVerification() {
    return new DropNearDuplicates(settings.withoutVerification());
  }

  public DropNearDuplicates withK(int neighbours) {
    return new DropNearDuplicates(settings.withK(neighbours));
  }

  /** Rounds of the distributed connected components (see {@link ConnectedComponents}). */
  public DropNearDuplicates withComponentRounds(int rounds) {
    return new DropNearDuplicates(settings.withComponentRounds(rounds));
  }

  /** Exact k-NN (one partition): for small runs and tests. */
  public DropNearDuplicates withExactSearch(boolean exact) {
    return new DropNearDuplicates(settings.withExactSearch(exact));
  }

  /** How many removals per similarity band {@link #EXAMPLES} shows (0: none). */
  public DropNearDuplicates withExamplesPerBand(int count) {
    return new DropNearDuplicates(settings.withExamplesPerBand(count));
  }

  /** About how many vectors each k-NN partition holds (see {@link KnnJoin}). */
  public DropNearDuplicates withPartitionSize(int size) {
    return new DropNearDuplicates(settings.withPartitionSize(size));
  }

  /** The k-NN join's second level, off by default (see {@link KnnJoin#withSplitCells}). */
  public DropNearDuplicates withSplitCells(boolean split) {
    return new DropNearDuplicates(settings.withSplitCells(split));
  }

  /** First-level k-NN cells each image's neighbours are looked for in (see {@link KnnJoin}). */
  public DropNearDuplicates withProbes(int probes) {
    return new DropNearDuplicates(settings.withProbes(probes));
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
            ParDo.of(new SampleDecisions.CheckFn(settings.dimension()))
                .withOutputTags(SAMPLES, TupleTagList.of(REJECTIONS)));
    PCollection<Sample> valid = checked.get(SAMPLES);
    KvCoder<String, Member> memberCoder =
        KvCoder.of(StringUtf8Coder.of(), new DedupCoders.MemberCoder());
    KvCoder<String, Removal> removalCoder =
        KvCoder.of(StringUtf8Coder.of(), new DedupCoders.RemovalCoder());
    KvCoder<String, String> pairCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());

    // 1. Exact duplicates: same downloaded bytes. (Without verification no fingerprint is
    //    needed past this point, so none travels.)
    boolean keepFingerprints = settings.verify();
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
    PCollection<KV<String, String>> candidates = VerifiedEdges.candidates(unique, settings);
    // 3. Verification: bring both members' fingerprints to each pair, judge it.
    PCollection<StarGrouping.Edge> edges = VerifiedEdges.verified(unique, candidates, settings);
    // 4. Components of the verified edges (distributed), then the star rule per small
    //    component and the representative's verification in large ones.
    PCollection<KV<String, Removal>> nearRemovals = ComponentRemovals.of(edges, unique, settings);
    PCollection<KV<String, Removal>> removals =
        PCollectionList.of(exact.get(EXACT_REMOVALS).setCoder(removalCoder))
            .and(nearRemovals)
            .apply("AllRemovals", Flatten.pCollections());

    // 5. A few removals per similarity band become examples; their images come out of the
    //    final join, which shuffles the samples anyway.
    PCollection<DuplicateExample> examples =
        removals.apply(
            "SampleExamples",
            DuplicateExample.sample(settings.candidateFloor(), settings.examplesPerBand()));
    // (Bands span [candidate floor, 1]: verified copies can sit well below the threshold.)
    PCollection<KV<String, String>> exampleRoles =
        examples
            .apply("ExampleKeys", ParDo.of(new SampleDecisions.ExampleKeysFn()))
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
                ParDo.of(new SampleDecisions.DecideFn())
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
}
