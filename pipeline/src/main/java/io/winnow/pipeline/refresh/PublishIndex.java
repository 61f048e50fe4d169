package io.winnow.pipeline.refresh;

import io.winnow.dataset.DatasetDir;
import io.winnow.dataset.DatasetIndex;
import io.winnow.dataset.IndexShards;
import io.winnow.dataset.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The commit step that publishes a refresh's index: the lists its batches added go into the
 * dataset's index generation, which is trained anew when it has been outgrown.
 */
final class PublishIndex {
  private PublishIndex() {}

  /**
   * Puts this refresh's index lists into the dataset's generation (a new one for the first
   * version), and trains a new generation from all shards when the samples have outgrown the
   * partitions. Nothing is live before the commit: list files carry this version's number.
   *
   * @param shards all shards of the new version
   * @return the new version's index, or null for a dataset without embeddings
   */
  static Manifest.Index publish(
      DatasetDir dir,
      Manifest parent,
      int version,
      Path work,
      List<Manifest.Shard> shards,
      PipelineOptions options)
      throws IOException {
    Path workIndex = work.resolve("index");
    // Integer.valueOf: with an int on one side, the conditional would unbox a null dimension.
    Integer dimension =
        parent != null && parent.index() != null
            ? Integer.valueOf(parent.index().dimension())
            : BatchFolders.dimension(BatchFolders.batchDir(work, 0));
    if (dimension == null) {
      return null; // a dataset without embeddings has no index
    }
    int generationNumber =
        parent != null && parent.index() != null ? parent.index().generation() : version;
    Path generation = DatasetIndex.generation(dir.root(), generationNumber);
    if (generationNumber == version) {
      DatasetDir.deleteTree(generation);
      Files.createDirectories(generation);
      if (Files.exists(DatasetIndex.centroids(workIndex))) {
        Files.copy(DatasetIndex.centroids(workIndex), DatasetIndex.centroids(generation));
      }
    }
    Path workLists = DatasetIndex.lists(workIndex);
    if (Files.isDirectory(workLists)) {
      try (Stream<Path> files = Files.walk(workLists)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Path target = DatasetIndex.lists(generation).resolve(workLists.relativize(file));
          Files.createDirectories(target.getParent());
          Files.deleteIfExists(target);
          Files.copy(file, target);
        }
      }
    }
    long samples = shards.stream().mapToLong(Manifest.Shard::samples).sum();
    int partitions = DatasetIndex.partitions(generation, dimension);
    boolean untrained = !Files.exists(DatasetIndex.centroids(generation));
    if ((untrained || DatasetIndex.outgrown(samples, partitions))
        && generationNumber != version
        && samples > 0) {
      // Outgrown, or never trained (its first versions were empty): train a new generation on
      // all shards (the old one goes after the commit).
      generationNumber = version;
      generation = DatasetIndex.generation(dir.root(), version);
      DatasetDir.deleteTree(generation);
      IndexShards.run(
          shards.stream().map(s -> dir.shard(s.name()).toString()).toList(),
          null,
          generation,
          Manifest.versionName(version) + "-all",
          dimension,
          options);
      partitions = DatasetIndex.partitions(generation, dimension);
    }
    return new Manifest.Index(generationNumber, partitions, dimension);
  }
}
