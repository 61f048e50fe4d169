package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.schemas.GroupThroughFiles;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
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
 * Step 4 of {@link DropNearDuplicates}, from verified edges to near-duplicate removals: the
 * components of the edges (one worker), then each component's members and edges brought together
 * for the star rule ({@link ComponentGrouping} holds the DoFns). Plain methods, not a composite:
 * applied within DropNearDuplicates' expansion, the steps keep their names.
 */
final class ComponentRemovals {
  private ComponentRemovals() {}

  /** Who each verified edge removes, in favour of whom. */
  static PCollection<KV<String, DropNearDuplicates.Removal>> of(
      PCollection<StarGrouping.Edge> edges,
      PCollection<KV<String, DropNearDuplicates.Member>> unique,
      NearDuplicateSettings settings) {
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
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
            // All verified edges under one key (components are found on one worker, as yet):
            // through files, so their number is bounded by that worker's memory, not a record's.
            .apply(
                "GatherEdges",
                GroupThroughFiles.<Integer, KV<String, String>>in(
                    GroupThroughFiles.tempDirOf(edges.getPipeline().getOptions())))
            .apply(
                "ConnectedComponents",
                ParDo.of(new ComponentGrouping.ComponentsFn(settings.maxEdges())))
            .setCoder(
                KvCoder.of(
                    StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of())));
    return byStarRule(
        components,
        unique,
        edges,
        new ComponentGrouping.StarFn(
            CopyVerifier.with(settings.verification()), settings.verify()));
  }

  /** Members and edges meet per component; the star rule decides there. */
  private static PCollection<KV<String, DropNearDuplicates.Removal>> byStarRule(
      PCollection<KV<String, KV<String, Integer>>> components,
      PCollection<KV<String, DropNearDuplicates.Member>> unique,
      PCollection<StarGrouping.Edge> edges,
      ComponentGrouping.StarFn star) {
    KvCoder<String, DropNearDuplicates.Member> nodeCoder =
        KvCoder.of(StringUtf8Coder.of(), new DedupCoders.MemberCoder());
    PCollection<KV<String, DropNearDuplicates.Member>> nodes =
        KeyedPCollectionTuple.of(DropNearDuplicates.COMPONENT, components)
            .and(DropNearDuplicates.MEMBER, unique)
            .apply("JoinComponents", CoGroupByKey.create())
            .apply("NodesByComponent", ParDo.of(new ComponentGrouping.NodeFn()))
            .setCoder(nodeCoder);
    PCollection<KV<String, StarGrouping.Edge>> componentEdges =
        KeyedPCollectionTuple.of(DropNearDuplicates.COMPONENT, components)
            .and(
                DropNearDuplicates.EDGE,
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
    KvCoder<String, KV<DropNearDuplicates.Member, StarGrouping.Edge>> partCoder =
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
            GroupThroughFiles.<String, KV<DropNearDuplicates.Member, StarGrouping.Edge>>in(
                GroupThroughFiles.tempDirOf(components.getPipeline().getOptions())))
        .apply("ChooseRepresentatives", ParDo.of(star))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.RemovalCoder()));
  }
}
