package io.winnow.dataset;

import io.winnow.export.NpyFiles;
import io.winnow.export.ShardStats;
import io.winnow.export.ShardWriter;
import io.winnow.export.WebDatasetReader;
import io.winnow.schemas.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a copy of a shard without some of its samples, in the same key order and the same files as
 * the export writes ({@link ShardWriter}), embeddings included, under a new name. The old shard is
 * not touched.
 */
public final class ShardRewriter {
  private ShardRewriter() {}

  /** The samples removed (metadata only, no image), and the new shard's stats. */
  record Result(List<Sample> removed, ShardStats stats) {}

  /** {@code remove}: keys to leave out; {@code rows}: how many samples the old shard holds. */
  static Result rewrite(Path oldBase, Path newBase, Set<String> remove, long rows)
      throws IOException {
    Path oldNpy = Path.of(oldBase + ".npy");
    NpyFiles.Array vectors = null;
    if (Files.exists(oldNpy)) {
      try (InputStream in = Files.newInputStream(oldNpy)) {
        vectors = NpyFiles.read(in);
      }
    }
    NpyFiles.Array rowsOfVectors = vectors;
    List<Sample> removed = new ArrayList<>();
    int[] row = {0};
    try (ShardWriter writer =
        new ShardWriter(
            newBase.getParent(), newBase.getFileName().toString(), rows - remove.size())) {
      WebDatasetReader.read(
          Path.of(oldBase + ".tar"),
          s -> {
            float[] vector = rowsOfVectors == null ? null : rowsOfVectors.row(row[0]);
            row[0]++;
            if (remove.contains(s.key())) {
              removed.add(s.toBuilder().image(null).build());
              return;
            }
            try {
              writer.write(s.toBuilder().embedding(vector).build());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      return new Result(removed, writer.finish());
    }
  }

  /** The files of a shard, for moving or deleting them together. */
  public static List<Path> files(Path base) {
    return List.of(
        Path.of(base + ".tar"),
        Path.of(base + ".parquet"),
        Path.of(base + ".npy"),
        Path.of(base + "_stats.json"));
  }
}
