package io.winnow.dataset;

import io.winnow.dedup.Decontaminate;
import io.winnow.faiss.Faiss;
import io.winnow.faiss.Metric;
import io.winnow.faiss.Neighbors;
import io.winnow.faiss.VectorIndex;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.knn.Neighbor;
import io.winnow.schemas.GroupThroughFiles;
import io.winnow.schemas.StageTimer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Each query's nearest sample in a dataset's persisted index ({@link DatasetIndex}): queries go to
 * their {@code probes} nearest centroids; each partition's worker reads that partition's live list
 * files (and nothing else of the dataset) into a FAISS flat index and searches them. Only the
 * queries are shuffled.
 */
public final class SearchDatasetIndex
    extends PTransform<PCollection<KeyedVector>, PCollection<KV<String, List<Neighbor>>>> {
  public static final int PROBES = 8;

  /** A folder of partition folders, and the newest version whose list files count. */
  public record ListRoot(String path, int maxVersion) implements java.io.Serializable {}

  private final String centroids;
  private final List<ListRoot> roots;
  private final int dimension;

  private SearchDatasetIndex(String centroids, List<ListRoot> roots, int dimension) {
    this.centroids = centroids;
    this.roots = List.copyOf(roots);
    this.dimension = dimension;
  }

  /** As the {@link Decontaminate.Nearest} a refresh dedups against. */
  public static Decontaminate.Nearest of(String centroids, List<ListRoot> roots, int dimension) {
    return () -> new SearchDatasetIndex(centroids, roots, dimension);
  }

  @Override
  public PCollection<KV<String, List<Neighbor>>> expand(PCollection<KeyedVector> queries) {
    PCollectionView<float[]> view = DatasetIndex.centroidsView(queries.getPipeline(), centroids);
    ListCoder<Neighbor> neighbors = ListCoder.of(new Neighbor.Coder());
    return queries
        .apply(
            "AssignQueries",
            ParDo.of(KnnJoin.assignToCentroids(view, dimension, PROBES)).withSideInputs(view))
        .setCoder(KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()))
        // A partition's vectors through files, not as one record (see GroupThroughFiles).
        .apply(
            "QueriesByPartition",
            GroupThroughFiles.<Integer, KeyedVector>in(
                GroupThroughFiles.tempDirOf(queries.getPipeline().getOptions())))
        .apply("SearchPartitionLists", ParDo.of(new SearchListsFn(roots, dimension)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), neighbors))
        .apply("GatherPerQuery", GroupByKey.create())
        .apply(
            "Nearest",
            ParDo.of(
                new DoFn<KV<String, Iterable<List<Neighbor>>>, KV<String, List<Neighbor>>>() {
                  @ProcessElement
                  public void process(
                      @Element KV<String, Iterable<List<Neighbor>>> found,
                      OutputReceiver<KV<String, List<Neighbor>>> out) {
                    Neighbor best = null;
                    for (List<Neighbor> part : found.getValue()) {
                      for (Neighbor n : part) {
                        if (best == null || Neighbor.BEST_FIRST.compare(n, best) < 0) {
                          best = n;
                        }
                      }
                    }
                    if (best != null) {
                      out.output(KV.of(found.getKey(), List.of(best)));
                    }
                  }
                }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), neighbors));
  }

  static final class SearchListsFn
      extends DoFn<KV<Integer, Iterable<KeyedVector>>, KV<String, List<Neighbor>>> {
    private final List<ListRoot> roots;
    private final int dimension;
    private final StageTimer timer = StageTimer.of("dedup");

    SearchListsFn(List<ListRoot> roots, int dimension) {
      this.roots = roots;
      this.dimension = dimension;
    }

    @StartBundle
    public void start() {
      Faiss.setThreads(1);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KeyedVector>> partition,
        OutputReceiver<KV<String, List<Neighbor>>> out)
        throws IOException {
      long start = System.nanoTime();
      List<String> keys = new ArrayList<>();
      List<float[]> blocks = new ArrayList<>();
      for (ListRoot root : roots) {
        Path dir = Path.of(root.path(), DatasetIndex.partitionDir(partition.getKey()));
        for (Path list : DatasetIndex.liveLists(dir, root.maxVersion())) {
          DatasetIndex.ListFile file = DatasetIndex.read(list);
          keys.addAll(file.keys());
          blocks.add(file.vectors().values());
        }
      }
      if (keys.isEmpty()) {
        return;
      }
      List<KeyedVector> queries = new ArrayList<>();
      partition.getValue().forEach(queries::add);
      float[] q = new float[queries.size() * dimension];
      for (int i = 0; i < queries.size(); i++) {
        System.arraycopy(queries.get(i).vector(), 0, q, i * dimension, dimension);
      }
      List<KV<String, List<Neighbor>>> found = new ArrayList<>(queries.size());
      try (VectorIndex index = VectorIndex.flat(dimension, Metric.INNER_PRODUCT)) {
        for (float[] block : blocks) {
          index.add(block);
        }
        Neighbors result = index.search(q, 1);
        for (int i = 0; i < queries.size(); i++) {
          long label = result.label(i, 0);
          if (label >= 0) {
            found.add(
                KV.of(
                    queries.get(i).key(),
                    List.of(new Neighbor(keys.get((int) label), result.score(i, 0)))));
          }
        }
      }
      timer.record(System.nanoTime() - start, queries.size());
      found.forEach(out::output);
    }
  }
}
