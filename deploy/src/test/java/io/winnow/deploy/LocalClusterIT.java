package io.winnow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.crawl.FetchSettings;
import io.winnow.pipeline.demo.DemoCorpus;
import io.winnow.pipeline.filter.FilterSettings;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo corpus curated on a standalone Flink cluster (1 JobManager, 1 TaskManager, separate
 * processes, started from deploy/local) gives the same dataset as the embedded cluster.
 */
class LocalClusterIT {
  private static LocalCluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalCluster.start(Path.of("target/flink-it-local"), 1, 2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Options for a job on {@code master}, staging the shaded Winnow jar as its code. */
  static FlinkPipelineOptions onCluster(String master, int parallelism) {
    FlinkPipelineOptions options = (FlinkPipelineOptions) RunWinnow.options(master, parallelism);
    options.setFilesToStage(List.of(System.getProperty("winnow.jar", "../pipeline/target/winnow.jar")));
    return options;
  }

  @Test
  void demoOnTheClusterEqualsTheEmbeddedRun() throws Exception {
    try (DemoServer server = DemoServer.start()) {
      Path urls = DemoCorpus.writeUrlList(dir.resolve("urls.csv"), server.baseUrl());
      FetchSettings fetch = FetchSettings.defaults()
          .withAllowedEndpoints(Set.of(server.endpoint()))
          .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(5));
      DemoCorpus.SafetyListFiles lists = DemoCorpus.writeSafetyLists(dir.resolve("lists"),
          server.baseUrl());
      FilterSettings filter = FilterSettings.defaults().withLists(List.of(lists.blockList()),
          List.of(), List.of(lists.optOutList()));
      WinnowConfig onCluster = WinnowConfig.of(List.of(urls.toString()),
          dir.resolve("cluster").toString()).withFetch(fetch).withFilter(filter);
      WinnowConfig embedded = WinnowConfig.of(List.of(urls.toString()),
          dir.resolve("embedded").toString()).withFetch(fetch).withFilter(filter);

      long start = System.nanoTime();
      RunSummary clusterSummary = RunWinnow.run(onCluster, onCluster(cluster.master(), 1), null,
          false);
      System.out.printf("cluster run: %.1f s%n", (System.nanoTime() - start) / 1e9);
      RunSummary embeddedSummary = RunWinnow.run(embedded, RunWinnow.options("flink", 2), null,
          false);

      assertThat(clusterSummary.balanced()).isTrue();
      assertThat(clusterSummary.accepted()).isEqualTo(14);
      assertThat(clusterSummary.rejectedByReason()).isEqualTo(embeddedSummary.rejectedByReason());
      Datasets a = Datasets.read(dir.resolve("cluster"));
      Datasets b = Datasets.read(dir.resolve("embedded"));
      assertThat(a.samples()).hasSize(14).isEqualTo(b.samples());
      assertThat(a.rejections()).hasSize(DemoCorpus.ENTRIES.size() - 14)
          .isEqualTo(b.rejections());
      assertThat(a.hiddenFiles()).isEmpty();
      Datasets.assertSameEmbeddings(dir.resolve("cluster"), dir.resolve("embedded"));
    }
  }
}
