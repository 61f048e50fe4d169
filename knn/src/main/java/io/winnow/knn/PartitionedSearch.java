package io.winnow.knn;

import io.winnow.faiss.Faiss;
import io.winnow.faiss.Metric;
import io.winnow.faiss.Neighbors;
import io.winnow.faiss.VectorIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The partitioned search of {@link KnnJoin}: each vector to its nearest centroids' partitions, one
 * exact FAISS index per partition searched by that partition's queries, and the per-partition
 * results merged into one top k per query.
 */
final class PartitionedSearch {
  private PartitionedSearch() {}

  /**
   * Sends each vector to its nearest {@code probes} partitions, searching centroids in blocks; with
   * a spill similarity, also to each of its {@link #SPILL_CANDIDATES} nearest whose centroid is at
   * least that similar to it.
   */
  static final class AssignFn extends DoFn<KeyedVector, KV<Integer, KeyedVector>> {
    private static final int BLOCK = 2_048;

    /** Partitions a database vector may spill to, at most. */
    static final int SPILL_CANDIDATES = 64;

    private final PCollectionView<float[]> centroidsView;
    private final int dimension;
    private final int probes;
    private final float spill;
    private transient List<KeyedVector> pending;
    private transient float[] centroids;
    private transient VectorIndex index;

    AssignFn(PCollectionView<float[]> centroids, int dimension, int probes) {
      this(centroids, dimension, probes, Float.NaN);
    }

    AssignFn(PCollectionView<float[]> centroids, int dimension, int probes, float spill) {
      this.centroidsView = centroids;
      this.dimension = dimension;
      this.probes = probes;
      this.spill = spill;
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
      float[] block = KeyedVector.rows(pending, dimension);
      int nprobe = (int) Math.min(probes, index.size());
      int searched =
          Float.isNaN(spill)
              ? nprobe
              : (int) Math.min(Math.max(probes, SPILL_CANDIDATES), index.size());
      Neighbors nearest = index.search(block, searched);
      List<KV<Integer, KeyedVector>> out = new ArrayList<>(n * nprobe);
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < searched; r++) {
          long partition = nearest.label(i, r);
          if (r >= nprobe && !(nearest.score(i, r) >= spill)) {
            break; // best first: the rest are less similar still
          }
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
      float[] data = KeyedVector.rows(base, dimension);
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
      float[] q = KeyedVector.rows(queries, dimension);
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

  /** A query's neighbours from every partition it probed: best first, each key once, at most k. */
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
