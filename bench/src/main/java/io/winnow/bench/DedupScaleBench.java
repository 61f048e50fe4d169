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
 * (bench/dedup_baseline.py).
 */
public final class DedupScaleBench {
  static final int D = 384;
  static final double THRESHOLD = 0.9;
  private static final AtomicLong REMOVED = new AtomicLong();

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
    if (args.length > 2 && args[1].equals("--write-npy")) {
      try (OutputStream out =
          new BufferedOutputStream(Files.newOutputStream(Path.of(args[2])), 1 << 20)) {
        NpyFiles.header(out, n, D);
        for (long i = 0; i < n; i++) {
          NpyFiles.row(out, vector(i));
        }
      }
    }
    PeakMemory peak = new PeakMemory();
    peak.start();
    REMOVED.set(0);
    Pipeline p =
        Pipeline.create(RunWinnow.options("flink", Runtime.getRuntime().availableProcessors()));
    StageResult<Sample> out =
        p.apply(GenerateSequence.from(0).to(n))
            .apply(
                "Samples",
                MapElements.into(TypeDescriptor.of(Sample.class))
                    .via(
                        (Long i) ->
                            Sample.builder(String.format(Locale.ROOT, "%012d", i), "synthetic:" + i)
                                .sha256(Long.toString(i))
                                .originalSize(256, 256)
                                .storedSize(256, 256)
                                .image(new byte[0])
                                .embedding(vector(i))
                                .build()))
            .setCoder(new SampleCoder())
            // Vectors only (no fingerprints): the embedding-only rule at DINOv2's k, as measured
            // before.
            .apply(DropNearDuplicates.with(D, THRESHOLD).withK(64).withoutVerification());
    out.rejections()
        .apply(
            ParDo.of(
                new DoFn<Rejection, Void>() {
                  @ProcessElement
                  public void process(@Element Rejection r) {
                    REMOVED.incrementAndGet();
                  }
                }));
    long started = System.nanoTime();
    p.run().waitUntilFinish();
    double seconds = (System.nanoTime() - started) / 1e9;
    peak.interrupt();
    System.out.printf(
        Locale.ROOT,
        "winnow n=%d d=%d wall_s=%.1f removed=%d expected=%d "
            + "peak_heap_mb=%d peak_rss_mb=%d max_heap_mb=%d%n",
        n,
        D,
        seconds,
        REMOVED.get(),
        n / 10,
        peak.heap / (1 << 20),
        peak.rssKb() / 1024,
        Runtime.getRuntime().maxMemory() / (1 << 20));
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
