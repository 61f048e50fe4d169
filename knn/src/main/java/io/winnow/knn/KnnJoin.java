package io.winnow.knn;

import io.winnow.faiss.Faiss;
import io.winnow.faiss.KMeans;
import io.winnow.faiss.Metric;
import io.winnow.faiss.Neighbors;
import io.winnow.faiss.VectorIndex;
import io.winnow.schemas.GroupThroughFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Queries × database → the top-k database vectors of each query by cosine similarity (inner product
 * of L2-normalised vectors). The one k-NN primitive of dedup, decontamination and retrieval.
 *
 * <p>Partitioned so that no worker holds everything: a coarse quantiser is trained with FAISS
 * k-means (spherical) on a sample of the database; each database vector goes to its nearest
 * centroid's partition, each query to its {@code nprobe} nearest; every partition builds an exact
 * (flat) FAISS index of its vectors and searches its queries; the per-partition results are merged
 * into one top-k per query. Approximation comes only from partitioning (a neighbour in a partition
 * the query did not probe is missed), as in an IVF index. {@link #exact()} uses one partition and
 * is exact. Partition count: about {@code database / targetPartitionSize} unless set.
 *
 * <p>FAISS runs one OpenMP thread per worker thread here: the runner already runs one task per
 * core, and many small parallel searches from several threads at once oversubscribe the cores
 * (measured: the partitioned tests ran 50 times slower).
 *
 * <p>Deterministic: the training sample is chosen by a hash of each key, k-means is seeded and fed
 * in key order, partitions index their vectors in key order, and ties are broken by key, so the
 * same inputs give the same neighbours whatever the runner, parallelism or arrival order.
 *
 * <p>Output: one {@code KV(queryKey, neighbours best first)} per query that has any (a self join
 * never returns the query itself). Vectors must have the given dimension; use {@link #validVectors}
 * first to turn others into rejections.
 */
public final class KnnJoin
    extends PTransform<PCollection<KeyedVector>, PCollection<KV<String, List<Neighbor>>>> {
  private static final int SEED = 20260126;

  private final PCollection<KeyedVector> database;
  private final int dimension;
  private final int k;
  private final int partitions;
  private final int nprobe;
  private final int targetPartitionSize;
  private final int trainingSample;
  private final float minSimilarity;
  private final String stage;

  private KnnJoin(
      PCollection<KeyedVector> database,
      int dimension,
      int k,
      int partitions,
      int nprobe,
      int targetPartitionSize,
      int trainingSample,
      float minSimilarity,
      String stage) {
    if (dimension < 1
        || k < 1
        || partitions < 0
        || nprobe < 1
        || targetPartitionSize < 1
        || trainingSample < 1) {
      throw new IllegalArgumentException(
          "dimension, k, nprobe, partition size and training "
              + "sample must be positive, partitions >= 0 (0: automatic)");
    }
    this.database = database;
    this.dimension = dimension;
    this.k = k;
    this.partitions = partitions;
    this.nprobe = nprobe;
    this.targetPartitionSize = targetPartitionSize;
    this.trainingSample = trainingSample;
    this.minSimilarity = minSimilarity;
    this.stage = stage;
  }

  /** Each vector's k nearest other vectors of the same collection. */
  public static KnnJoin self(int dimension, int k) {
    return new KnnJoin(null, dimension, k, 0, 8, 2_000, 100_000, Float.NEGATIVE_INFINITY, "knn");
  }

  /** Each query's k nearest vectors of {@code database}. */
  public static KnnJoin against(PCollection<KeyedVector> database, int dimension, int k) {
    return new KnnJoin(
        database, dimension, k, 0, 8, 2_000, 100_000, Float.NEGATIVE_INFINITY, "knn");
  }

  /** One partition, flat index: exact, for small inputs and tests. */
  public KnnJoin exact() {
    return new KnnJoin(
        database, dimension, k, 1, 1, targetPartitionSize, trainingSample, minSimilarity, stage);
  }

  public KnnJoin withPartitions(int count, int probes) {
    return new KnnJoin(
        database,
        dimension,
        k,
        count,
        probes,
        targetPartitionSize,
        trainingSample,
        minSimilarity,
        stage);
  }

  public KnnJoin withTargetPartitionSize(int size) {
    return new KnnJoin(
        database, dimension, k, partitions, nprobe, size, trainingSample, minSimilarity, stage);
  }

  /**
   * Drops neighbours below {@code similarity} where they are found, before any shuffle: dedup needs
   * only pairs above its threshold, and this keeps the merged results small at scale.
   */
  public KnnJoin withMinSimilarity(double similarity) {
    return new KnnJoin(
        database,
        dimension,
        k,
        partitions,
        nprobe,
        targetPartitionSize,
        trainingSample,
        (float) similarity,
        stage);
  }

  /** The stage this join's time counts under in the run report (dedup, retrieve, ...). */
  public KnnJoin timedAs(String name) {
    return new KnnJoin(
        database,
        dimension,
        k,
        partitions,
        nprobe,
        targetPartitionSize,
        trainingSample,
        minSimilarity,
        name);
  }

  @Override
  public PCollection<KV<String, List<Neighbor>>> expand(PCollection<KeyedVector> queries) {
    boolean self = database == null;
    PCollection<KeyedVector> base = self ? queries : database;
    PCollectionView<float[]> centroids;
    if (partitions == 1) {
      centroids =
          base.getPipeline()
              .apply(
                  "NoCentroids",
                  org.apache.beam.sdk.transforms.Create.of(new float[0])
                      .withCoder(new KeyedVector.FloatArrayCoder()))
              .apply("NoCentroidsView", View.asSingleton());
    } else {
      centroids = trainCentroids(base, dimension, partitions, targetPartitionSize, trainingSample);
    }
    PCollection<KV<Integer, KeyedVector>> baseParts =
        base.apply(
                "AssignDatabase",
                ParDo.of(new AssignFn(centroids, dimension, 1)).withSideInputs(centroids))
            .setCoder(KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()));
    PCollection<KV<Integer, KeyedVector>> queryParts =
        queries
            .apply(
                "AssignQueries",
                ParDo.of(new AssignFn(centroids, dimension, partitions == 1 ? 1 : nprobe))
                    .withSideInputs(centroids))
            .setCoder(KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()));
    // A partition's vectors go through files, not as one record (see GroupThroughFiles).
    KvCoder<Integer, KV<Boolean, KeyedVector>> tagged =
        KvCoder.of(VarIntCoder.of(), KvCoder.of(BooleanCoder.of(), new KeyedVector.Coder()));
    PCollection<KV<Integer, KV<Boolean, KeyedVector>>> baseTagged =
        baseParts
            .apply("TagDatabase", MapElements.via(new Tag<Integer, KeyedVector>(false)))
            .setCoder(tagged);
    PCollection<KV<Integer, KV<Boolean, KeyedVector>>> queryTagged =
        queryParts
            .apply("TagQueries", MapElements.via(new Tag<Integer, KeyedVector>(true)))
            .setCoder(tagged);
    return PCollectionList.of(baseTagged)
        .and(queryTagged)
        .apply("BothSides", Flatten.pCollections())
        .apply(
            "JoinPartitions",
            GroupThroughFiles.<Integer, KV<Boolean, KeyedVector>>in(
                GroupThroughFiles.tempDirOf(queries.getPipeline().getOptions())))
        .apply("SearchPartitions", ParDo.of(new SearchFn(dimension, k, self, minSimilarity, stage)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(new Neighbor.Coder())))
        .apply("GatherPerQuery", GroupByKey.create())
        .apply("MergeTopK", ParDo.of(new MergeFn(k)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(new Neighbor.Coder())));
  }

  /**
   * Spherical k-means centroids of {@code vectors}, trained by FAISS on one worker from a sample
   * chosen by key hash (about {@code sample} vectors), seeded: the same inputs give the same
   * centroids. {@code clusters} 0 means about {@code count / targetSize}; fewer are trained when
   * the sample is small (39 points per centroid). Empty when fewer than 2 would be trained. Shared
   * with retrieval's cluster sampling.
   */
  public static PCollectionView<float[]> trainCentroids(
      PCollection<KeyedVector> vectors, int dimension, int clusters, int targetSize, int sample) {
    return trainCentroids(vectors, dimension, sample, new FaissTrainer(clusters, targetSize));
  }

  /** As above, with another way of turning the sample into centroids. */
  public static PCollectionView<float[]> trainCentroids(
      PCollection<KeyedVector> vectors, int dimension, int sample, CentroidTrainer trainer) {
    return trainedCentroids(vectors, dimension, sample, trainer)
        .apply("CentroidsView", View.<float[]>asSingleton().withDefaultValue(new float[0]));
  }

  /**
   * The centroids as a one-element collection (none for an empty input), for callers that also keep
   * them (a dataset's persisted index).
   */
  public static PCollection<float[]> trainedCentroids(
      PCollection<KeyedVector> vectors, int dimension, int clusters, int targetSize, int sample) {
    return trainedCentroids(vectors, dimension, sample, new FaissTrainer(clusters, targetSize));
  }

  static PCollection<float[]> trainedCentroids(
      PCollection<KeyedVector> vectors, int dimension, int sample, CentroidTrainer trainer) {
    PCollectionView<Long> count =
        vectors.apply("CountVectors", Count.globally()).apply("CountView", View.asSingleton());
    return vectors
        .apply("SampleForTraining", ParDo.of(new SampleFn(count, sample)).withSideInputs(count))
        .setCoder(KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()))
        // Up to `sample` vectors under one key: through files, not as one record.
        .apply(
            "GatherSample",
            GroupThroughFiles.<Integer, KeyedVector>in(
                GroupThroughFiles.tempDirOf(vectors.getPipeline().getOptions())))
        .apply(
            "TrainCentroids",
            ParDo.of(new TrainFn(dimension, trainer, count)).withSideInputs(count))
        .setCoder(new KeyedVector.FloatArrayCoder());
  }

  /**
   * Sends each vector to its {@code probes} nearest centroids' partitions, as {@code KV(partition,
   * vector)}; everything to partition 0 when there are no centroids.
   */
  public static DoFn<KeyedVector, KV<Integer, KeyedVector>> assignToCentroids(
      PCollectionView<float[]> centroids, int dimension, int probes) {
    return new AssignFn(centroids, dimension, probes);
  }

  /** A position in [0, 1) from the key alone: the same keys are sampled on every run. */
  public static double unitHash(String key) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(key.getBytes(StandardCharsets.UTF_8));
      long h = java.nio.ByteBuffer.wrap(sha.digest()).getLong();
      return (h >>> 11) * 0x1.0p-53;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static final class SampleFn extends DoFn<KeyedVector, KV<Integer, KeyedVector>> {
    private final PCollectionView<Long> count;
    private final int sample;

    SampleFn(PCollectionView<Long> count, int sample) {
      this.count = count;
      this.sample = sample;
    }

    @ProcessElement
    public void process(@Element KeyedVector v, ProcessContext c) {
      double rate = (double) sample / Math.max(1, c.sideInput(count));
      if (unitHash(v.key()) < rate) {
        c.output(KV.of(0, v));
      }
    }
  }

  /**
   * Turns a training sample into centroids: {@code sample} holds the sampled vectors row-major in
   * key order, {@code total} is the size of the whole collection. An empty result means one
   * partition.
   */
  public interface CentroidTrainer extends java.io.Serializable {
    float[] train(float[] sample, int dimension, long total);
  }

  /** FAISS spherical k-means, seeded; {@code clusters} 0: about total / targetSize. */
  static final class FaissTrainer implements CentroidTrainer {
    private final int clusters;
    private final int targetSize;

    FaissTrainer(int clusters, int targetSize) {
      this.clusters = clusters;
      this.targetSize = targetSize;
    }

    @Override
    public float[] train(float[] sample, int dimension, long total) {
      int wanted = clusters > 0 ? clusters : (int) Math.min(65_536, total / targetSize);
      // FAISS wants about 39 training points per centroid.
      int nlist = Math.min(wanted, sample.length / dimension / 39);
      if (nlist < 2) {
        return new float[0]; // one partition: everything goes to partition 0
      }
      return KMeans.of(dimension, nlist).asSpherical().withSeed(SEED).train(sample);
    }
  }

  static final class TrainFn extends DoFn<KV<Integer, Iterable<KeyedVector>>, float[]> {
    private final int dimension;
    private final CentroidTrainer trainer;
    private final PCollectionView<Long> count;

    TrainFn(int dimension, CentroidTrainer trainer, PCollectionView<Long> count) {
      this.dimension = dimension;
      this.trainer = trainer;
      this.count = count;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KeyedVector>> sample, ProcessContext c) {
      List<KeyedVector> vectors = new ArrayList<>();
      sample.getValue().forEach(vectors::add);
      vectors.sort(Comparator.comparing(KeyedVector::key));
      float[] data = new float[vectors.size() * dimension];
      for (int i = 0; i < vectors.size(); i++) {
        System.arraycopy(vectors.get(i).vector(), 0, data, i * dimension, dimension);
      }
      c.output(trainer.train(data, dimension, c.sideInput(count)));
    }
  }

  /** Sends each vector to its nearest {@code probes} partitions, searching centroids in blocks. */
  static final class AssignFn extends DoFn<KeyedVector, KV<Integer, KeyedVector>> {
    private static final int BLOCK = 2_048;
    private final PCollectionView<float[]> centroidsView;
    private final int dimension;
    private final int probes;
    private transient List<KeyedVector> pending;
    private transient float[] centroids;
    private transient VectorIndex index;

    AssignFn(PCollectionView<float[]> centroids, int dimension, int probes) {
      this.centroidsView = centroids;
      this.dimension = dimension;
      this.probes = probes;
    }

    @StartBundle
    public void start() {
      pending = new ArrayList<>();
      Faiss.setThreads(1);
    }

    @ProcessElement
    public void process(@Element KeyedVector v, ProcessContext c) {
      // One global window, so one set of centroids: index it once per DoFn instance (runners
      // may hand out a fresh copy of the side input on every access).
      if (centroids == null) {
        centroids = c.sideInput(centroidsView);
        if (centroids.length > 0) {
          index = VectorIndex.flat(dimension, Metric.INNER_PRODUCT);
          index.add(centroids);
        }
      }
      if (index == null) {
        c.output(KV.of(0, v));
        return;
      }
      pending.add(v);
      if (pending.size() >= BLOCK) {
        for (KV<Integer, KeyedVector> kv : assign()) {
          c.output(kv);
        }
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      if (!pending.isEmpty()) {
        for (KV<Integer, KeyedVector> kv : assign()) {
          c.output(kv, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
        }
      }
    }

    private List<KV<Integer, KeyedVector>> assign() {
      int n = pending.size();
      float[] block = new float[n * dimension];
      for (int i = 0; i < n; i++) {
        System.arraycopy(pending.get(i).vector(), 0, block, i * dimension, dimension);
      }
      int nprobe = (int) Math.min(probes, index.size());
      Neighbors nearest = index.search(block, nprobe);
      List<KV<Integer, KeyedVector>> out = new ArrayList<>(n * nprobe);
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < nprobe; r++) {
          long partition = nearest.label(i, r);
          if (partition >= 0) {
            out.add(KV.of((int) partition, pending.get(i)));
          }
        }
      }
      pending.clear();
      return out;
    }

    @Teardown
    public void closeIndex() {
      if (index != null) {
        index.close();
        index = null;
      }
      centroids = null;
    }
  }

  /**
   * Marks each value with a side ({@code true} or {@code false}), so two collections can share one
   * grouping: a partition's database vectors and queries, a pair's two members.
   */
  public static final class Tag<K, V> extends SimpleFunction<KV<K, V>, KV<K, KV<Boolean, V>>> {
    private final boolean side;

    public Tag(boolean side) {
      this.side = side;
    }

    @Override
    public KV<K, KV<Boolean, V>> apply(KV<K, V> v) {
      return KV.of(v.getKey(), KV.of(side, v.getValue()));
    }
  }

  /** One partition: a flat index of its database vectors (key order), searched by its queries. */
  static final class SearchFn
      extends DoFn<KV<Integer, Iterable<KV<Boolean, KeyedVector>>>, KV<String, List<Neighbor>>> {
    private static final int BLOCK = 1_024;
    private final int dimension;
    private final int k;
    private final boolean self;
    private final float floor;
    private final io.winnow.schemas.StageTimer timer;

    SearchFn(int dimension, int k, boolean self, float floor, String stage) {
      this.timer = io.winnow.schemas.StageTimer.of(stage);
      this.dimension = dimension;
      this.k = k;
      this.self = self;
      this.floor = floor;
    }

    @StartBundle
    public void start() {
      Faiss.setThreads(1);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<Boolean, KeyedVector>>> partition,
        OutputReceiver<KV<String, List<Neighbor>>> out) {
      // Two passes over the partition (read again from its files): the database vectors are
      // held for the index, the queries stream through it.
      List<KeyedVector> base = new ArrayList<>();
      for (KV<Boolean, KeyedVector> v : partition.getValue()) {
        if (!v.getKey()) {
          base.add(v.getValue());
        }
      }
      if (base.isEmpty()) {
        return;
      }
      base.sort(Comparator.comparing(KeyedVector::key));
      float[] data = new float[base.size() * dimension];
      for (int i = 0; i < base.size(); i++) {
        System.arraycopy(base.get(i).vector(), 0, data, i * dimension, dimension);
      }
      // Ask for more when equal scores could push a tie out of the top k; ties are cut by key.
      int wanted = (int) Math.min(base.size(), k + (self ? 1 : 0) + 8L);
      long start = System.nanoTime();
      try (VectorIndex index = VectorIndex.flat(dimension, Metric.INNER_PRODUCT)) {
        index.add(data);
        timer.record(System.nanoTime() - start, 0);
        List<KeyedVector> block = new ArrayList<>(BLOCK);
        for (KV<Boolean, KeyedVector> v : partition.getValue()) {
          if (!v.getKey()) {
            continue;
          }
          block.add(v.getValue());
          if (block.size() == BLOCK) {
            search(index, block, base, wanted, out);
            block.clear();
          }
        }
        if (!block.isEmpty()) {
          search(index, block, base, wanted, out);
        }
      }
    }

    private void search(
        VectorIndex index,
        List<KeyedVector> queries,
        List<KeyedVector> base,
        int wanted,
        OutputReceiver<KV<String, List<Neighbor>>> out) {
      float[] q = new float[queries.size() * dimension];
      for (int i = 0; i < queries.size(); i++) {
        System.arraycopy(queries.get(i).vector(), 0, q, i * dimension, dimension);
      }
      long start = System.nanoTime();
      Neighbors result = index.search(q, wanted);
      timer.record(System.nanoTime() - start, queries.size());
      for (int i = 0; i < queries.size(); i++) {
        String queryKey = queries.get(i).key();
        List<Neighbor> found = new ArrayList<>(wanted);
        for (int r = 0; r < wanted; r++) {
          long label = result.label(i, r);
          if (label < 0) {
            continue;
          }
          String key = base.get((int) label).key();
          if (result.score(i, r) >= floor && !(self && key.equals(queryKey))) {
            found.add(new Neighbor(key, result.score(i, r)));
          }
        }
        if (!found.isEmpty()) {
          found.sort(Neighbor.BEST_FIRST);
          out.output(KV.of(queryKey, found.size() > k ? List.copyOf(found.subList(0, k)) : found));
        }
      }
    }
  }

  static final class MergeFn
      extends DoFn<KV<String, Iterable<List<Neighbor>>>, KV<String, List<Neighbor>>> {
    private final int k;

    MergeFn(int k) {
      this.k = k;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<List<Neighbor>>> parts,
        OutputReceiver<KV<String, List<Neighbor>>> out) {
      List<Neighbor> all = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (List<Neighbor> part : parts.getValue()) {
        for (Neighbor n : part) {
          if (seen.add(n.key())) {
            all.add(n);
          }
        }
      }
      all.sort(Neighbor.BEST_FIRST);
      out.output(KV.of(parts.getKey(), List.copyOf(all.subList(0, Math.min(k, all.size())))));
    }
  }
}
