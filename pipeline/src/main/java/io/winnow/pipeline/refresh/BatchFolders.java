package io.winnow.pipeline.refresh;

import io.winnow.dataset.DatasetIndex;
import io.winnow.dataset.Manifest;
import io.winnow.pipeline.RunConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The layout of a refresh's work folder {@code work/vN/}: one folder per batch, each a pipeline
 * run's output whose shards and index lists carry a prefix unique across versions, and the index
 * this refresh builds up beside them.
 */
final class BatchFolders {
  private BatchFolders() {}

  /** A batch's output folder. */
  static Path batchDir(Path work, int batch) {
    return work.resolve(String.format(Locale.ROOT, "batch-%05d", batch));
  }

  /** A batch's shard and index-list names start with this: unique across versions. */
  static String batchPrefix(int version, int batch) {
    return Manifest.versionName(version) + String.format(Locale.ROOT, "-b%05d", batch);
  }

  /** A batch's shard tars; none while the batch has not run. */
  static List<Path> shardTars(Path batchDir, String prefix) throws IOException {
    if (!Files.isDirectory(batchDir)) {
      return List.of();
    }
    return io.winnow.export.WebDatasetReader.shards(batchDir, prefix);
  }

  /** A batch's shards, as paths without extension. */
  static List<String> shardBases(Path batchDir, String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path tar : shardTars(batchDir, prefix)) {
      String file = tar.getFileName().toString();
      out.add(batchDir.resolve(file.substring(0, file.length() - 4)).toString());
    }
    return out;
  }

  /** The embedding dimension a batch ran with, or null when it had no embeddings. */
  static Integer dimension(Path batchDir) throws IOException {
    RunConfiguration run = RunConfiguration.read(batchDir);
    return run == null ? null : run.embedDimension();
  }

  /** The centroids new vectors are assigned with: the generation's, or this refresh's own. */
  static Path centroids(Path generation, Path workIndex) {
    if (generation != null && Files.exists(DatasetIndex.centroids(generation))) {
      return DatasetIndex.centroids(generation);
    }
    Path trained = DatasetIndex.centroids(workIndex);
    return Files.exists(trained) ? trained : null;
  }

  /** Removes a batch's list files that an interrupted attempt may have left. */
  static void deleteLists(Path workIndex, String prefix) throws IOException {
    Path lists = DatasetIndex.lists(workIndex);
    if (!Files.isDirectory(lists)) {
      return;
    }
    try (Stream<Path> files = Files.walk(lists)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith(prefix + ".")).toList()) {
        Files.delete(f);
      }
    }
  }

  /** The batch folder's copy of a shard file, or null when no batch has it. */
  static Path findInBatches(Path work, String file) throws IOException {
    try (Stream<Path> batches = Files.list(work)) {
      for (Path batch : batches.filter(Files::isDirectory).toList()) {
        if (Files.exists(batch.resolve(file))) {
          return batch.resolve(file);
        }
      }
    }
    return null;
  }
}
