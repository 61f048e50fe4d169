package io.winnow.knn;

import io.winnow.knn.CentroidTraining.FaissTrainer;
import io.winnow.knn.CentroidTraining.SampleFn;
import io.winnow.knn.CentroidTraining.TrainFn;
import io.winnow.knn.PartitionedSearch.AssignFn;
import io.winnow.knn.PartitionedSearch.MergeFn;
import io.winnow.knn.PartitionedSearch.SearchFn;
import io.winnow.knn.SubPartitions.SplitCellFn;
import io.winnow.schemas.GroupThroughFiles;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * is exact. Partition count: about {@code database / targetPartitionSize} unless set. The first
 * level has at most 2,564 cells (one worker's sample); a cell holding more than twice the target is
 * split again on the workers ({@code SubPartitions}), so partitions stay near the target at any
 * size and a query probes its nearest {@code subProbes} sub-cells (default 1) in each cell it
 * probes. The steps' DoFns are {@code CentroidTraining}'s, {@code SubPartitions}' and {@code
 * PartitionedSearch}'s.
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
  /** First-level cells a query probes unless set. */
  public static final int DEFAULT_PROBES = 8;

  /**
   * Sub-cells probed per split cell unless set. One, so that a query still goes to {@code nprobe}
   * partitions in all: every probe is a copy of the query through the shuffle and the files, and 8
   * × 4 copies filled 79 GB of disk at 1M with partitions of 50 (docs/BENCHMARKS.md).
   */
  public static final int DEFAULT_SUB_PROBES = 1;

  /** Vectors per partition unless set. */
  public static final int DEFAULT_PARTITION_SIZE = 2_000;

  private final PCollection<KeyedVector> database;
  private final int dimension;
  private final int k;
  private final int partitions;
  private final int nprobe;
  private final int subProbes;
  private final int targetPartitionSize;
  private final int trainingSample;
  private final float minSimilarity;
  private final float spill;
  private final boolean splitCells;
  private final String stage;

  private KnnJoin(Params p) {
    if (p.dimension < 1
        || p.k < 1
        || p.partitions < 0
        || p.nprobe < 1
        || p.subProbes < 1
        || p.targetPartitionSize < 1
        || p.trainingSample < 1) {
      throw new IllegalArgumentException(
          "dimension, k, nprobe, sub-probes, partition size and training "
              + "sample must be positive, partitions >= 0 (0: automatic)");
    }
    this.database = p.database;
    this.dimension = p.dimension;
    this.k = p.k;
    this.partitions = p.partitions;
    this.nprobe = p.nprobe;
    this.subProbes = p.subProbes;
    this.targetPartitionSize = p.targetPartitionSize;
    this.trainingSample = p.trainingSample;
    this.minSimilarity = p.minSimilarity;
    this.spill = p.spill;
    this.splitCells = p.splitCells;
    this.stage = p.stage;
  }

  /** A join's parameters while one is derived from another: each wither changes what it names. */
  private static final class Params {
    PCollection<KeyedVector> database;
    int dimension;
    int k;
    int partitions = 0; // automatic
    int nprobe = DEFAULT_PROBES;
    int subProbes = DEFAULT_SUB_PROBES;
    int targetPartitionSize = DEFAULT_PARTITION_SIZE;
    int trainingSample = 100_000;
    float minSimilarity = Float.NEGATIVE_INFINITY;
    float spill = Float.NaN;
    boolean splitCells = false;
    String stage = "knn";

    Params(PCollection<KeyedVector> database, int dimension, int k) {
      this.database = database;
      this.dimension = dimension;
      this.k = k;
    }

    Params(KnnJoin from) {
      this(from.database, from.dimension, from.k);
      partitions = from.partitions;
      nprobe = from.nprobe;
      subProbes = from.subProbes;
      targetPartitionSize = from.targetPartitionSize;
      trainingSample = from.trainingSample;
      minSimilarity = from.minSimilarity;
      spill = from.spill;
      splitCells = from.splitCells;
      stage = from.stage;
    }
  }

  /** Each vector's k nearest other vectors of the same collection. */
  public static KnnJoin self(int dimension, int k) {
    return new KnnJoin(new Params(null, dimension, k));
  }

  /** Each query's k nearest vectors of {@code database}. */
  public static KnnJoin against(PCollection<KeyedVector> database, int dimension, int k) {
    return new KnnJoin(new Params(database, dimension, k));
  }

  /** One partition, flat index: exact, for small inputs and tests. */
  public KnnJoin exact() {
    return withPartitions(1, 1);
  }

  public KnnJoin withPartitions(int count, int probes) {
    Params p = new Params(this);
    p.partitions = count;
    p.nprobe = probes;
    return new KnnJoin(p);
  }

  /**
   * Splits first-level cells over twice the partition size again (the second level, see the class
   * comment). Off by default, for now: its branches multiply the paths through the job graph, and
   * Flink 1.19 walks every path when it translates a job (StreamGraphGenerator's
   * existsUnboundedSource), so a refresh job with it on stalled in submission (docs/SCALE.md).
   */
  public KnnJoin withSplitCells(boolean split) {
    Params p = new Params(this);
    p.splitCells = split;
    return new KnnJoin(p);
  }

  /** Sub-cells a query probes in each split cell it probes (see the class comment). */
  public KnnJoin withSubProbes(int probes) {
    Params p = new Params(this);
    p.subProbes = probes;
    return new KnnJoin(p);
  }

  public KnnJoin withTargetPartitionSize(int size) {
    Params p = new Params(this);
    p.targetPartitionSize = size;
    return new KnnJoin(p);
  }

  /**
   * Drops neighbours below {@code similarity} where they are found, before any shuffle: dedup needs
   * only pairs above its threshold, and this keeps the merged results small at scale.
   */
  public KnnJoin withMinSimilarity(double similarity) {
    Params p = new Params(this);
    p.minSimilarity = (float) similarity;
    return new KnnJoin(p);
  }

  /**
   * Database vectors also go to every partition (of their 64 nearest) whose centroid is at least
   * {@code similarity} to them, not only to the nearest. Why: a picture copied many times sits at
   * the centre of its copies, and k-means cuts them into many cells around it, all about equally
   * near it; a copy probing its own cells would miss the original in the one cell it went to
   * (measured: recall of removals 0.72 on the power-law bench at 1M). Set it above what members of
   * a dense group reach (dedup: halfway from its threshold to 1): the centre is nearer to the
   * group's centroids than any member, and an ordinary vector is near no centroid, so both go to
   * one partition, as before.
   */
  public KnnJoin withSpill(double similarity) {
    Params p = new Params(this);
    p.spill = (float) similarity;
    return new KnnJoin(p);
  }

  /** The stage this join's time counts under in the run report (dedup, retrieve, ...). */
  public KnnJoin timedAs(String name) {
    Params p = new Params(this);
    p.stage = name;
    return new KnnJoin(p);
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
      // Trained short of the wanted count at scale (one worker's sample): the cells are split.
      centroids =
          trainCentroids(
              base,
              dimension,
              trainingSample,
              splitCells
                  ? new FaissTrainer(partitions, targetPartitionSize, FaissTrainer.SHORT_IS_SPLIT)
                  : new FaissTrainer(partitions, targetPartitionSize));
    }
    KvCoder<Integer, KeyedVector> cellCoder = KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder());
    PCollection<KV<Integer, KeyedVector>> baseParts =
        base.apply(
                "AssignDatabase",
                ParDo.of(new AssignFn(centroids, dimension, 1, spill)).withSideInputs(centroids))
            .setCoder(cellCoder);
    PCollection<KV<Integer, KeyedVector>> queryParts =
        queries
            .apply(
                "AssignQueries",
                ParDo.of(new AssignFn(centroids, dimension, partitions == 1 ? 1 : nprobe))
                    .withSideInputs(centroids))
            .setCoder(cellCoder);
    // A partition's vectors go through files, not as one record (see GroupThroughFiles).
    String tempDir = GroupThroughFiles.tempDirOf(queries.getPipeline().getOptions());
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
    PCollectionList<KV<Integer, KV<Boolean, KeyedVector>>> sides =
        PCollectionList.of(baseTagged).and(queryTagged);
    GroupThroughFiles<Integer, KV<Boolean, KeyedVector>> throughFiles =
        GroupThroughFiles.in(tempDir);
    // Each side spooled where it is made (see GroupThroughFiles.ofList), unless large cells are
    // split first, which needs both sides together.
    PCollection<KV<Integer, Iterable<KV<Boolean, KeyedVector>>>> joined =
        partitions == 1 || !splitCells
            ? sides.apply("JoinPartitions", throughFiles.ofList())
            : splitLargeCells(baseParts, sides.apply("BothSides", Flatten.pCollections()), tempDir)
                .apply("JoinPartitions", throughFiles);
    return joined
        .apply("SearchPartitions", ParDo.of(new SearchFn(dimension, k, self, minSimilarity, stage)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(new Neighbor.Coder())))
        .apply("GatherPerQuery", GroupByKey.create())
        .apply("MergeTopK", ParDo.of(new MergeFn(k)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(new Neighbor.Coder())));
  }

  /**
   * The second level: cells over twice the target are split by k-means trained on the workers from
   * each cell's own sample; every vector ends up keyed by its partition, {@code (cell << 12) |
   * sub-cell}.
   */
  private PCollection<KV<Integer, KV<Boolean, KeyedVector>>> splitLargeCells(
      PCollection<KV<Integer, KeyedVector>> baseParts,
      PCollection<KV<Integer, KV<Boolean, KeyedVector>>> both,
      String tempDir) {
    return SubPartitions.split(
        baseParts,
        both,
        SubPartitions.byTargetSize(targetPartitionSize),
        new SplitCellFn(dimension, subProbes, spill),
        dimension,
        tempDir);
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

  /**
   * Turns a training sample into centroids: {@code sample} holds the sampled vectors row-major in
   * key order, {@code total} is the size of the whole collection. An empty result means one
   * partition.
   */
  public interface CentroidTrainer extends java.io.Serializable {
    float[] train(float[] sample, int dimension, long total);
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
}
