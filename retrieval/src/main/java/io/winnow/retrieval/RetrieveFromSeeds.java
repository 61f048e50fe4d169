package io.winnow.retrieval;

import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.knn.Neighbor;
import io.winnow.schemas.KeySamples;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SeedMatch;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
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

/**
 * Keeps the pool images that curated seed sets select, as DINOv2 built LVD-142M: per seed set,
 * either each seed's {@code k} nearest pool images ({@link SeedSetSpec.Mode#KNN}, through {@link
 * KnnJoin}), or samples from the pool's k-means clusters that hold enough seeds ({@link
 * SeedSetSpec.Mode#CLUSTER}, {@link ClusterSampling}).
 *
 * <p>A pool image picked by several seeds or sets is kept once; its {@code seed_match} lists, per
 * set, the seeds that picked it (best first), the best similarity and the cluster. Every other pool
 * image is rejected {@code not-retrieved}, so the run still balances. Deterministic: ties are
 * broken by key, sampling is by a seeded hash of the key.
 */
public final class RetrieveFromSeeds extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};
  private static final TupleTag<Sample> POOL = new TupleTag<>() {};
  private static final TupleTag<SeedMatch> MATCHES = new TupleTag<>() {};

  /** Seeds named per pool image per set, at most: provenance, not an index. */
  static final int MAX_SEEDS_LISTED = 16;

  /** A seed set and its embedded seeds. */
  public record SeedSet(SeedSetSpec spec, PCollection<KeyedVector> seeds) {}

  private final int dimension;
  private final List<SeedSet> sets;
  private final boolean exactSearch;
  private final BalancedSpec balanced;

  private RetrieveFromSeeds(
      int dimension, List<SeedSet> sets, boolean exactSearch, BalancedSpec balanced) {
    this.dimension = dimension;
    this.sets = List.copyOf(sets);
    this.exactSearch = exactSearch;
    this.balanced = balanced;
  }

  /** Retrieval with these seed sets (none: add {@link #withBalanced}). */
  public static RetrieveFromSeeds with(int dimension, List<SeedSet> sets) {
    return new RetrieveFromSeeds(dimension, sets, false, null);
  }

  /** Exact k-NN (one partition) in knn mode: for small runs and tests. */
  public RetrieveFromSeeds withExactSearch(boolean exact) {
    return new RetrieveFromSeeds(dimension, sets, exact, balanced);
  }

  /** Also (or only) seed-free balanced sampling of the pool, as the set named "balanced". */
  public RetrieveFromSeeds withBalanced(BalancedSpec spec) {
    return new RetrieveFromSeeds(dimension, sets, exactSearch, spec);
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> pool) {
    if (sets.isEmpty() && balanced == null) {
      throw new IllegalArgumentException("retrieval needs a seed set or balanced sampling");
    }
    PCollection<KeyedVector> vectors =
        pool.apply("PoolVectors", ParDo.of(new VectorsFn(dimension)))
            .setCoder(new KeyedVector.Coder());
    KvCoder<String, SeedMatch> matchCoder =
        KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(SeedMatch.class));
    PCollectionList<KV<String, SeedMatch>> picks = PCollectionList.empty(pool.getPipeline());
    for (SeedSet set : sets) {
      SeedSetSpec spec = set.spec();
      PCollection<KV<String, SeedMatch>> picked =
          spec.mode() == SeedSetSpec.Mode.KNN
              ? set.seeds()
                  .apply("Knn-" + spec.name(), new KnnPicks(spec, vectors, dimension, exactSearch))
              : set.seeds()
                  .apply("Cluster-" + spec.name(), new ClusterSampling(spec, vectors, dimension));
      picks = picks.and(picked.setCoder(matchCoder));
    }
    if (balanced != null) {
      picks =
          picks.and(
              vectors
                  .apply("Balanced", new BalancedSampling(balanced, dimension))
                  .setCoder(matchCoder));
    }
    PCollection<KV<String, SeedMatch>> all =
        picks.size() == 0
            ? pool.getPipeline().apply(Create.empty(matchCoder))
            : picks.apply("AllPicks", Flatten.pCollections());
    List<String> names = new ArrayList<>(sets.stream().map(s -> s.spec().name()).toList());
    if (balanced != null) {
      names.add(BalancedSpec.NAME);
    }
    names.sort(Comparator.naturalOrder());
    PCollectionTuple decided =
        KeyedPCollectionTuple.of(POOL, pool.apply("KeyPool", KeySamples.byKey()))
            .and(MATCHES, all)
            .apply("JoinPicks", CoGroupByKey.create())
            .apply(
                "KeepOrReject",
                ParDo.of(new DecideFn(names)).withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    decided.get(KEPT).setCoder(pool.getCoder());
    return StageResult.of(decided, KEPT, REJECTIONS);
  }

  static final class VectorsFn extends DoFn<Sample, KeyedVector> {
    private final int dimension;

    VectorsFn(int dimension) {
      this.dimension = dimension;
    }

    @ProcessElement
    public void process(@Element Sample s, OutputReceiver<KeyedVector> out) {
      // Samples without a usable embedding cannot be near anything: they end not-retrieved.
      if (s.embedding() != null && s.embedding().length == dimension) {
        out.output(new KeyedVector(s.key(), s.embedding()));
      }
    }
  }

  /** Each seed's k nearest pool images above the floor, gathered per pool image. */
  static final class KnnPicks
      extends PTransform<PCollection<KeyedVector>, PCollection<KV<String, SeedMatch>>> {
    private final SeedSetSpec spec;
    private final PCollection<KeyedVector> pool;
    private final int dimension;
    private final boolean exact;

    KnnPicks(SeedSetSpec spec, PCollection<KeyedVector> pool, int dimension, boolean exact) {
      this.spec = spec;
      this.pool = pool;
      this.dimension = dimension;
      this.exact = exact;
    }

    @Override
    public PCollection<KV<String, SeedMatch>> expand(PCollection<KeyedVector> seeds) {
      KnnJoin join = KnnJoin.against(pool, dimension, spec.k()).timedAs("retrieve");
      if (!Double.isNaN(spec.minSimilarity())) {
        join = join.withMinSimilarity(spec.minSimilarity());
      }
      String set = spec.name();
      return seeds
          .apply("NearestPoolImages", exact ? join.exact() : join)
          .apply("ByPoolImage", ParDo.of(new ByPoolImageFn()))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), new Neighbor.Coder()))
          .apply("GatherSeeds", GroupByKey.create())
          .apply("SeedMatch", ParDo.of(new SeedMatchFn(set)));
    }
  }

  /** (seed, its neighbours) → (pool image, the seed and similarity). */
  static final class ByPoolImageFn extends DoFn<KV<String, List<Neighbor>>, KV<String, Neighbor>> {
    @ProcessElement
    public void process(
        @Element KV<String, List<Neighbor>> seed, OutputReceiver<KV<String, Neighbor>> out) {
      for (Neighbor n : seed.getValue()) {
        out.output(KV.of(n.key(), new Neighbor(seed.getKey(), n.similarity())));
      }
    }
  }

  /** A pool image's seeds, best first, as its provenance for one set. */
  static final class SeedMatchFn
      extends DoFn<KV<String, Iterable<Neighbor>>, KV<String, SeedMatch>> {
    private final String set;

    SeedMatchFn(String set) {
      this.set = set;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<Neighbor>> image, OutputReceiver<KV<String, SeedMatch>> out) {
      List<Neighbor> seedsOfImage = new ArrayList<>();
      image.getValue().forEach(seedsOfImage::add);
      seedsOfImage.sort(Neighbor.BEST_FIRST);
      List<String> keys = seedsOfImage.stream().limit(MAX_SEEDS_LISTED).map(Neighbor::key).toList();
      out.output(
          KV.of(image.getKey(), new SeedMatch(set, keys, seedsOfImage.get(0).similarity(), null)));
    }
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    private final List<String> setNames;
    private final Counter kept = Metrics.counter("retrieve", "kept");
    private final Counter rejected = Metrics.counter("retrieve", "not_retrieved");

    DecideFn(List<String> setNames) {
      this.setNames = setNames;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      List<SeedMatch> matches = new ArrayList<>();
      joined.getValue().getAll(MATCHES).forEach(matches::add);
      matches.sort(Comparator.comparing(SeedMatch::seedSet));
      for (Sample sample : joined.getValue().getAll(POOL)) {
        if (matches.isEmpty()) {
          rejected.inc();
          out.get(REJECTIONS)
              .output(
                  Rejection.of(
                      sample.key(),
                      sample.url(),
                      Reason.NOT_RETRIEVED,
                      "selected by no seed set " + setNames));
        } else {
          kept.inc();
          out.get(KEPT).output(sample.toBuilder().seedMatch(matches).build());
        }
      }
    }
  }
}
