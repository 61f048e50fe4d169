package io.winnow.bench;

import io.winnow.crawl.FetchResult;
import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.HttpFetcher;
import io.winnow.pipeline.demo.DemoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Owns the filter bench's spine fetch rows: the demo photos fetched from the in-process demo server
 * over loopback, as the crawler fetches them, in CPU and wall time per image.
 */
final class LoopbackFetchCost {
  private LoopbackFetchCost() {}

  /**
   * Robots.txt on, one host, 32 requests in flight as the crawler runs them: the cost is this
   * process's CPU time per image (client and the in-process server together, so an upper bound),
   * and wall time per image.
   */
  static void measure(String[] photos, int rounds) throws Exception {
    int n = photos.length;
    try (DemoServer server = DemoServer.start();
        HttpFetcher fetcher =
            new HttpFetcher(
                FetchSettings.defaults()
                    .withAllowedEndpoints(Set.of(server.endpoint()))
                    .withConcurrency(32, 32))) {
      ExecutorService pool = Executors.newFixedThreadPool(32);
      int total = rounds * n * 4;
      for (int pass = 0; pass < 2; pass++) { // the first pass warms up
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        List<Future<FetchResult>> results = new ArrayList<>();
        for (int j = 0; j < total; j++) {
          String url = server.baseUrl() + "/images/" + photos[j % n];
          results.add(pool.submit(() -> fetcher.fetch(url)));
        }
        for (Future<FetchResult> r : results) {
          if (!(r.get() instanceof FetchResult.Success)) {
            throw new IllegalStateException("fetch failed: " + r.get());
          }
        }
        if (pass == 1) {
          double wall = (System.nanoTime() - start) / 1e6 / total;
          double cpuMs = (processCpuNanos() - cpu) / 1e6 / total;
          StepTimer.row("spine: fetch, CPU (client + server, 32 in flight)", cpuMs);
          StepTimer.row("spine: fetch, wall on all cores (32 in flight)", wall);
        }
      }
      pool.shutdown();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
