package io.winnow.retrieval;

import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.knn.TwoLevelClusters;
import io.winnow.schemas.GroupThroughFiles;
import io.winnow.schemas.SeedMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * DINOv2's retrieval for small seed sets: cluster the pool with k-means (FAISS, trained on a key
 * hash sample, then every image assigned to its nearest centroid; above {@link #MAX_CLUSTERS}
 * clusters in two steps, {@link TwoLevelClusters}), assign the seeds to the same clusters, and take
 * up to {@code perCluster} pool images from each cluster holding more than {@code minSeeds} seeds;
 * at most {@code cap} images for the set in all.
 *
 * <p>Which images a full cluster gives, and which the cap keeps, is decided by a hash of the
 * sampling seed and the key (smallest first, {@link Ranked}): reproducible, spread evenly, and
 * changed only by changing {@code sampling-seed}. A cluster's images go through files ({@link
 * GroupThroughFiles}) and the cap is applied without gathering what it keeps ({@link
 * KeepSmallestHashes}): a worker holds at most {@code perCluster} images of one cluster.
 */
final class ClusterSampling
    extends PTransform<PCollection<KeyedVector>, PCollection<KV<String, SeedMatch>>> {
  static final int TRAINING_SAMPLE = 100_000;

  /**
   * The most clusters the one-worker k-means trains from its sample (39 points per centroid); more
   * are made in two steps ({@link TwoLevelClusters}), up to {@link TwoLevelClusters#MAX_CLUSTERS}.
   */
  public static final int MAX_CLUSTERS = TRAINING_SAMPLE / 39;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ClusterSampling.class);

  private static final int POOL_PER_CLUSTER = 500;

  private final SeedSetSpec spec;
  private final PCollection<KeyedVector> pool;
  private final int dimension;

  ClusterSampling(SeedSetSpec spec, PCollection<KeyedVector> pool, int dimension) {
    this.spec = spec;
    this.pool = pool;
    this.dimension = dimension;
  }

  @Override
  public PCollection<KV<String, SeedMatch>> expand(PCollection<KeyedVector> seeds) {
    KvCoder<Integer, KeyedVector> byCluster = KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder());
    PCollection<KV<Integer, KeyedVector>> seedClusters;
    PCollection<KV<Integer, KeyedVector>> poolClusters;
    if (spec.clusters() <= MAX_CLUSTERS) {
      PCollectionView<float[]> centroids =
          pool.apply("ClusterPool", new Centroids(dimension, spec.clusters()));
      seedClusters =
          seeds
              .apply(
                  "AssignSeeds",
                  ParDo.of(KnnJoin.assignToCentroids(centroids, dimension, 1))
                      .withSideInputs(centroids))
              .setCoder(byCluster);
      poolClusters =
          pool.apply(
                  "AssignPool",
                  ParDo.of(KnnJoin.assignToCentroids(centroids, dimension, 1))
                      .withSideInputs(centroids))
              .setCoder(byCluster);
    } else {
      // More than one worker's sample can train: two steps, the second on the workers.
      LOG.info(
          "seed set {}: {} clusters by two-step k-means (at most {} first-level cells, each "
              + "split on the workers into its share)",
          spec.name(),
          spec.clusters(),
          TwoLevelClusters.MAX_FIRST_LEVEL);
      PCollection<KV<Integer, KV<Boolean, KeyedVector>>> both =
          pool.apply(
              "ClusterPoolInTwoSteps",
              TwoLevelClusters.of(dimension, spec.clusters()).alsoAssigning(seeds));
      seedClusters = both.apply("SeedsOnly", ParDo.of(new SideFn(true))).setCoder(byCluster);
      poolClusters = both.apply("PoolOnly", ParDo.of(new SideFn(false))).setCoder(byCluster);
    }
    KvCoder<Integer, String> clusterKey = KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of());
    PCollectionView<Map<Integer, List<String>>> eligible =
        seedClusters
            .apply("SeedKeys", ParDo.of(new SeedKeysFn()))
            .setCoder(clusterKey)
            .apply("SeedsPerCluster", GroupByKey.create())
            .apply("ClustersWithEnoughSeeds", ParDo.of(new EligibleFn(spec.minSeeds())))
            .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(StringUtf8Coder.of())))
            .apply("EligibleView", View.asMap());
    long seed = spec.samplingSeed();
    String set = spec.name();
    return poolClusters
        .apply("InEligibleClusters", ParDo.of(new RankFn(eligible, seed)).withSideInputs(eligible))
        .setCoder(KvCoder.of(VarIntCoder.of(), new Ranked.Coder()))
        // A cluster's pool images under one key: through files, not one record.
        .apply(
            "ByCluster",
            GroupThroughFiles.<Integer, Ranked>in(
                GroupThroughFiles.tempDirOf(pool.getPipeline().getOptions())))
        .apply("SamplePerCluster", ParDo.of(new SampleFn(spec.perCluster())))
        .setCoder(new Ranked.Coder())
        .apply("CapPerSet", KeepSmallestHashes.of(spec.cap()))
        .apply("Provenance", ParDo.of(new ProvenanceFn(set, eligible)).withSideInputs(eligible));
  }

  /** One side of the two-step clustering's output: the seeds ({@code true}) or the pool. */
  static final class SideFn
      extends DoFn<KV<Integer, KV<Boolean, KeyedVector>>, KV<Integer, KeyedVector>> {
    private final boolean seeds;

    SideFn(boolean seeds) {
      this.seeds = seeds;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, KV<Boolean, KeyedVector>> v,
        OutputReceiver<KV<Integer, KeyedVector>> out) {
      if (v.getValue().getKey() == seeds) {
        out.output(KV.of(v.getKey(), v.getValue().getValue()));
      }
    }
  }

  static final class SeedKeysFn extends DoFn<KV<Integer, KeyedVector>, KV<Integer, String>> {
    @ProcessElement
    public void process(
        @Element KV<Integer, KeyedVector> kv, OutputReceiver<KV<Integer, String>> out) {
      out.output(KV.of(kv.getKey(), kv.getValue().key()));
    }
  }

  /** Pool images of eligible clusters, with their sampling hash. */
  static final class RankFn extends DoFn<KV<Integer, KeyedVector>, KV<Integer, Ranked>> {
    private final PCollectionView<Map<Integer, List<String>>> eligible;
    private final long seed;

    RankFn(PCollectionView<Map<Integer, List<String>>> eligible, long seed) {
      this.eligible = eligible;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element KV<Integer, KeyedVector> kv, ProcessContext c) {
      if (c.sideInput(eligible).containsKey(kv.getKey())) {
        String key = kv.getValue().key();
        c.output(KV.of(kv.getKey(), Ranked.of(seed, key, kv.getKey())));
      }
    }
  }

  /** A cluster's {@code perCluster} best images. */
  static final class SampleFn extends DoFn<KV<Integer, Iterable<Ranked>>, Ranked> {
    private final int perCluster;

    SampleFn(int perCluster) {
      this.perCluster = perCluster;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Ranked>> cluster, OutputReceiver<Ranked> out) {
      Ranked.best(cluster.getValue(), perCluster).forEach(out::output);
    }
  }

  static final class ProvenanceFn extends DoFn<Ranked, KV<String, SeedMatch>> {
    private final String set;
    private final PCollectionView<Map<Integer, List<String>>> eligible;

    ProvenanceFn(String set, PCollectionView<Map<Integer, List<String>>> eligible) {
      this.set = set;
      this.eligible = eligible;
    }

    @ProcessElement
    public void process(@Element Ranked kept, ProcessContext c) {
      c.output(
          KV.of(
              kept.key(),
              new SeedMatch(
                  set,
                  c.sideInput(eligible).get(kept.cluster()),
                  null,
                  List.of((long) kept.cluster()))));
    }
  }

  /** The pool's k-means centroids: their own composite, so step names stay unique. */
  static final class Centroids
      extends PTransform<PCollection<KeyedVector>, PCollectionView<float[]>> {
    private final int dimension;
    private final int clusters;

    Centroids(int dimension, int clusters) {
      this.dimension = dimension;
      this.clusters = clusters;
    }

    @Override
    public PCollectionView<float[]> expand(PCollection<KeyedVector> vectors) {
      return KnnJoin.trainCentroids(
          vectors, dimension, clusters, POOL_PER_CLUSTER, TRAINING_SAMPLE);
    }
  }

  /** Clusters with more than {@code minSeeds} seeds, with (some of) their seed keys, sorted. */
  static final class EligibleFn
      extends DoFn<KV<Integer, Iterable<String>>, KV<Integer, List<String>>> {
    private final int minSeeds;

    EligibleFn(int minSeeds) {
      this.minSeeds = minSeeds;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<String>> cluster,
        OutputReceiver<KV<Integer, List<String>>> out) {
      List<String> keys = new ArrayList<>();
      cluster.getValue().forEach(keys::add);
      if (keys.size() > minSeeds) {
        keys.sort(Comparator.naturalOrder());
        out.output(
            KV.of(
                cluster.getKey(),
                List.copyOf(
                    keys.subList(0, Math.min(keys.size(), RetrieveFromSeeds.MAX_SEEDS_LISTED)))));
      }
    }
  }
}
