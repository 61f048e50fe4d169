package io.winnow.bench;

import com.sun.net.httpserver.HttpServer;
import io.winnow.crawl.FetchSettings;
import io.winnow.dataset.Manifest;
import io.winnow.dedup.ConnectedComponents;
import io.winnow.dedup.DropNearDuplicates;
import io.winnow.pipeline.DedupSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.refresh.RefreshDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a refresh costs when 1% of its input is new, against a full rebuild of the same dataset,
 * both on the same loopback server in the same process: the dataset is first built from 99% of the
 * URLs; then (a) refresh with all of them (99% seen, skipped without a request; 1% new, fetched,
 * embedded and deduplicated against the dataset), and (b) build all of them into an empty dataset.
 * Dedup runs at cosine 0.999 so the synthetic images (variations of one pattern) are not merged;
 * the join against the dataset's embeddings is the same work either way.
 */
public final class RefreshBench {
  public static void main(String[] args) throws Exception {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int cores = Runtime.getRuntime().availableProcessors();
    List<byte[]> corpus = CrawlBench.makeImages(images, 320, 240);
    HttpServer server = CrawlBench.serve(corpus);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    Path dir = Files.createTempDirectory("winnow-refresh-bench");
    try {
      int old = images * 99 / 100;
      List<String> all = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        all.add(base + "/img/" + i + ".jpg");
      }
      Path oldUrls = Files.write(dir.resolve("old.txt"), all.subList(0, old));
      Path allUrls = Files.write(dir.resolve("all.txt"), all);
      System.out.printf(
          Locale.ROOT,
          "refresh bench: %d images of 320x240, %d new (1%%), %d cores%n",
          images,
          images - old,
          cores);
      long t0 = System.nanoTime();
      Manifest v1 = build(dir.resolve("dataset"), oldUrls, base, cores);
      double initial = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      Manifest v2 = build(dir.resolve("dataset"), allUrls, base, cores);
      double refresh = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      Manifest full = build(dir.resolve("rebuilt"), allUrls, base, cores);
      double rebuild = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "%-46s %8s %10s%n", "step", "seconds", "samples");
      System.out.printf(
          Locale.ROOT,
          "%-46s %8.1f %10d%n",
          "build v1 from 99% of the URLs",
          initial,
          v1.samples());
      System.out.printf(
          Locale.ROOT,
          "%-46s %8.1f %10d%n",
          "refresh with all URLs (1% new)",
          refresh,
          v2.samples());
      System.out.printf(
          Locale.ROOT, "%-46s %8.1f %10d%n", "full rebuild of all URLs", rebuild, full.samples());
      System.out.printf(
          Locale.ROOT,
          "ratio refresh / full rebuild = %.3f (fetched: %d vs %d)%n",
          refresh / rebuild,
          v2.summary().input()
              - v2.summary()
                  .rejectedByReason()
                  .getOrDefault("read", java.util.Map.of())
                  .getOrDefault("already-seen", 0L),
          full.summary().input());
    } finally {
      server.stop(0);
    }
    System.exit(0);
  }

  private static Manifest build(Path dataset, Path urls, String base, int cores) throws Exception {
    String endpoint = base.substring("http://".length());
    WinnowConfig config =
        WinnowConfig.of(List.of(urls.toString()), "unused")
            .withFetch(
                FetchSettings.defaults()
                    .withAllowedEndpoints(Set.of(endpoint))
                    .withConcurrency(32, 32))
            .withDedup(
                new DedupSettings(
                    0.999,
                    Double.NaN,
                    true,
                    64,
                    ConnectedComponents.DEFAULT_ROUNDS,
                    DropNearDuplicates.DEFAULT_PARTITION_SIZE,
                    DropNearDuplicates.DEFAULT_PROBES,
                    List.of(),
                    Double.NaN))
            .withSamplesPerShard(500);
    return RefreshDataset.refresh(
        config,
        dataset,
        1,
        7 * 24 * 3600,
        RunWinnow.options("flink", cores),
        null,
        RefreshDataset.Checkpoint.NONE);
  }
}
