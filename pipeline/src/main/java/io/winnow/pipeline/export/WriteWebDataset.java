package io.winnow.pipeline.export;

import io.winnow.pipeline.report.Progress;
import io.winnow.schemas.Sample;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Writes samples as WebDataset shards: {@code prefix-000000.tar} with {@code key.jpg},
 * {@code key.json} and {@code key.txt} adjacent per sample; beside each, its metadata as
 * {@code prefix-000000.parquet}, {@code prefix-000000_stats.json} and, when samples carry
 * embeddings, {@code prefix-000000.npy} (N x D float32, rows in the Parquet file's order).
 *
 * <p>Guarantees: a sample's shard is a function of its key and of the number of shards, which is
 * {@code ceil(samples / samplesPerShard)}; shards hold about {@code samplesPerShard} samples each
 * (hash-balanced, not exact). Within a shard, samples are in key order, so the same samples always
 * give byte-identical tars. Every file appears under its final name only when complete (written
 * under a hidden name, then renamed atomically). A shard is assembled through a spool file on the
 * worker's local disk, so a worker holds one shard's keys in memory, not its images.
 */
public final class WriteWebDataset extends PTransform<PCollection<Sample>, PCollection<ShardStats>> {
  private final String outputDir;
  private final String prefix;
  private final int samplesPerShard;

  private WriteWebDataset(String outputDir, String prefix, int samplesPerShard) {
    this.outputDir = outputDir;
    this.prefix = prefix;
    this.samplesPerShard = samplesPerShard;
  }

  public static WriteWebDataset to(String outputDir) {
    return new WriteWebDataset(outputDir, "shard", 10_000);
  }

  public WriteWebDataset withPrefix(String prefix) {
    return new WriteWebDataset(outputDir, prefix, samplesPerShard);
  }

  public WriteWebDataset withSamplesPerShard(int samplesPerShard) {
    return new WriteWebDataset(outputDir, prefix, samplesPerShard);
  }

  @Override
  public PCollection<ShardStats> expand(PCollection<Sample> samples) {
    if (samplesPerShard < 1) {
      throw new IllegalArgumentException("samples per shard must be at least 1");
    }
    if (prefix.isEmpty() || prefix.contains("/")) {
      throw new IllegalArgumentException("shard prefix must be a plain file name: '" + prefix + "'");
    }
    PCollectionView<Long> total = samples
        .apply("CountSamples", Count.globally())
        .apply("AsSingleton", View.asSingleton());
    return samples
        .apply("AssignShards", ParDo.of(new AssignShardFn(total, samplesPerShard))
            .withSideInputs(total))
        .setCoder(KvCoder.of(VarIntCoder.of(), samples.getCoder()))
        .apply("GroupByShard", GroupByKey.create())
        .apply("WriteShards", ParDo.of(new WriteShardFn(outputDir, prefix)));
  }

  static int shardOf(String key, int shards) {
    long hash;
    try {
      hash = Long.parseUnsignedLong(key.substring(0, Math.min(15, key.length())), 16);
    } catch (NumberFormatException notHex) {
      hash = key.hashCode() & 0xffffffffL;
    }
    return (int) Math.floorMod(hash, (long) shards);
  }

  static final class AssignShardFn extends DoFn<Sample, KV<Integer, Sample>> {
    private final PCollectionView<Long> total;
    private final int samplesPerShard;

    AssignShardFn(PCollectionView<Long> total, int samplesPerShard) {
      this.total = total;
      this.samplesPerShard = samplesPerShard;
    }

    @ProcessElement
    public void process(@Element Sample sample, OutputReceiver<KV<Integer, Sample>> out,
        ProcessContext context) {
      long count = context.sideInput(total);
      int shards = (int) Math.max(1, (count + samplesPerShard - 1) / samplesPerShard);
      out.output(KV.of(shardOf(sample.key(), shards), sample));
    }
  }

  static final class WriteShardFn extends DoFn<KV<Integer, Iterable<Sample>>, ShardStats> {
    private final String outputDir;
    private final String prefix;
    private final Counter written = Metrics.counter("export", "samples");
    private final Counter shards = Metrics.counter("export", "shards");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("export");

    WriteShardFn(String outputDir, String prefix) {
      this.outputDir = outputDir;
      this.prefix = prefix;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Sample>> shard,
        OutputReceiver<ShardStats> out) throws IOException {
      Instant start = Instant.now();
      Path dir = Path.of(outputDir);
      Files.createDirectories(dir);
      String name = ShardFiles.name(prefix, shard.getKey());
      removeLeftovers(dir, name);
      Path spool = Files.createTempFile("winnow-" + name, ".spool");
      try {
        List<Spooled> index = spool(shard.getValue(), spool);
        index.sort(Comparator.comparing(Spooled::key));
        ShardStats stats = writeShard(dir, name, spool, index);
        timer.record(Duration.between(start, Instant.now()).toNanos(), stats.count());
        written.inc(stats.count());
        shards.inc();
        Progress.global().written(stats.count());
        out.output(stats);
      } finally {
        Files.deleteIfExists(spool);
      }
    }

    /**
     * Deletes temporary files an earlier, failed attempt at this shard left (a worker lost
     * mid-write). The runner has cancelled that attempt before retrying, so none is in use.
     */
    private static void removeLeftovers(Path dir, String name) throws IOException {
      try (var stale = Files.newDirectoryStream(dir, "." + name + "*.inprogress-*")) {
        for (Path file : stale) {
          Files.deleteIfExists(file);
        }
      }
    }

    private record Spooled(String key, long offset, int length) {}

    private static List<Spooled> spool(Iterable<Sample> samples, Path spool) throws IOException {
      Sample.Coder coder = new Sample.Coder();
      List<Spooled> index = new ArrayList<>();
      long offset = 0;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20)) {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        for (Sample sample : samples) {
          encoded.reset();
          coder.encode(sample, encoded);
          encoded.writeTo(out);
          index.add(new Spooled(sample.key(), offset, encoded.size()));
          offset += encoded.size();
        }
      }
      return index;
    }

    private ShardStats writeShard(Path dir, String name, Path spool, List<Spooled> index)
        throws IOException {
      Sample.Coder coder = new Sample.Coder();
      try (RandomAccessFile in = new RandomAccessFile(spool.toFile(), "r");
          ShardWriter writer = new ShardWriter(dir, name, index.size())) {
        for (Spooled entry : index) {
          byte[] bytes = new byte[entry.length()];
          in.seek(entry.offset());
          in.readFully(bytes);
          writer.write(coder.decode(new ByteArrayInputStream(bytes)));
        }
        return writer.finish();
      }
    }
  }
}
