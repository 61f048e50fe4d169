package io.winnow.bench;

import io.winnow.knn.KeyedVector;
import io.winnow.knn.TwoLevelClusters;
import io.winnow.pipeline.RunWinnow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Cluster mode's clustering at scale: {@link TwoLevelClusters} of N vectors (d = 384, the power-law
 * bench's, so with dense copy groups) into K clusters on Flink's embedded cluster. Prints how many
 * clusters have members (the goal: exactly K), their smallest, median and largest size, wall time
 * and peak heap.
 *
 * <pre>ClusterScaleBench N K</pre>
 */
public final class ClusterScaleBench {
  private static final ConcurrentHashMap<Integer, Long> SIZES = new ConcurrentHashMap<>();
  private static final AtomicLong ASSIGNED = new AtomicLong();

  public static void main(String[] args) throws Exception {
    long n = Long.parseLong(args[0]);
    int clusters = Integer.parseInt(args[1]);
    DedupScaleBench.PeakMemory peak = new DedupScaleBench.PeakMemory();
    peak.start();
    Path temp = Files.createTempDirectory("cluster-bench");
    org.apache.beam.sdk.options.PipelineOptions options =
        RunWinnow.options("flink", Runtime.getRuntime().availableProcessors());
    options.setTempLocation(temp.toString());
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(n))
        .apply(
            "Vectors",
            MapElements.into(TypeDescriptor.of(KeyedVector.class))
                .via(
                    (Long i) ->
                        new KeyedVector(
                            PowerLawCopies.key(i), DedupScaleBench.powerLaw(n, 100_000).vector(i))))
        .setCoder(new KeyedVector.Coder())
        .apply("Cluster", TwoLevelClusters.of(DedupScaleBench.D, clusters))
        .apply("ClusterOfEach", Keys.create())
        .apply("ClusterSizes", Count.perElement())
        .apply(
            "Collect",
            ParDo.of(
                new DoFn<KV<Integer, Long>, Void>() {
                  @ProcessElement
                  public void process(@Element KV<Integer, Long> size) {
                    SIZES.put(size.getKey(), size.getValue());
                    ASSIGNED.addAndGet(size.getValue());
                  }
                }));
    long started = System.nanoTime();
    p.run().waitUntilFinish();
    double seconds = (System.nanoTime() - started) / 1e9;
    peak.interrupt();
    DedupScaleBench.deleteTree(temp);
    long[] sizes = SIZES.values().stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "two-level clusters n=%d d=%d asked=%d with_members=%d assigned=%d smallest=%d "
            + "median=%d largest=%d wall_s=%.1f peak_heap_mb=%d max_heap_mb=%d%n",
        n,
        DedupScaleBench.D,
        clusters,
        sizes.length,
        ASSIGNED.get(),
        sizes.length == 0 ? 0 : sizes[0],
        sizes.length == 0 ? 0 : sizes[sizes.length / 2],
        sizes.length == 0 ? 0 : sizes[sizes.length - 1],
        seconds,
        peak.heap / (1 << 20),
        Runtime.getRuntime().maxMemory() / (1 << 20));
  }

  private ClusterScaleBench() {}
}
