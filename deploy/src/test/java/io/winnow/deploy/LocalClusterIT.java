package io.winnow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.crawl.FetchSettings;
import io.winnow.filters.FaceBlur;
import io.winnow.filters.FilterSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoCorpus;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.pipeline.demo.SceneServer;
import io.winnow.schemas.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on a standalone Flink cluster (1 JobManager, 2 TaskManagers of 2 slots, separate processes,
 * started from deploy/local with its shipped configuration) give the same datasets as the embedded
 * cluster: the demo corpus, and a crawl at real size.
 */
class LocalClusterIT {
  private static LocalCluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalCluster.start(Path.of("target/flink-it-local"), 2, 2);
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
    options.setFilesToStage(
        List.of(System.getProperty("winnow.jar", "../pipeline/target/winnow.jar")));
    return options;
  }

  @Test
  void demoOnTheClusterEqualsTheEmbeddedRun() throws Exception {
    try (DemoServer server = DemoServer.start()) {
      Path urls = DemoCorpus.writeUrlList(dir.resolve("urls.csv"), server.baseUrl());
      FetchSettings fetch =
          FetchSettings.defaults()
              .withAllowedEndpoints(Set.of(server.endpoint()))
              .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(5));
      DemoCorpus.SafetyListFiles lists =
          DemoCorpus.writeSafetyLists(dir.resolve("lists"), server.baseUrl());
      FilterSettings filter =
          FilterSettings.defaults()
              .withLists(List.of(lists.blockList()), List.of(), List.of(lists.optOutList()));
      WinnowConfig onCluster =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("cluster").toString())
              .withFetch(fetch)
              .withFilter(filter);
      WinnowConfig embedded =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("embedded").toString())
              .withFetch(fetch)
              .withFilter(filter);

      long start = System.nanoTime();
      RunSummary clusterSummary =
          RunWinnow.run(onCluster, onCluster(cluster.master(), 1), null, false);
      System.out.printf("cluster run: %.1f s%n", (System.nanoTime() - start) / 1e9);
      RunSummary embeddedSummary =
          RunWinnow.run(embedded, RunWinnow.options("flink", 2), null, false);

      assertThat(clusterSummary.balanced()).isTrue();
      assertThat(clusterSummary.accepted()).isEqualTo(14);
      assertThat(clusterSummary.rejectedByReason()).isEqualTo(embeddedSummary.rejectedByReason());
      Datasets a = Datasets.read(dir.resolve("cluster"));
      Datasets b = Datasets.read(dir.resolve("embedded"));
      assertThat(a.samples()).hasSize(14).isEqualTo(b.samples());
      assertThat(a.rejections()).hasSize(DemoCorpus.ENTRIES.size() - 14).isEqualTo(b.rejections());
      assertThat(a.hiddenFiles()).isEmpty();
      Datasets.assertSameEmbeddings(dir.resolve("cluster"), dir.resolve("embedded"));
    }
  }

  /**
   * The crawl a new user tries first, at real size: 5,000 distinct 480x360 JPEGs, the default
   * samples per shard (10,000: one shard of about 100 MB, five times Flink's 18 MB sort buffer,
   * which a shard travelling as one record exceeded), NSFW, faces and embedding off. Submitted
   * without --parallelism, the job takes every slot, and both TaskManagers fetch.
   */
  @Test
  void aRealSizeCrawlUsesBothTaskManagersAndEqualsTheEmbeddedRun() throws Exception {
    int images = 5_000;
    try (SceneServer server = SceneServer.start(480, 360)) {
      Path urls = server.writeUrlList(dir.resolve("scenes.txt"), images);
      FetchSettings fetch =
          FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint()));
      FilterSettings spine =
          FilterSettings.defaults()
              .withNsfw(Double.NaN, "auto")
              .withFaces(
                  FilterSettings.FaceMode.OFF, "blazeface", 0.5, 0.2, FaceBlur.Style.GAUSSIAN);
      WinnowConfig onCluster =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("cluster").toString())
              .withFetch(fetch)
              .withFilter(spine)
              .withEmbed(null)
              .withDedup(null);
      long start = System.nanoTime();
      RunSummary clusterSummary =
          RunWinnow.run(onCluster, onCluster(cluster.master(), 0), null, false);
      System.out.printf("real-size cluster run: %.1f s%n", (System.nanoTime() - start) / 1e9);
      Map<String, Long> fetchedBy = cluster.recordsPerTaskManager("FetchImages");
      System.out.println("URLs fetched per TaskManager (\"\": parallelism): " + fetchedBy);

      RunSummary embeddedSummary =
          RunWinnow.run(
              onCluster.withOutput(dir.resolve("embedded").toString(), "shard"),
              RunWinnow.options("flink", 2),
              null,
              false);

      assertThat(clusterSummary.balanced()).isTrue();
      assertThat(clusterSummary.accepted()).isEqualTo(images);
      assertThat(embeddedSummary.accepted()).isEqualTo(images);
      assertThat(fetchedBy.remove("")).as("fetch parallelism: every slot").isEqualTo(4);
      assertThat(fetchedBy)
          .as("URLs each TaskManager fetched")
          .hasSize(2)
          .allSatisfy((taskManager, urlCount) -> assertThat(urlCount).isGreaterThan(images / 4));
      assertThat(Files.size(dir.resolve("cluster").resolve("shard-000000.tar")))
          .as("one shard, larger than Flink's sort buffer")
          .isGreaterThan(18_448_384L);
      Datasets a = Datasets.read(dir.resolve("cluster"));
      Datasets b = Datasets.read(dir.resolve("embedded"));
      assertThat(a.samples()).hasSize(images).isEqualTo(b.samples());
      assertThat(a.rejections()).isEmpty();
      assertThat(a.hiddenFiles()).isEmpty();
    }
  }
}
