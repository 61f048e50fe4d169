package io.winnow.bench;

import io.winnow.dedup.DropNearDuplicates;
import io.winnow.export.NpyFiles;
import io.winnow.knn.KeyedVector;
import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * {@link DropNearDuplicates} on N synthetic vectors (d = 384) on Flink's embedded cluster: wall
 * time, peak heap and peak RSS of this JVM, and how many samples it removed. Vectors are generated
 * from their index, so any worker makes the same ones: 90 % are random unit vectors, every tenth is
 * a noisy copy (cosine ≈ 0.95) of the vector before it, so the true answer is N / 10 removals at
 * threshold 0.9.
 *
 * <pre>DedupScaleBench N [--write-npy FILE]</pre>
 *
 * {@code --write-npy} also writes the vectors for the brute-force baseline
 * (bench/dedup_baseline.py). {@code --structure powerlaw} generates {@link PowerLawCopies} instead
 * (copy groups of 1 to 50,000 copies, chains, one giant group of {@code --giant} copies, default
 * 100,000), with the generator's truth: the removals that are right and wrong are counted. {@code
 * --partition-size} sets the k-NN join's vectors per partition (default 2,000).
 *
 * <pre>DedupScaleBench N [--write-npy FILE] [--structure pairs|powerlaw] [--giant G]
 *     [--partition-size P]</pre>
 */
public final class DedupScaleBench {
  static final int D = 384;
  static final double THRESHOLD = 0.9;
  private static final AtomicLong REMOVED = new AtomicLong();
  private static final AtomicLong WRONG = new AtomicLong();
  private static volatile PowerLawCopies powerLaw;

  /** The structure on each worker JVM (the embedded cluster shares this one). */
  static PowerLawCopies powerLaw(long n, int giant) {
    PowerLawCopies p = powerLaw;
    if (p == null || p.size() != n) {
      synchronized (DedupScaleBench.class) {
        p = powerLaw;
        if (p == null || p.size() != n) {
          p = PowerLawCopies.of(n, giant);
          powerLaw = p;
        }
      }
    }
    return p;
  }

  static float[] vector(long i) {
    float[] v = unit(i);
    if (i % 10 == 9) {
      float[] base = unit(i - 1);
      Random noise = new Random(i * 31 + 7);
      for (int j = 0; j < D; j++) {
        v[j] = base[j] + (float) (0.33 * noise.nextGaussian() / Math.sqrt(D));
      }
      KeyedVector.normalise(v);
    }
    return v;
  }

  private static float[] unit(long i) {
    Random random = new Random(i * 0x9E3779B97F4A7C15L);
    float[] v = new float[D];
    for (int j = 0; j < D; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return KeyedVector.normalise(v);
  }

  public static void main(String[] args) throws Exception {
    long n = Long.parseLong(args[0]);
    String npy = null;
    boolean structured = false;
    int giant = 100_000;
    int partitionSize = 2_000;
    for (int a = 1; a + 1 < args.length; a += 2) {
      switch (args[a]) {
        case "--write-npy" -> npy = args[a + 1];
        case "--structure" -> structured = args[a + 1].equals("powerlaw");
        case "--giant" -> giant = Integer.parseInt(args[a + 1]);
        case "--partition-size" -> partitionSize = Integer.parseInt(args[a + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[a]);
      }
    }
    boolean powerLawRun = structured;
    int giantCopies = structured ? giant : 0;
    PowerLawCopies structure = structured ? powerLaw(n, giantCopies) : null;
    if (npy != null) {
      try (OutputStream out =
          new BufferedOutputStream(Files.newOutputStream(Path.of(npy)), 1 << 20)) {
        NpyFiles.header(out, n, D);
        for (long i = 0; i < n; i++) {
          NpyFiles.row(out, structured ? structure.vector(i) : vector(i));
        }
      }
    }
    PeakMemory peak = new PeakMemory();
    peak.start();
    REMOVED.set(0);
    WRONG.set(0);
    // Grouping fragments go to a folder of this run's, deleted after it (as RunWinnow does).
    Path temp = Files.createTempDirectory("dedup-bench");
    org.apache.beam.sdk.options.PipelineOptions options =
        RunWinnow.options("flink", Runtime.getRuntime().availableProcessors());
    options.setTempLocation(temp.toString());
    Pipeline p = Pipeline.create(options);
    StageResult<Sample> out =
        p.apply(GenerateSequence.from(0).to(n))
            .apply(
                "Samples",
                MapElements.into(TypeDescriptor.of(Sample.class))
                    .via(
                        (Long i) -> {
                          if (!powerLawRun) {
                            return Sample.builder(
                                    String.format(Locale.ROOT, "%012d", i), "synthetic:" + i)
                                .sha256(Long.toString(i))
                                .originalSize(256, 256)
                                .storedSize(256, 256)
                                .image(new byte[0])
                                .embedding(vector(i))
                                .build();
                          }
                          PowerLawCopies layout = powerLaw(n, giantCopies);
                          int side = layout.side(i);
                          return Sample.builder(PowerLawCopies.key(i), "synthetic:" + i)
                              .sha256(Long.toString(i))
                              .originalSize(side, side)
                              .storedSize(256, 256)
                              .image(new byte[0])
                              .embedding(layout.vector(i))
                              .build();
                        }))
            .setCoder(new SampleCoder())
            // Vectors only (no fingerprints): the embedding-only rule at DINOv2's k, as measured
            // before.
            .apply(
                DropNearDuplicates.with(D, THRESHOLD)
                    .withK(64)
                    .withoutVerification()
                    .withPartitionSize(partitionSize)
                    .withSplitCells(true));
    out.rejections()
        .apply(
            ParDo.of(
                new DoFn<Rejection, Void>() {
                  @ProcessElement
                  public void process(@Element Rejection r) {
                    REMOVED.incrementAndGet();
                    long i = Long.parseLong(r.url().substring("synthetic:".length()));
                    if (powerLawRun && !powerLaw(n, giantCopies).removable(i)) {
                      WRONG.incrementAndGet();
                    }
                  }
                }));
    long started = System.nanoTime();
    p.run().waitUntilFinish();
    double seconds = (System.nanoTime() - started) / 1e9;
    peak.interrupt();
    DedupScaleBench.deleteTree(temp);
    long expected = structured ? structure.expectedRemovals() : n / 10;
    String shape =
        structured
            ? String.format(
                Locale.ROOT,
                " structure=powerlaw groups=%d grouped=%d largest_group=%d partition_size=%d"
                    + " right=%d wrong=%d recall=%.5f precision=%.5f",
                structure.groups(),
                structure.grouped(),
                structure.largestGroup(),
                partitionSize,
                REMOVED.get() - WRONG.get(),
                WRONG.get(),
                (REMOVED.get() - WRONG.get()) / (double) expected,
                REMOVED.get() == 0 ? 1.0 : (REMOVED.get() - WRONG.get()) / (double) REMOVED.get())
            : " structure=pairs partition_size=" + partitionSize;
    System.out.printf(
        Locale.ROOT,
        "winnow n=%d d=%d wall_s=%.1f removed=%d expected=%d "
            + "peak_heap_mb=%d peak_rss_mb=%d max_heap_mb=%d%s%n",
        n,
        D,
        seconds,
        REMOVED.get(),
        expected,
        peak.heap / (1 << 20),
        peak.rssKb() / 1024,
        Runtime.getRuntime().maxMemory() / (1 << 20),
        shape);
  }

  /** Deletes a run's grouping fragments and everything else under {@code folder}. */
  static void deleteTree(Path folder) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Samples heap use every 200 ms; RSS high-water mark comes from /proc. */
  static final class PeakMemory extends Thread {
    volatile long heap;

    PeakMemory() {
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        heap = Math.max(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long rssKb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (Exception e) {
        return -1;
      }
      return -1;
    }
  }
}
