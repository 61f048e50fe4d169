package io.winnow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.crawl.FetchSettings;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.RunSummary;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager is killed while the job fetches and a replacement starts (as Kubernetes would
 * restart the pod); Flink restarts the lost work, and the dataset is exactly that of an undisturbed run: no sample lost, none duplicated,
 * no temporary file left behind.
 */
class FailoverIT {
  private static final int URLS = 600;

  @TempDir Path dir;

  @Test
  void losingATaskManagerLosesAndDuplicatesNothing() throws Exception {
    byte[] jpeg;
    try (InputStream in = DemoServer.class.getResourceAsStream("/demo/images/coffee.jpg")) {
      jpeg = in.readAllBytes();
    }
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      try {
        Thread.sleep(100); // slow enough that the job is still fetching when a worker dies
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
      exchange.sendResponseHeaders(200, jpeg.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(jpeg);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.start();
    String endpoint = "127.0.0.1:" + server.getAddress().getPort();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < URLS; i++) {
      lines.add("http://" + endpoint + "/image.jpg?n=" + i);
    }
    Path urls = Files.write(dir.resolve("urls.txt"), lines);
    FetchSettings fetch = FetchSettings.defaults().withAllowedEndpoints(Set.of(endpoint))
        .withConcurrency(4, 4);

    // One slot per TaskManager and parallelism 2: each TaskManager surely runs a fetch subtask.
    try (LocalCluster cluster = LocalCluster.start(Path.of("target/flink-it-failover"), 2, 1)) {
      // Every URL serves the same bytes: dedup would keep one. This test is about exactly-once
      // output under failure, so it keeps all 600 (dedup's own shuffles are covered elsewhere).
      WinnowConfig config = WinnowConfig.of(List.of(urls.toString()),
          dir.resolve("disturbed").toString()).withFetch(fetch).withSamplesPerShard(100)
          .withDedup(null);
      long start = System.nanoTime();
      CompletableFuture<RunSummary> job = CompletableFuture.supplyAsync(() -> {
        try {
          return RunWinnow.run(config, LocalClusterIT.onCluster(cluster.master(), 2), null, false);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      while (requests.get() < URLS / 6 && !job.isDone()) {
        Thread.sleep(50);
      }
      assertThat(job).as("the job is still running when the worker is killed").isNotDone();
      int fetchedBeforeKill = requests.get();
      cluster.killTaskManager(0);
      cluster.addTaskManager(); // its replacement, as Kubernetes would start
      RunSummary summary = job.get(5, TimeUnit.MINUTES);
      System.out.printf("failover run: %.1f s, %d requests (%d before the kill)%n",
          (System.nanoTime() - start) / 1e9, requests.get(), fetchedBeforeKill);
      assertThat(cluster.recordedFailures()).as("the kill failed tasks, which were restarted")
          .isPositive();
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.accepted()).isEqualTo(URLS);
    }

    WinnowConfig undisturbed = WinnowConfig.of(List.of(urls.toString()),
        dir.resolve("undisturbed").toString()).withFetch(fetch).withSamplesPerShard(100)
        .withDedup(null);
    RunWinnow.run(undisturbed, RunWinnow.options("flink", 2), null, false);
    server.stop(0);

    Datasets disturbed = Datasets.read(dir.resolve("disturbed"));
    Datasets reference = Datasets.read(dir.resolve("undisturbed"));
    assertThat(disturbed.samples()).hasSize(URLS);
    assertThat(new HashSet<>(disturbed.samples())).as("no duplicates").hasSize(URLS);
    assertThat(disturbed.samples()).isEqualTo(reference.samples());
    assertThat(disturbed.rejections()).isEmpty();
    assertThat(disturbed.hiddenFiles()).as("no temporary files left").isEmpty();
    Datasets.assertSameEmbeddings(dir.resolve("disturbed"), dir.resolve("undisturbed"));
  }
}
