package io.winnow.knn;

import io.winnow.knn.CentroidTraining.FaissTrainer;
import io.winnow.knn.PartitionedSearch.AssignFn;
import io.winnow.knn.SubPartitions.SplitCellFn;
import io.winnow.schemas.GroupThroughFiles;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Exactly {@code clusters} k-means clusters of a collection of any size, in two steps (as
 * ssl-data-curation's hierarchical k-means does for its first level): FAISS spherical k-means on
 * one worker's sample gives at most {@link #MAX_FIRST_LEVEL} cells; the clusters are shared among
 * the cells in proportion to their sizes, and each cell is split into its share by its own k-means,
 * trained on the workers from that cell's sample. Each cell's vectors are gathered with its
 * sub-centroids through files, so no worker holds the clusters of other cells.
 *
 * <p>Input: the collection clustered. {@link #alsoAssigning} adds vectors that are assigned to the
 * same clusters without shaping them (seeds). Output: {@code KV(cluster, KV(isOther, vector))} for
 * every vector, the cluster id being {@code (cell << 12) | sub-cluster}: ids are not dense.
 * Deterministic, as {@link KnnJoin} is: hash-chosen samples in key order, seeded k-means.
 */
public final class TwoLevelClusters
    extends PTransform<
        PCollection<KeyedVector>, PCollection<KV<Integer, KV<Boolean, KeyedVector>>>> {
  private static final int SAMPLE = 100_000;

  /** The most cells of the first level: its 100,000-vector sample, 39 per centroid. */
  public static final int MAX_FIRST_LEVEL = SAMPLE / 39;

  /** The most clusters: every first-level cell split into at most {@code 2,564} clusters. */
  public static final long MAX_CLUSTERS = (long) MAX_FIRST_LEVEL * SubPartitions.MAX_SPLIT;

  private final int dimension;
  private final int clusters;
  private final int firstLevel;
  private final PCollection<KeyedVector> others;

  private TwoLevelClusters(
      int dimension, int clusters, int firstLevel, PCollection<KeyedVector> others) {
    if (dimension < 1 || clusters < 1 || clusters > MAX_CLUSTERS || firstLevel < 1) {
      throw new IllegalArgumentException(
          "dimension must be positive and clusters within 1.." + MAX_CLUSTERS);
    }
    this.dimension = dimension;
    this.clusters = clusters;
    this.firstLevel = firstLevel;
    this.others = others;
  }

  public static TwoLevelClusters of(int dimension, int clusters) {
    return new TwoLevelClusters(dimension, clusters, Math.min(clusters, MAX_FIRST_LEVEL), null);
  }

  /** Also assigns {@code vectors} (seeds) to the clusters, tagged {@code true} in the output. */
  public TwoLevelClusters alsoAssigning(PCollection<KeyedVector> vectors) {
    return new TwoLevelClusters(dimension, clusters, firstLevel, vectors);
  }

  /**
   * Fewer first-level cells than the sample allows: small inputs shaped like large ones (tests).
   */
  TwoLevelClusters withFirstLevelCells(int cells) {
    return new TwoLevelClusters(dimension, clusters, Math.min(cells, clusters), others);
  }

  @Override
  public PCollection<KV<Integer, KV<Boolean, KeyedVector>>> expand(
      PCollection<KeyedVector> vectors) {
    PCollectionView<float[]> centroids =
        KnnJoin.trainCentroids(
            vectors,
            dimension,
            SAMPLE,
            new FaissTrainer(firstLevel, 1, FaissTrainer.SHORT_IS_SPLIT));
    KvCoder<Integer, KeyedVector> cellCoder = KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder());
    KvCoder<Integer, KV<Boolean, KeyedVector>> tagged =
        KvCoder.of(VarIntCoder.of(), KvCoder.of(BooleanCoder.of(), new KeyedVector.Coder()));
    KvCoder<Integer, KV<Integer, KeyedVector>> kinded =
        KvCoder.of(VarIntCoder.of(), KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()));
    PCollection<KV<Integer, KeyedVector>> cells =
        vectors
            .apply(
                "AssignToCells",
                ParDo.of(new AssignFn(centroids, dimension, 1)).withSideInputs(centroids))
            .setCoder(cellCoder);
    PCollectionList<KV<Integer, KV<Boolean, KeyedVector>>> all =
        PCollectionList.of(
            cells
                .apply(
                    "TagClustered", MapElements.via(new KnnJoin.Tag<Integer, KeyedVector>(false)))
                .setCoder(tagged));
    if (others != null) {
      all =
          all.and(
              others
                  .apply(
                      "AssignOthersToCells",
                      ParDo.of(new AssignFn(centroids, dimension, 1)).withSideInputs(centroids))
                  .setCoder(cellCoder)
                  .apply("TagOthers", MapElements.via(new KnnJoin.Tag<Integer, KeyedVector>(true)))
                  .setCoder(tagged));
    }
    // Each vector to its one nearest sub-cluster: one probe, no spill.
    return SubPartitions.split(
        cells,
        all.apply("Together", Flatten.pCollections()),
        SubPartitions.exactTotal(clusters),
        new SplitCellFn(dimension, 1, Float.NaN),
        dimension,
        GroupThroughFiles.tempDirOf(vectors.getPipeline().getOptions()));
  }
}
