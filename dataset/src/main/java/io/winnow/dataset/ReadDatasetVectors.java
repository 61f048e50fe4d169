package io.winnow.dataset;

import io.winnow.crawl.read.ParquetUrlReader;
import io.winnow.export.NpyFiles;
import io.winnow.knn.KeyedVector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The embeddings a dataset already holds, as key + vector, read shard by shard from the files every
 * shard has: its Parquet metadata (the keys, in row order) and its {@code .npy} (row i is Parquet
 * row i). Shards are spread over workers; one shard's rows are in memory at a time.
 */
public final class ReadDatasetVectors extends PTransform<PBegin, PCollection<KeyedVector>> {
  private final List<String> shards;

  private ReadDatasetVectors(List<String> shards) {
    this.shards = List.copyOf(shards);
  }

  /** {@code shards}: paths without extension. */
  public static ReadDatasetVectors of(List<String> shards) {
    return new ReadDatasetVectors(shards);
  }

  @Override
  public PCollection<KeyedVector> expand(PBegin begin) {
    return begin
        .apply("Shards", Create.of(shards).withCoder(StringUtf8Coder.of()))
        .apply("SpreadShards", Reshuffle.viaRandomKey())
        .apply("ReadShardVectors", ParDo.of(new ReadFn()))
        .setCoder(new KeyedVector.Coder());
  }

  /** The keys of a shard, in row order. */
  public static List<String> keys(Path parquet) throws IOException {
    return strings(parquet, "key").stream().map(row -> row[0]).toList();
  }

  /** Each row's key and URL, in row order. */
  public static List<String[]> keysAndUrls(Path parquet) throws IOException {
    return strings(parquet, "key", "url");
  }

  /** Each row's key, URL, sha256, md5 and pdq (null where a row or the file has none). */
  public static List<String[]> keysUrlsAndHashes(Path parquet) throws IOException {
    return strings(parquet, "key", "url", "sha256", "md5", "pdq");
  }

  private static List<String[]> strings(Path parquet, String... columns) throws IOException {
    List<String[]> rows = new ArrayList<>();
    ParquetUrlReader.readStrings(
        () -> FileChannel.open(parquet, StandardOpenOption.READ), List.of(columns), rows::add);
    return rows;
  }

  static final class ReadFn extends DoFn<String, KeyedVector> {
    @ProcessElement
    public void process(@Element String shard, OutputReceiver<KeyedVector> out) throws IOException {
      Path npy = Path.of(shard + ".npy");
      if (!Files.exists(npy)) {
        throw new IOException(
            "shard "
                + shard
                + " has no .npy: a dataset refreshed with "
                + "dedup needs the embeddings of every shard");
      }
      List<String> keys = keys(Path.of(shard + ".parquet"));
      NpyFiles.Array rows;
      try (InputStream in = Files.newInputStream(npy)) {
        rows = NpyFiles.read(in);
      }
      if (rows.shape()[0] != keys.size()) {
        throw new IOException(
            shard + ": " + keys.size() + " keys but " + rows.shape()[0] + " embeddings");
      }
      for (int i = 0; i < keys.size(); i++) {
        out.output(new KeyedVector(keys.get(i), rows.row(i)));
      }
    }
  }
}
