package io.winnow.retrieval;

import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Keeps the {@code cap} best {@link Ranked} images (smallest sampling hash, then key) without
 * gathering them: hashes are counted per bucket of their top bits, the counts give where the cap
 * falls ({@link HashCap}), buckets below it pass as they are, and only the edge bucket (about
 * 1/65,536 of the candidates) is gathered to be cut. A {@code Top.of(cap)} would hold every kept
 * image in one record on one worker: past Flink's sort buffer at a cap of a few hundred thousand.
 */
final class KeepSmallestHashes extends PTransform<PCollection<Ranked>, PCollection<Ranked>> {
  private static final TupleTag<Ranked> WHOLE = new TupleTag<>() {};
  private static final TupleTag<KV<Integer, Ranked>> EDGE = new TupleTag<>() {};

  private final long cap;

  private KeepSmallestHashes(long cap) {
    this.cap = cap;
  }

  static KeepSmallestHashes of(long cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("a cap must keep at least one image, got " + cap);
    }
    return new KeepSmallestHashes(cap);
  }

  @Override
  public PCollection<Ranked> expand(PCollection<Ranked> ranked) {
    PCollectionView<Map<Integer, Long>> counts =
        ranked
            .apply(
                "Buckets",
                MapElements.into(TypeDescriptors.integers()).via(r -> HashCap.bucket(r.hash())))
            .apply("CountPerBucket", Count.perElement())
            .apply("CountsView", View.asMap());
    PCollectionTuple split =
        ranked.apply(
            "SplitAtCap",
            ParDo.of(new SplitFn(counts, cap))
                .withSideInputs(counts)
                .withOutputTags(WHOLE, TupleTagList.of(EDGE)));
    PCollection<Ranked> fromEdge =
        split
            .get(EDGE)
            .setCoder(KvCoder.of(VarIntCoder.of(), new Ranked.Coder()))
            .apply("GatherEdgeBucket", GroupByKey.create())
            .apply("CutEdgeBucket", ParDo.of(new CutEdgeFn(counts, cap)).withSideInputs(counts))
            .setCoder(new Ranked.Coder());
    return PCollectionList.of(split.get(WHOLE).setCoder(new Ranked.Coder()))
        .and(fromEdge)
        .apply("Kept", Flatten.pCollections());
  }

  /** The cap's position, found once per worker from the counts (the same everywhere). */
  private abstract static class WithCapFn<InT, OutT> extends DoFn<InT, OutT> {
    private final PCollectionView<Map<Integer, Long>> counts;
    private final long cap;
    private transient HashCap position;

    WithCapFn(PCollectionView<Map<Integer, Long>> counts, long cap) {
      this.counts = counts;
      this.cap = cap;
    }

    HashCap position(ProcessContext c) {
      if (position == null) {
        position = HashCap.of(c.sideInput(counts), cap);
      }
      return position;
    }
  }

  static final class SplitFn extends WithCapFn<Ranked, Ranked> {
    SplitFn(PCollectionView<Map<Integer, Long>> counts, long cap) {
      super(counts, cap);
    }

    @ProcessElement
    public void process(@Element Ranked r, ProcessContext c) {
      HashCap position = position(c);
      int bucket = HashCap.bucket(r.hash());
      if (position.keepsWhole(bucket)) {
        c.output(r);
      } else if (bucket == position.edgeBucket()) {
        c.output(EDGE, KV.of(bucket, r));
      }
    }
  }

  static final class CutEdgeFn extends WithCapFn<KV<Integer, Iterable<Ranked>>, Ranked> {
    CutEdgeFn(PCollectionView<Map<Integer, Long>> counts, long cap) {
      super(counts, cap);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Ranked>> edge, ProcessContext c) {
      Ranked.best(edge.getValue(), position(c).fromEdge()).forEach(c::output);
    }
  }
}
