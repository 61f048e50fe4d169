package io.winnow.export;

import io.winnow.schemas.GroupThroughFiles;
import io.winnow.schemas.Progress;
import io.winnow.schemas.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Writes samples as WebDataset shards: {@code prefix-000000.tar} with {@code key.jpg}, {@code
 * key.json} and {@code key.txt} adjacent per sample; beside each, its metadata as {@code
 * prefix-000000.parquet}, {@code prefix-000000_stats.json} and, when samples carry embeddings,
 * {@code prefix-000000.npy} (N x D float32, rows in the Parquet file's order).
 *
 * <p>Guarantees: a sample's shard is a function of its key and of the number of shards, which is
 * {@code ceil(samples / samplesPerShard)}; shards hold about {@code samplesPerShard} samples each
 * (hash-balanced, not exact). Within a shard, samples are in key order, so the same samples always
 * give byte-identical tars. Every file appears under its final name only when complete (written
 * under a hidden name, then renamed atomically).
 *
 * <p>No shard travels as one record: each bundle's samples go to a fragment file in a hidden folder
 * of the output ({@link GroupThroughFiles}), only small segment descriptions are grouped by shard,
 * and a shard's writer reads its samples from the fragments, holding its keys in memory, not its
 * images. The folder is deleted once every shard is written. The output folder must therefore be
 * one that every worker sees (a shared file system on a cluster).
 */
public final class WriteWebDataset
    extends PTransform<PCollection<Sample>, PCollection<ShardStats>> {
  /** The hidden folder of a run's fragments, inside the output folder. */
  static final String FRAGMENTS = ".inprogress-fragments-";

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
      throw new IllegalArgumentException(
          "shard prefix must be a plain file name: '" + prefix + "'");
    }
    // One folder per built pipeline: a restarted job reuses it, and its leftovers go with it.
    String fragments =
        Path.of(outputDir).resolve(FRAGMENTS + prefix + "-" + UUID.randomUUID()).toString();
    PCollectionView<Long> total =
        samples.apply("CountSamples", Count.globally()).apply("AsSingleton", View.asSingleton());
    PCollection<ShardStats> written =
        samples
            .apply(
                "AssignShards",
                ParDo.of(new AssignShardFn(total, samplesPerShard)).withSideInputs(total))
            .setCoder(KvCoder.of(VarIntCoder.of(), ShardFragments.VALUE_CODER))
            .apply(
                "GroupByShard",
                GroupThroughFiles.<Integer, KV<String, Sample>>in(fragments).segments())
            .apply("WriteShards", ParDo.of(new WriteShardFn(outputDir, prefix)));
    written
        .apply("CountShards", Count.globally())
        .apply("RemoveFragments", ParDo.of(new RemoveFragmentsFn(fragments)));
    return written;
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

  static final class AssignShardFn extends DoFn<Sample, KV<Integer, KV<String, Sample>>> {
    private final PCollectionView<Long> total;
    private final int samplesPerShard;

    AssignShardFn(PCollectionView<Long> total, int samplesPerShard) {
      this.total = total;
      this.samplesPerShard = samplesPerShard;
    }

    @ProcessElement
    public void process(
        @Element Sample sample,
        OutputReceiver<KV<Integer, KV<String, Sample>>> out,
        ProcessContext context) {
      long count = context.sideInput(total);
      int shards = (int) Math.max(1, (count + samplesPerShard - 1) / samplesPerShard);
      out.output(KV.of(shardOf(sample.key(), shards), KV.of(sample.key(), sample)));
    }
  }

  static final class WriteShardFn
      extends DoFn<KV<Integer, Iterable<GroupThroughFiles.Segment>>, ShardStats> {
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
    public void process(
        @Element KV<Integer, Iterable<GroupThroughFiles.Segment>> shard,
        OutputReceiver<ShardStats> out)
        throws IOException {
      Instant start = Instant.now();
      Path dir = Path.of(outputDir);
      Files.createDirectories(dir);
      String name = ShardFiles.name(prefix, shard.getKey());
      removeLeftovers(dir, name);
      ShardStats stats;
      try (ShardWriter writer =
          new ShardWriter(dir, name, ShardFragments.count(shard.getValue()))) {
        ShardFragments.readShard(shard.getValue(), writer::write);
        stats = writer.finish();
      }
      timer.record(Duration.between(start, Instant.now()).toNanos(), stats.count());
      written.inc(stats.count());
      shards.inc();
      Progress.global().written(stats.count());
      out.output(stats);
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
  }

  /** Deletes the run's fragments once every shard is written (it runs after all of them). */
  static final class RemoveFragmentsFn extends DoFn<Long, Void> {
    private final String fragments;

    RemoveFragmentsFn(String fragments) {
      this.fragments = fragments;
    }

    @ProcessElement
    public void process() {
      Path dir = Path.of(fragments);
      if (!Files.isDirectory(dir)) {
        return;
      }
      try (var files = Files.walk(dir)) {
        for (Path file :
            (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not remove the export's fragments in " + dir, e);
      }
    }
  }
}
