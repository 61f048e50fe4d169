package io.winnow.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The downloaded bytes' SHA-256 of every sample a dataset holds, as (hash, key), read from each
 * shard's Parquet metadata; shards are spread over workers. What a refresh without embeddings
 * compares new images with ({@link io.winnow.dedup.DropByteCopies}).
 */
public final class ReadDatasetHashes extends PTransform<PBegin, PCollection<KV<String, String>>> {
  private final List<String> shards;

  private ReadDatasetHashes(List<String> shards) {
    this.shards = List.copyOf(shards);
  }

  /** {@code shards}: paths without extension. */
  public static ReadDatasetHashes of(List<String> shards) {
    return new ReadDatasetHashes(shards);
  }

  @Override
  public PCollection<KV<String, String>> expand(PBegin begin) {
    return begin
        .apply("Shards", Create.of(shards).withCoder(StringUtf8Coder.of()))
        .apply("SpreadShards", Reshuffle.viaRandomKey())
        .apply("ReadShardHashes", ParDo.of(new ReadFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  static final class ReadFn extends DoFn<String, KV<String, String>> {
    @ProcessElement
    public void process(@Element String shard, OutputReceiver<KV<String, String>> out)
        throws IOException {
      for (String[] row : ReadDatasetVectors.keysUrlsAndHashes(Path.of(shard + ".parquet"))) {
        if (row[2] != null) {
          out.output(KV.of(row[2], row[0]));
        }
      }
    }
  }
}
