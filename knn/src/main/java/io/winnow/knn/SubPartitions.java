package io.winnow.knn;

import io.winnow.faiss.Faiss;
import io.winnow.faiss.KMeans;
import io.winnow.faiss.Metric;
import io.winnow.faiss.Neighbors;
import io.winnow.faiss.VectorIndex;
import io.winnow.schemas.GroupThroughFiles;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The second level of {@link KnnJoin}'s coarse quantiser, so that partitions stay near their target
 * size however large the database grows.
 *
 * <p>Why: the first level is trained on one worker from a sample of at most 100,000 vectors, 39 per
 * centroid, so it has at most 2,564 cells; at 1B vectors a cell would hold 390,000 and its flat
 * search would be quadratic in that. Here every cell holding more than {@link #SPLIT_FACTOR} times
 * the target is split by its own k-means, trained on the workers from a sample of that cell alone,
 * into about {@code cell size / target} sub-cells. A cell's vectors are routed to its sub-cells
 * where the cell is gathered (through files), so the sub-centroids, about {@code N / target} of
 * them in all, are never broadcast.
 *
 * <p>A partition is {@code (cell << 12) | sub-cell}; a cell that is not split is sub-cell 0.
 * Database vectors go to their nearest sub-cell and spill to others as at the first level ({@link
 * KnnJoin#withSpill}); queries probe their {@code subProbes} nearest sub-cells in each first-level
 * cell they probe.
 */
final class SubPartitions {
  /** A cell is split when it holds more than this many times the target partition size. */
  static final int SPLIT_FACTOR = 2;

  static final int SUB_BITS = 12;
  static final int MAX_SUB_CELLS = 1 << SUB_BITS;

  /** At most this many of a cell's vectors train its sub-cells (39 per sub-cell, as FAISS asks). */
  static final int MAX_SAMPLE = 100_000;

  private static final int POINTS_PER_CENTROID = 39;
  private static final int SEED = 20261204;

  /** Values of a gathered cell: its database vectors, its queries, and its sub-centroids. */
  static final int DATABASE = 0;

  static final int QUERY = 1;
  static final int CENTROIDS = 2;

  static final TupleTag<KV<Integer, KV<Boolean, KeyedVector>>> WHOLE = new TupleTag<>() {};
  static final TupleTag<KV<Integer, KV<Integer, KeyedVector>>> TO_SPLIT = new TupleTag<>() {};

  private SubPartitions() {}

  /**
   * How many sub-cells each first-level cell is split into, from every cell's size (the same small
   * map on every worker, so every worker computes the same plan).
   */
  interface Plan extends Serializable {
    int subCells(int cell, Map<Integer, Long> sizes);
  }

  /** KnnJoin's: cells over twice {@code targetSize} split into about size / target sub-cells. */
  static Plan byTargetSize(int targetSize) {
    return (cell, sizes) -> {
      Long size = sizes.get(cell);
      return size == null ? 1 : subCells(size, targetSize);
    };
  }

  /**
   * Clustering's: {@code clusters} sub-cells in all, shared among the cells in proportion to their
   * sizes (largest remainder, at least one each), so the two levels together give exactly that many
   * clusters.
   */
  static Plan exactTotal(int clusters) {
    return new ExactTotal(clusters);
  }

  private static final class ExactTotal implements Plan {
    private final int clusters;
    private transient Map<Integer, Long> planned;
    private transient Map<Integer, Integer> plan;

    ExactTotal(int clusters) {
      this.clusters = clusters;
    }

    @Override
    public synchronized int subCells(int cell, Map<Integer, Long> sizes) {
      if (planned != sizes) {
        plan = apportion(sizes, clusters);
        planned = sizes;
      }
      return plan.getOrDefault(cell, 1);
    }
  }

  /**
   * {@code total} shared among cells by size: largest remainder, at least 1 and at most {@link
   * #MAX_SPLIT} (and at most the cell's size) each; ties by cell. Fewer than {@code total} only
   * where those bounds leave no room.
   */
  static Map<Integer, Integer> apportion(Map<Integer, Long> sizes, int total) {
    List<Integer> cells = new ArrayList<>(new java.util.TreeSet<>(sizes.keySet()));
    long all = 0;
    for (int cell : cells) {
      all += sizes.get(cell);
    }
    Map<Integer, Integer> share = new java.util.HashMap<>();
    if (cells.isEmpty()) {
      return share;
    }
    int given = 0;
    double[] remainder = new double[cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      long size = sizes.get(cells.get(i));
      double quota = (double) total * size / all;
      int k = (int) Math.max(1, Math.min(Math.floor(quota), Math.min(MAX_SPLIT, size)));
      share.put(cells.get(i), k);
      remainder[i] = quota - k;
      given += k;
    }
    // Hand out what is left (or take back what the minimum of one overgave), by remainder.
    Integer[] order = new Integer[cells.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(remainder[b], remainder[a]));
    for (int pass = 0; given != total && pass < 2 * MAX_SPLIT; pass++) {
      boolean moved = false;
      for (int i = 0; i < order.length && given != total; i++) {
        int index = given < total ? order[i] : order[order.length - 1 - i];
        int cell = cells.get(index);
        int k = share.get(cell);
        long size = sizes.get(cell);
        if (given < total && k < Math.min(MAX_SPLIT, size)) {
          share.put(cell, k + 1);
          given++;
          moved = true;
        } else if (given > total && k > 1) {
          share.put(cell, k - 1);
          given--;
          moved = true;
        }
      }
      if (!moved) {
        break;
      }
    }
    return share;
  }

  static int partition(int cell, int subCell) {
    return (cell << SUB_BITS) | subCell;
  }

  /**
   * The second level applied: {@code database} (each database vector keyed by its first-level cell)
   * sizes the cells and trains the split ones; {@code all} (database vectors and queries, tagged)
   * comes out keyed by partition, cells not split as sub-cell 0 and the others gathered with their
   * sub-centroids and routed by {@code splitter}.
   */
  static PCollection<KV<Integer, KV<Boolean, KeyedVector>>> split(
      PCollection<KV<Integer, KeyedVector>> database,
      PCollection<KV<Integer, KV<Boolean, KeyedVector>>> all,
      Plan plan,
      SplitCellFn splitter,
      int dimension,
      String tempDir) {
    KvCoder<Integer, KeyedVector> cellCoder = KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder());
    KvCoder<Integer, KV<Boolean, KeyedVector>> tagged =
        KvCoder.of(VarIntCoder.of(), KvCoder.of(BooleanCoder.of(), new KeyedVector.Coder()));
    KvCoder<Integer, KV<Integer, KeyedVector>> kinded =
        KvCoder.of(VarIntCoder.of(), KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()));
    PCollectionView<Map<Integer, Long>> cellSizes =
        database
            .apply("CellOfEach", Keys.create())
            .apply("CellSizes", Count.perElement())
            .apply("CellSizesView", View.asMap());
    PCollection<KV<Integer, KV<Integer, KeyedVector>>> subCentroids =
        database
            .apply(
                "SampleCellsToSplit",
                ParDo.of(new SampleCellsFn(cellSizes, plan)).withSideInputs(cellSizes))
            .setCoder(cellCoder)
            .apply("GatherCellSamples", GroupThroughFiles.<Integer, KeyedVector>in(tempDir))
            .apply(
                "TrainSubCells",
                ParDo.of(new TrainSubCellsFn(cellSizes, dimension, plan)).withSideInputs(cellSizes))
            .setCoder(kinded);
    PCollectionTuple routed =
        all.apply(
            "RouteByCellSize",
            ParDo.of(new RouteFn(cellSizes, plan))
                .withSideInputs(cellSizes)
                .withOutputTags(WHOLE, TupleTagList.of(TO_SPLIT)));
    PCollection<KV<Integer, KV<Boolean, KeyedVector>>> split =
        PCollectionList.of(routed.get(TO_SPLIT).setCoder(kinded))
            .and(subCentroids)
            .apply("CellsToSplit", Flatten.pCollections())
            .apply(
                "GatherCellsToSplit",
                GroupThroughFiles.<Integer, KV<Integer, KeyedVector>>in(tempDir))
            .apply("SplitCells", ParDo.of(splitter))
            .setCoder(tagged);
    return PCollectionList.of(routed.get(WHOLE).setCoder(tagged))
        .and(split)
        .apply("AllPartitions", Flatten.pCollections());
  }

  /** How many sub-cells a cell of {@code size} database vectors is split into; 1: not split. */
  static int subCells(long size, int targetSize) {
    if (size <= (long) SPLIT_FACTOR * targetSize) {
      return 1;
    }
    long wanted = (size + targetSize - 1) / targetSize;
    return (int) Math.min(wanted, MAX_SPLIT);
  }

  /** The most sub-cells of one cell: its sample allows 39 points each. */
  static final int MAX_SPLIT = Math.min(MAX_SUB_CELLS, MAX_SAMPLE / POINTS_PER_CENTROID);

  /** The sampling rate of a cell's vectors for its sub-cells' training: 0 for a cell not split. */
  static double sampleRate(long size, int subs) {
    if (subs < 2) {
      return 0;
    }
    // A quarter more than FAISS needs, so hash sampling's spread rarely leaves it short.
    return Math.min(1.0, Math.min(MAX_SAMPLE, 1.25 * POINTS_PER_CENTROID * subs) / size);
  }

  /** A sample, by key hash, of the database vectors of each cell that will be split. */
  static final class SampleCellsFn
      extends DoFn<KV<Integer, KeyedVector>, KV<Integer, KeyedVector>> {
    private final PCollectionView<Map<Integer, Long>> sizes;
    private final Plan plan;

    SampleCellsFn(PCollectionView<Map<Integer, Long>> sizes, Plan plan) {
      this.sizes = sizes;
      this.plan = plan;
    }

    @ProcessElement
    public void process(@Element KV<Integer, KeyedVector> v, ProcessContext c) {
      Map<Integer, Long> all = c.sideInput(sizes);
      Long size = all.get(v.getKey());
      if (size != null
          && KnnJoin.unitHash(v.getValue().key())
              < sampleRate(size, plan.subCells(v.getKey(), all))) {
        c.output(v);
      }
    }
  }

  /** One cell's sub-centroids: FAISS spherical k-means on its sample in key order, seeded. */
  static final class TrainSubCellsFn
      extends DoFn<KV<Integer, Iterable<KeyedVector>>, KV<Integer, KV<Integer, KeyedVector>>> {
    private final PCollectionView<Map<Integer, Long>> sizes;
    private final int dimension;
    private final Plan plan;

    TrainSubCellsFn(PCollectionView<Map<Integer, Long>> sizes, int dimension, Plan plan) {
      this.sizes = sizes;
      this.dimension = dimension;
      this.plan = plan;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KeyedVector>> sample, ProcessContext c) {
      List<KeyedVector> vectors = new ArrayList<>();
      sample.getValue().forEach(vectors::add);
      vectors.sort(Comparator.comparing(KeyedVector::key));
      int subs = Math.min(plan.subCells(sample.getKey(), c.sideInput(sizes)), vectors.size());
      if (subs < 2) {
        return; // the whole cell stays one partition
      }
      float[] data = KeyedVector.rows(vectors, dimension);
      Faiss.setThreads(1);
      float[] centroids = KMeans.of(dimension, subs).asSpherical().withSeed(SEED).train(data);
      Metrics.counter("knn", "sub_cells").inc(subs);
      c.output(KV.of(sample.getKey(), KV.of(CENTROIDS, new KeyedVector("", centroids))));
    }
  }

  /**
   * Vectors of cells that stay whole go straight to their partition (sub-cell 0); those of cells
   * that will be split go to {@link #TO_SPLIT}, to be gathered with their sub-centroids.
   */
  static final class RouteFn
      extends DoFn<KV<Integer, KV<Boolean, KeyedVector>>, KV<Integer, KV<Boolean, KeyedVector>>> {
    private final PCollectionView<Map<Integer, Long>> sizes;
    private final Plan plan;

    RouteFn(PCollectionView<Map<Integer, Long>> sizes, Plan plan) {
      this.sizes = sizes;
      this.plan = plan;
    }

    @ProcessElement
    public void process(@Element KV<Integer, KV<Boolean, KeyedVector>> v, ProcessContext c) {
      Map<Integer, Long> all = c.sideInput(sizes);
      if (all.containsKey(v.getKey()) && plan.subCells(v.getKey(), all) > 1) {
        boolean query = v.getValue().getKey();
        c.output(
            TO_SPLIT, KV.of(v.getKey(), KV.of(query ? QUERY : DATABASE, v.getValue().getValue())));
      } else {
        c.output(KV.of(partition(v.getKey(), 0), v.getValue()));
      }
    }
  }

  /**
   * One split cell, gathered: reads its sub-centroids, then sends each database vector to its
   * nearest sub-cell (and spills it as the first level does) and each query to its {@code
   * subProbes} nearest. A cell whose training gave no centroids stays one partition.
   */
  static final class SplitCellFn
      extends DoFn<
          KV<Integer, Iterable<KV<Integer, KeyedVector>>>, KV<Integer, KV<Boolean, KeyedVector>>> {
    private static final int BLOCK = 2_048;
    private final int dimension;
    private final int subProbes;
    private final float spill;

    SplitCellFn(int dimension, int subProbes, float spill) {
      this.dimension = dimension;
      this.subProbes = subProbes;
      this.spill = spill;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<Integer, KeyedVector>>> cell,
        OutputReceiver<KV<Integer, KV<Boolean, KeyedVector>>> out) {
      int id = cell.getKey();
      float[] centroids = null;
      for (KV<Integer, KeyedVector> v : cell.getValue()) {
        if (v.getKey() == CENTROIDS) {
          centroids = v.getValue().vector();
          break;
        }
      }
      if (centroids == null) {
        for (KV<Integer, KeyedVector> v : cell.getValue()) {
          if (v.getKey() != CENTROIDS) {
            out.output(KV.of(partition(id, 0), KV.of(v.getKey() == QUERY, v.getValue())));
          }
        }
        return;
      }
      Faiss.setThreads(1);
      try (VectorIndex index = VectorIndex.flat(dimension, Metric.INNER_PRODUCT)) {
        index.add(centroids);
        List<KeyedVector> database = new ArrayList<>(BLOCK);
        List<KeyedVector> queries = new ArrayList<>(BLOCK);
        for (KV<Integer, KeyedVector> v : cell.getValue()) {
          if (v.getKey() == CENTROIDS) {
            continue;
          }
          List<KeyedVector> block = v.getKey() == QUERY ? queries : database;
          block.add(v.getValue());
          if (block.size() == BLOCK) {
            assign(index, id, block, v.getKey() == QUERY, out);
          }
        }
        assign(index, id, database, false, out);
        assign(index, id, queries, true, out);
      }
    }

    private void assign(
        VectorIndex index,
        int cell,
        List<KeyedVector> block,
        boolean query,
        OutputReceiver<KV<Integer, KV<Boolean, KeyedVector>>> out) {
      if (block.isEmpty()) {
        return;
      }
      float[] data = KeyedVector.rows(block, dimension);
      int nearest = (int) Math.min(query ? subProbes : 1, index.size());
      int searched =
          query || Float.isNaN(spill)
              ? nearest
              : (int) Math.min(PartitionedSearch.AssignFn.SPILL_CANDIDATES, index.size());
      Neighbors found = index.search(data, searched);
      for (int i = 0; i < block.size(); i++) {
        for (int r = 0; r < searched; r++) {
          long sub = found.label(i, r);
          if (r >= nearest && !(found.score(i, r) >= spill)) {
            break; // best first: the rest are less similar still
          }
          if (sub >= 0) {
            out.output(KV.of(partition(cell, (int) sub), KV.of(query, block.get(i))));
          }
        }
      }
      block.clear();
    }
  }
}
