package io.winnow.export;

import io.winnow.schemas.Json;
import io.winnow.schemas.Sample;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes one shard's files: {@code NAME.tar} (WebDataset members), {@code NAME.parquet}, {@code
 * NAME.npy} (embeddings, row i = Parquet row i; none when samples carry none) and {@code
 * NAME_stats.json}. Samples come in key order. Everything is written to temporary files and
 * published by rename in {@link #finish}, the tar last, so a visible tar always has its metadata
 * beside it; closing an unfinished writer deletes the temporary files.
 */
public final class ShardWriter implements AutoCloseable {
  private final String name;
  private final long rows;
  private final Instant start = Instant.now();
  private final Path tarPath;
  private final Path parquetPath;
  private final Path npyPath;
  private final Path statsPath;
  private final Path tarTemp;
  private final Path parquetTemp;
  private final Path npyTemp;
  private final OutputStream tarOut;
  private final TarShardWriter tar;
  private final ParquetMetadataWriter parquet;
  private OutputStream npy;
  private long written;
  private long imageBytes;
  private String firstKey;
  private String lastKey;
  private boolean finished;

  /** {@code rows}: how many samples will be written (the .npy header needs it first). */
  public ShardWriter(Path dir, String name, long rows) throws IOException {
    this.name = name;
    this.rows = rows;
    tarPath = dir.resolve(name + ".tar");
    parquetPath = dir.resolve(name + ".parquet");
    npyPath = dir.resolve(name + ".npy");
    statsPath = dir.resolve(name + "_stats.json");
    tarTemp = ShardFiles.temporary(tarPath);
    parquetTemp = ShardFiles.temporary(parquetPath);
    npyTemp = ShardFiles.temporary(npyPath);
    tarOut = new BufferedOutputStream(Files.newOutputStream(tarTemp), 1 << 20);
    tar = new TarShardWriter(tarOut);
    parquet = new ParquetMetadataWriter(parquetTemp);
  }

  public void write(Sample sample) throws IOException {
    tar.write(sample);
    parquet.write(sample);
    float[] embedding = sample.embedding();
    if (npy == null && written == 0 && embedding != null) {
      npy = new BufferedOutputStream(Files.newOutputStream(npyTemp), 1 << 20);
      NpyFiles.header(npy, rows, embedding.length);
    }
    if ((npy != null) != (embedding != null)) {
      throw new IllegalStateException(
          "sample "
              + sample.key()
              + (embedding == null
                  ? " has no embedding while others in its shard do"
                  : " has an embedding while the first of its shard had none"));
    }
    if (npy != null) {
      NpyFiles.row(npy, embedding);
    }
    firstKey = firstKey == null ? sample.key() : firstKey;
    lastKey = sample.key();
    imageBytes += sample.image().length;
    written++;
  }

  /** Closes and publishes the files; returns the shard's stats. */
  public ShardStats finish() throws IOException {
    if (written != rows) {
      throw new IllegalStateException(
          name + ": " + written + " samples written, " + rows + " announced");
    }
    tar.close();
    parquet.close();
    if (npy != null) {
      npy.close();
    }
    try (FileChannel channel = FileChannel.open(tarTemp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Instant end = Instant.now();
    ShardStats stats =
        new ShardStats(
            name,
            written,
            written,
            imageBytes,
            Files.size(tarTemp),
            firstKey,
            lastKey,
            start.toString(),
            end.toString(),
            Duration.between(start, end).toMillis() / 1000.0);
    Path statsTemp = ShardFiles.temporary(statsPath);
    Files.writeString(statsTemp, Json.writePretty(stats), StandardCharsets.UTF_8);
    ShardFiles.publish(parquetTemp, parquetPath);
    ShardFiles.publish(statsTemp, statsPath);
    if (npy != null) {
      ShardFiles.publish(npyTemp, npyPath);
    }
    ShardFiles.publish(tarTemp, tarPath);
    finished = true;
    return stats;
  }

  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    try {
      tar.close();
      parquet.close();
      if (npy != null) {
        npy.close();
      }
    } catch (IOException | RuntimeException ignored) {
      // the files are being discarded
    } finally {
      Files.deleteIfExists(tarTemp);
      Files.deleteIfExists(parquetTemp);
      Files.deleteIfExists(npyTemp);
    }
  }
}
