package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.schemas.GroupThroughFiles;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.KvSwap;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Step 4 of {@link DropNearDuplicates}, from verified edges to near-duplicate removals: the
 * components of the edges ({@link ConnectedComponents}, distributed) and their sizes (a combine);
 * then each small component's members and edges brought together for the star rule with rechecks
 * ({@link ComponentGrouping} holds the DoFns), and each large one's members verified against its
 * representative ({@link LargeComponents}). Plain methods, not a composite: applied within
 * DropNearDuplicates' expansion, the steps keep their names.
 */
final class ComponentRemovals {
  private ComponentRemovals() {}

  /** Who each verified edge removes, in favour of whom. */
  static PCollection<KV<String, DropNearDuplicates.Removal>> of(
      PCollection<StarGrouping.Edge> edges,
      PCollection<KV<String, DropNearDuplicates.Member>> unique,
      NearDuplicateSettings settings) {
    KvCoder<String, String> pairCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> labels =
        edges
            .apply(
                "EdgeKeys",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via((StarGrouping.Edge e) -> KV.of(e.a(), e.b())))
            .setCoder(pairCoder)
            .apply("ConnectedComponents", ConnectedComponents.inRounds(settings.componentRounds()));
    KvCoder<String, KV<String, Integer>> componentCoder =
        KvCoder.of(StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    PCollection<KV<String, KV<String, Integer>>> sizes =
        labels
            .apply("Labels", Values.create())
            .apply("ComponentSizes", Count.perElement())
            .apply(
                "SizeByLabel",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(),
                            TypeDescriptors.kvs(
                                TypeDescriptors.strings(), TypeDescriptors.integers())))
                    .via(
                        (KV<String, Long> c) ->
                            KV.of(c.getKey(), KV.of(c.getKey(), Math.toIntExact(c.getValue())))))
            .setCoder(componentCoder);
    // Each node's component and size: a component's nodes are streamed past its size.
    PCollection<KV<String, KV<String, Integer>>> components =
        labels
            .apply("NodesByLabel", KvSwap.create())
            .setCoder(pairCoder)
            .apply("NodeComponents", JoinOneToMany.with(sizes))
            .setCoder(componentCoder);
    PCollectionTuple members =
        KeyedPCollectionTuple.of(DropNearDuplicates.COMPONENT, components)
            .and(DropNearDuplicates.MEMBER, unique)
            .apply("JoinComponents", CoGroupByKey.create())
            .apply(
                "MembersByComponent",
                ParDo.of(new ComponentGrouping.NodeFn())
                    .withOutputTags(
                        ComponentGrouping.SMALL, TupleTagList.of(ComponentGrouping.LARGE)));
    PCollection<KV<String, StarGrouping.Edge>> smallEdges =
        edges
            .apply(
                "EdgesByFirstKey",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(StarGrouping.Edge.class)))
                    .via((StarGrouping.Edge e) -> KV.of(e.a(), e)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.EdgeCoder()))
            .apply("EdgeComponents", JoinOneToMany.with(components))
            .apply("SmallComponentEdges", ParDo.of(new ComponentGrouping.SmallEdgesFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.EdgeCoder()));
    CopyVerifier verifier = CopyVerifier.with(settings.verification());
    PCollection<KV<String, DropNearDuplicates.Removal>> small =
        byStarRule(
            members
                .get(ComponentGrouping.SMALL)
                .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.MemberCoder())),
            smallEdges,
            new ComponentGrouping.StarFn(verifier, settings.verify()));
    PCollection<KV<String, DropNearDuplicates.Removal>> large =
        LargeComponents.removals(
            members
                .get(ComponentGrouping.LARGE)
                .setCoder(
                    KvCoder.of(
                        StringUtf8Coder.of(),
                        KvCoder.of(VarIntCoder.of(), new DedupCoders.MemberCoder()))),
            verifier,
            settings.verify());
    return PCollectionList.of(small).and(large).apply("NearRemovals", Flatten.pCollections());
  }

  /** Members and edges meet per small component; the star rule decides there. */
  private static PCollection<KV<String, DropNearDuplicates.Removal>> byStarRule(
      PCollection<KV<String, DropNearDuplicates.Member>> nodes,
      PCollection<KV<String, StarGrouping.Edge>> componentEdges,
      ComponentGrouping.StarFn star) {
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
        .apply(
            "GroupComponents",
            GroupThroughFiles.<String, KV<DropNearDuplicates.Member, StarGrouping.Edge>>in(
                    GroupThroughFiles.tempDirOf(nodes.getPipeline().getOptions()))
                .ofList())
        .apply("ChooseRepresentatives", ParDo.of(star))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.RemovalCoder()));
  }
}
