package io.winnow.pipeline.refresh;

import io.winnow.pipeline.export.NpyFiles;
import io.winnow.pipeline.export.ParquetMetadataWriter;
import io.winnow.pipeline.export.ShardFiles;
import io.winnow.pipeline.export.ShardStats;
import io.winnow.pipeline.export.TarShardWriter;
import io.winnow.pipeline.export.WebDatasetReader;
import io.winnow.schemas.Json;
import io.winnow.schemas.Sample;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Writes a copy of a shard without some of its samples: tar, Parquet, .npy rows and stats, in
 * the same key order, under a new name. The old shard is not touched.
 */
final class ShardRewriter {
  private ShardRewriter() {}

  /** The samples removed (metadata only, no image). */
  record Result(List<Sample> removed, long kept, long tarBytes) {}

  static Result rewrite(Path oldBase, Path newBase, Predicate<Sample> remove) throws IOException {
    Instant start = Instant.now();
    Path oldNpy = Path.of(oldBase + ".npy");
    NpyFiles.Array vectors = null;
    if (Files.exists(oldNpy)) {
      try (InputStream in = Files.newInputStream(oldNpy)) {
        vectors = NpyFiles.read(in);
      }
    }
    Path tar = Path.of(newBase + ".tar");
    Path parquet = Path.of(newBase + ".parquet");
    Path npy = Path.of(newBase + ".npy");
    Path stats = Path.of(newBase + "_stats.json");
    Path tarTemp = ShardFiles.temporary(tar);
    Path parquetTemp = ShardFiles.temporary(parquet);
    Path npyRows = ShardFiles.temporary(npy);
    List<Sample> removed = new ArrayList<>();
    List<float[]> keptVectors = new ArrayList<>();
    String[] firstLast = new String[2];
    long[] kept = {0, 0};
    NpyFiles.Array rows = vectors;
    int[] row = {0};
    try (OutputStream tarOut = new BufferedOutputStream(Files.newOutputStream(tarTemp), 1 << 20);
        TarShardWriter tarWriter = new TarShardWriter(tarOut);
        ParquetMetadataWriter parquetWriter = new ParquetMetadataWriter(parquetTemp)) {
      WebDatasetReader.read(Path.of(oldBase + ".tar"), s -> {
        float[] vector = rows == null ? null : rows.row(row[0]);
        row[0]++;
        if (remove.test(s)) {
          removed.add(s.toBuilder().image(null).build());
          return;
        }
        try {
          tarWriter.write(s);
          parquetWriter.write(s);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (vector != null) {
          keptVectors.add(vector);
        }
        firstLast[0] = firstLast[0] == null ? s.key() : firstLast[0];
        firstLast[1] = s.key();
        kept[0]++;
        kept[1] += s.image().length;
      });
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tarTemp);
      Files.deleteIfExists(parquetTemp);
      throw e;
    }
    if (rows != null) {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(npyRows), 1 << 20)) {
        NpyFiles.header(out, keptVectors.size(), (int) (rows.values().length
            / Math.max(1, rows.shape()[0])));
        for (float[] v : keptVectors) {
          NpyFiles.row(out, v);
        }
      }
      ShardFiles.publish(npyRows, npy);
    }
    Instant end = Instant.now();
    long tarBytes = Files.size(tarTemp);
    ShardStats shardStats = new ShardStats(newBase.getFileName().toString(), kept[0], kept[0],
        kept[1], tarBytes, firstLast[0], firstLast[1], start.toString(), end.toString(),
        Duration.between(start, end).toMillis() / 1000.0);
    Files.writeString(stats, Json.writePretty(shardStats), StandardCharsets.UTF_8);
    ShardFiles.publish(parquetTemp, parquet);
    ShardFiles.publish(tarTemp, tar);
    return new Result(removed, kept[0], tarBytes);
  }

  /** The files of a shard, for moving or deleting them together. */
  static List<Path> files(Path base) {
    return List.of(Path.of(base + ".tar"), Path.of(base + ".parquet"), Path.of(base + ".npy"),
        Path.of(base + "_stats.json"));
  }
}
