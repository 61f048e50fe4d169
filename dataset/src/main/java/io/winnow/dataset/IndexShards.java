package io.winnow.dataset;

import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.schemas.GroupThroughFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Adds shards' embeddings to an index generation ({@link DatasetIndex}): each vector goes to the
 * list of its nearest centroid, one list file per partition, written by the partition's worker.
 * Without centroids yet, they are trained first (FAISS spherical k-means on a key-hash sample) and
 * written beside the lists. A Beam pipeline of its own, run after each refresh batch and when a
 * generation is rebuilt.
 */
public final class IndexShards {
  private IndexShards() {}

  /**
   * @param centroids the generation's centroids, or null to train them into {@code
   *     target/centroids.npy}
   * @param target the folder that gets {@code lists/pNNNNNN/NAME.npy|.keys}
   */
  public static void run(
      List<String> shards,
      Path centroids,
      Path target,
      String name,
      int dimension,
      PipelineOptions options)
      throws IOException {
    if (shards.isEmpty()) {
      return;
    }
    Pipeline pipeline = Pipeline.create(options);
    Path shuffle = target.resolve(".inprogress-shuffle-" + java.util.UUID.randomUUID());
    PCollection<KeyedVector> vectors =
        pipeline.apply("ReadShardVectors", ReadDatasetVectors.of(shards));
    PCollectionView<float[]> view;
    if (centroids != null) {
      view = DatasetIndex.centroidsView(pipeline, centroids.toString());
    } else {
      PCollection<float[]> trained =
          KnnJoin.trainedCentroids(vectors, dimension, 0, DatasetIndex.targetPartition(), 100_000);
      String file = DatasetIndex.centroids(target).toString();
      trained.apply(
          "WriteCentroids",
          ParDo.of(
              new DoFn<float[], Void>() {
                @ProcessElement
                public void process(@Element float[] c) throws IOException {
                  DatasetIndex.writeCentroids(Path.of(file), c, dimension);
                }
              }));
      view =
          trained.apply("TrainedView", View.<float[]>asSingleton().withDefaultValue(new float[0]));
    }
    vectors
        .apply(
            "AssignToCentroid",
            ParDo.of(KnnJoin.assignToCentroids(view, dimension, 1)).withSideInputs(view))
        .setCoder(KvCoder.of(VarIntCoder.of(), new KeyedVector.Coder()))
        // A partition's vectors through files, not as one record (see GroupThroughFiles).
        .apply("ByPartition", GroupThroughFiles.<Integer, KeyedVector>in(shuffle.toString()))
        .apply(
            "WriteLists",
            ParDo.of(new WriteListFn(DatasetIndex.lists(target).toString(), name, dimension)));
    PipelineResult.State state;
    try {
      state = pipeline.run().waitUntilFinish();
    } finally {
      DatasetDir.deleteTree(shuffle);
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("indexing ended as " + state);
    }
  }

  static final class WriteListFn extends DoFn<KV<Integer, Iterable<KeyedVector>>, Void> {
    private final String lists;
    private final String name;
    private final int dimension;

    WriteListFn(String lists, String name, int dimension) {
      this.lists = lists;
      this.name = name;
      this.dimension = dimension;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KeyedVector>> partition) throws IOException {
      List<KeyedVector> all = new ArrayList<>();
      partition.getValue().forEach(all::add);
      all.sort(java.util.Comparator.comparing(KeyedVector::key));
      DatasetIndex.write(
          Path.of(lists, DatasetIndex.partitionDir(partition.getKey()), name),
          all.stream().map(KeyedVector::key).toList(),
          all.stream().map(KeyedVector::vector).toList(),
          dimension);
    }
  }
}
