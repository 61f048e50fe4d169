package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.schemas.GroupThroughFiles;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Steps 2 and 3 of {@link DropNearDuplicates}, from the unique members to verified edges: candidate
 * pairs (k nearest by embedding, and PDQ neighbours), then the joins that bring both members'
 * fingerprints to each pair for {@link PairVerification}. Plain methods, not a composite: applied
 * within DropNearDuplicates' expansion, the steps keep their names (and so their metrics' names).
 */
final class VerifiedEdges {
  private VerifiedEdges() {}

  /** Embedding neighbours above the floor, and PDQ neighbours: (smaller key, larger key) pairs. */
  static PCollection<KV<String, String>> candidates(
      PCollection<KV<String, DropNearDuplicates.Member>> unique, NearDuplicateSettings settings) {
    KnnJoin knn =
        KnnJoin.self(settings.dimension(), settings.k())
            .timedAs("dedup")
            .withTargetPartitionSize(settings.partitionSize())
            .withPartitions(0, settings.probes())
            .withSplitCells(settings.splitCells())
            .withMinSimilarity(settings.candidateFloor())
            // A picture at the centre of many copies goes to each of their partitions: it is
            // nearer to their centroids than any copy (measured on the power-law bench: at the
            // threshold itself every copy of a large group spilled too, and dedup took 2x).
            .withSpill((1 + settings.threshold()) / 2);
    PCollection<KV<String, String>> byEmbedding =
        unique
            .apply(
                "Vectors",
                MapElements.into(TypeDescriptor.of(KeyedVector.class))
                    .via(m -> new KeyedVector(m.getKey(), m.getValue().vector())))
            .setCoder(new KeyedVector.Coder())
            .apply("KnnSelfJoin", settings.exactSearch() ? knn.exact() : knn)
            .apply(
                "EmbeddingCandidates",
                ParDo.of(new PairVerification.PairsFn(settings.candidateFloor(), settings.k())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    PCollection<KV<String, String>> byPdq =
        settings.verify()
            ? unique
                .apply("Fingerprints", ParDo.of(new PairVerification.FingerprintsFn()))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
                .apply(
                    "PdqCandidates",
                    new PdqCandidates(settings.verification().pdqDistance(), 1_000))
            : null;
    PCollectionList<KV<String, String>> sources =
        settings.verify()
            ? PCollectionList.of(byEmbedding).and(byPdq)
            : PCollectionList.of(byEmbedding);
    return sources
        .apply("AllCandidates", Flatten.pCollections())
        .apply("DistinctCandidates", Distinct.create());
  }

  /** Both members' fingerprints brought to each candidate pair, which is judged there. */
  static PCollection<StarGrouping.Edge> verified(
      PCollection<KV<String, DropNearDuplicates.Member>> unique,
      PCollection<KV<String, String>> candidates,
      NearDuplicateSettings settings) {
    KvCoder<String, DropNearDuplicates.Member> memberCoder =
        KvCoder.of(StringUtf8Coder.of(), new DedupCoders.MemberCoder());
    PCollection<KV<String, DropNearDuplicates.Member>> firstHalves =
        KeyedPCollectionTuple.of(
                DropNearDuplicates.MEMBER,
                unique
                    .apply(
                        "MemberValues",
                        MapElements.into(
                                TypeDescriptors.kvs(
                                    TypeDescriptors.strings(),
                                    TypeDescriptor.of(DropNearDuplicates.Member.class)))
                            .via((KV<String, DropNearDuplicates.Member> m) -> m))
                    .setCoder(memberCoder))
            .and(DropNearDuplicates.PARTNER, candidates)
            .apply("JoinFirstMember", CoGroupByKey.create())
            .apply("ToSecondMember", ParDo.of(new PairVerification.FirstHalfFn()))
            .setCoder(memberCoder);
    // Side false: the pair's second member; true: a first half sent to it. A member can be the
    // second of many pairs (a hub: a common picture, a PDQ bucket of plain images), each
    // bringing a first member with its fingerprint: through files, not one record.
    KvCoder<String, KV<Boolean, DropNearDuplicates.Member>> sided =
        KvCoder.of(
            StringUtf8Coder.of(), KvCoder.of(BooleanCoder.of(), new DedupCoders.MemberCoder()));
    return PCollectionList.of(
            unique
                .apply(
                    "SecondMembers",
                    MapElements.via(new KnnJoin.Tag<String, DropNearDuplicates.Member>(false)))
                .setCoder(sided))
        .and(
            firstHalves
                .apply(
                    "FirstHalves",
                    MapElements.via(new KnnJoin.Tag<String, DropNearDuplicates.Member>(true)))
                .setCoder(sided))
        .apply(
            "JoinSecondMember",
            GroupThroughFiles.<String, KV<Boolean, DropNearDuplicates.Member>>in(
                    GroupThroughFiles.tempDirOf(unique.getPipeline().getOptions()))
                .ofList())
        .apply(
            "VerifyCandidates",
            ParDo.of(
                new PairVerification.VerifyFn(
                    CopyVerifier.with(settings.verification()), settings.verify())))
        .setCoder(new DedupCoders.EdgeCoder());
  }
}
