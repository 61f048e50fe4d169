package io.winnow.retrieval;

import io.winnow.faiss.Faiss;
import io.winnow.faiss.Metric;
import io.winnow.faiss.Neighbors;
import io.winnow.faiss.VectorIndex;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.schemas.SeedMatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Seed-free balanced curation ({@link BalancedSpec}): level 1 is a FAISS k-means of the pool
 * (trained on a key-hash sample, every image assigned, as for the k-NN partitions); each higher
 * level is a k-means of the centroids below it (small: one worker). The target is then shared
 * top-down as evenly as the clusters allow ({@link BalancedQuotas}), and each level-1 cluster gives
 * its quota of images, chosen by a seeded hash of their keys. Memory per worker: one level-1
 * cluster's quota at a time.
 */
final class BalancedSampling
    extends PTransform<PCollection<KeyedVector>, PCollection<KV<String, SeedMatch>>> {
  static final int TRAINING_SAMPLE = 100_000;

  /** Level 1's most clusters from its one-worker sample (39 points per centroid). */
  public static final int MAX_LEVEL1_CLUSTERS = TRAINING_SAMPLE / 39;

  private final BalancedSpec spec;
  private final int dimension;

  BalancedSampling(BalancedSpec spec, int dimension) {
    this.spec = spec;
    this.dimension = dimension;
  }

  /** The sampling plan: quota and cluster path (level 1 first) of each level-1 cluster. */
  record Plan(long[] quota, long[][] path) implements Serializable {}

  @Override
  public PCollection<KV<String, SeedMatch>> expand(PCollection<KeyedVector> pool) {
    PCollectionView<float[]> level1 =
        pool.apply("ClusterPool", new Level1(dimension, spec.clusters().get(0)));
    PCollection<KV<Integer, KeyedVector>> assigned =
        pool.apply(
                "AssignPool",
                ParDo.of(KnnJoin.assignToCentroids(level1, dimension, 1)).withSideInputs(level1))
            .setCoder(KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()));
    PCollectionView<Map<Integer, Long>> sizes =
        assigned.apply("ClusterSizes", Count.perKey()).apply("SizesView", View.asMap());
    PCollectionView<Plan> plan =
        pool.getPipeline()
            .apply("Once", Create.of(0))
            .apply(
                "PlanHierarchy",
                ParDo.of(new PlanFn(spec, dimension, level1, sizes)).withSideInputs(level1, sizes))
            .setCoder(SerializableCoder.of(Plan.class))
            .apply("PlanView", View.asSingleton());
    long seed = spec.samplingSeed();
    return assigned
        .apply("Rank", ParDo.of(new RankFn(seed)))
        .setCoder(KvCoder.of(VarIntCoder.of(), new Ranked.Coder()))
        // Every pool image of a cluster under one key: through files, not one record.
        .apply(
            "ByCluster",
            io.winnow.schemas.GroupThroughFiles.<Integer, Ranked>in(
                io.winnow.schemas.GroupThroughFiles.tempDirOf(pool.getPipeline().getOptions())))
        .apply("TakeQuota", ParDo.of(new TakeFn(plan)).withSideInputs(plan));
  }

  /**
   * Level 1: k-means with resampling ({@link ResamplingKMeans}) of a key-hash sample of the pool
   * (about 100,000 vectors), on one worker.
   */
  static final class Level1 extends PTransform<PCollection<KeyedVector>, PCollectionView<float[]>> {
    private final int dimension;
    private final int clusters;

    Level1(int dimension, int clusters) {
      this.dimension = dimension;
      this.clusters = clusters;
    }

    @Override
    public PCollectionView<float[]> expand(PCollection<KeyedVector> vectors) {
      return KnnJoin.trainCentroids(
          vectors, dimension, TRAINING_SAMPLE, new ResamplingTrainer(clusters));
    }
  }

  /** Level 1's centroids: k-means++ with resampling steps on the training sample. */
  static final class ResamplingTrainer implements KnnJoin.CentroidTrainer {
    private final int clusters;

    ResamplingTrainer(int clusters) {
      this.clusters = clusters;
    }

    @Override
    public float[] train(float[] sample, int dimension, long total) {
      Faiss.setThreads(1);
      return ResamplingKMeans.train(sample, dimension, clusters, 20260126);
    }
  }

  static final class RankFn extends DoFn<KV<Integer, KeyedVector>, KV<Integer, Ranked>> {
    private final long seed;

    RankFn(long seed) {
      this.seed = seed;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, KeyedVector> kv, OutputReceiver<KV<Integer, Ranked>> out) {
      String key = kv.getValue().key();
      out.output(KV.of(kv.getKey(), Ranked.of(seed, key, kv.getKey())));
    }
  }

  /** Clusters the centroids level by level and shares the target: runs once, on one worker. */
  static final class PlanFn extends DoFn<Integer, Plan> {
    private final BalancedSpec spec;
    private final int dimension;
    private final PCollectionView<float[]> level1;
    private final PCollectionView<Map<Integer, Long>> sizes;

    PlanFn(
        BalancedSpec spec,
        int dimension,
        PCollectionView<float[]> level1,
        PCollectionView<Map<Integer, Long>> sizes) {
      this.spec = spec;
      this.dimension = dimension;
      this.level1 = level1;
      this.sizes = sizes;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      float[] centroids = c.sideInput(level1);
      Map<Integer, Long> counts = c.sideInput(sizes);
      int n1 = Math.max(1, centroids.length / dimension);
      long[] size = new long[n1];
      counts.forEach((cluster, count) -> size[cluster] = count);
      Faiss.setThreads(1);
      List<int[]> parents = new ArrayList<>();
      float[] below = centroids;
      int belowCount = n1;
      for (int level = 1; level < spec.clusters().size(); level++) {
        int k = Math.min(spec.clusters().get(level), belowCount);
        int[] parent = new int[belowCount];
        if (k >= 2 && below.length > 0) {
          float[] above = ResamplingKMeans.train(below, dimension, k, 20260126 + level);
          try (VectorIndex index = VectorIndex.flat(dimension, Metric.INNER_PRODUCT)) {
            index.add(above);
            Neighbors nearest = index.search(below, 1);
            for (int i = 0; i < belowCount; i++) {
              parent[i] = (int) nearest.label(i, 0);
            }
          }
          below = above;
          belowCount = above.length / dimension;
        } else {
          below = new float[0];
          belowCount = 1; // one cluster above: everything's parent is 0
        }
        parents.add(parent);
      }
      long[] quota =
          BalancedQuotas.hierarchical(spec.target(), size, parents.toArray(new int[0][]));
      long[][] path = new long[n1][];
      for (int i = 0; i < n1; i++) {
        path[i] = new long[parents.size() + 1];
        path[i][0] = i;
        int node = i;
        for (int l = 0; l < parents.size(); l++) {
          node = parents.get(l)[node];
          path[i][l + 1] = node;
        }
      }
      c.output(new Plan(quota, path));
    }
  }

  /** A level-1 cluster's quota of images: the smallest sampling hashes, then keys. */
  static final class TakeFn extends DoFn<KV<Integer, Iterable<Ranked>>, KV<String, SeedMatch>> {
    private final PCollectionView<Plan> plan;

    TakeFn(PCollectionView<Plan> plan) {
      this.plan = plan;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Ranked>> cluster, ProcessContext c) {
      Plan p = c.sideInput(plan);
      int id = cluster.getKey();
      long quota = id < p.quota().length ? p.quota()[id] : 0;
      if (quota <= 0) {
        return;
      }
      List<Long> path = new ArrayList<>();
      for (long node : p.path()[id]) {
        path.add(node);
      }
      for (Ranked r : Ranked.best(cluster.getValue(), quota)) {
        c.output(KV.of(r.key(), new SeedMatch(BalancedSpec.NAME, null, null, path)));
      }
    }
  }
}
