package io.winnow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.crawl.FetchSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.SceneServer;
import io.winnow.schemas.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager is killed while the job fetches and a replacement starts (as Kubernetes would
 * restart the pod); Flink restarts the lost work, and the dataset is exactly that of an undisturbed
 * run: no sample lost, none duplicated, no temporary file left behind. At real size, with the
 * default pipeline: 5,000 distinct pictures plus 50 byte-identical copies of one of them, NSFW,
 * faces, embedding and verified dedup on, the default samples per shard.
 */
class FailoverIT {
  private static final int SCENES = 5_000;
  private static final int COPIES = 50;

  @TempDir Path dir;

  @Test
  void losingATaskManagerLosesAndDuplicatesNothing() throws Exception {
    try (SceneServer server = SceneServer.start(480, 360)) {
      Path urls = server.writeUrlList(dir.resolve("urls.txt"), SCENES);
      List<String> copies = new ArrayList<>();
      for (int i = 0; i < COPIES; i++) {
        copies.add("http://" + server.endpoint() + "/img/7.jpg?copy=" + i);
      }
      Files.write(urls, copies, java.nio.file.StandardOpenOption.APPEND);
      FetchSettings fetch =
          FetchSettings.defaults()
              .withAllowedEndpoints(Set.of(server.endpoint()))
              .withConcurrency(4, 4);

      // One slot per TaskManager and parallelism 2: each TaskManager surely runs a fetch subtask.
      try (LocalCluster cluster = LocalCluster.start(Path.of("target/flink-it-failover"), 2, 1)) {
        WinnowConfig config =
            WinnowConfig.of(List.of(urls.toString()), dir.resolve("disturbed").toString())
                .withFetch(fetch);
        long start = System.nanoTime();
        CompletableFuture<RunSummary> job =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return RunWinnow.run(
                        config, LocalClusterIT.onCluster(cluster.master(), 2), null, false);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        while (server.requests() < SCENES / 6 && !job.isDone()) {
          Thread.sleep(50);
        }
        assertThat(job).as("the job is still running when the worker is killed").isNotDone();
        long fetchedBeforeKill = server.requests();
        cluster.killTaskManager(0);
        cluster.addTaskManager(); // its replacement, as Kubernetes would start
        RunSummary summary = job.get(15, TimeUnit.MINUTES);
        System.out.printf(
            "failover run: %.1f s, %d requests (%d before the kill)%n",
            (System.nanoTime() - start) / 1e9, server.requests(), fetchedBeforeKill);
        assertThat(cluster.recordedFailures())
            .as("the kill failed tasks, which were restarted")
            .isPositive();
        assertThat(summary.balanced()).isTrue();
        assertThat(summary.rejectedByReason().get("dedup"))
            .containsEntry("exact-duplicate", (long) COPIES);
      }

      WinnowConfig undisturbed =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("undisturbed").toString())
              .withFetch(fetch);
      RunWinnow.run(undisturbed, RunWinnow.options("flink", 2), null, false);
    }

    Datasets disturbed = Datasets.read(dir.resolve("disturbed"));
    Datasets reference = Datasets.read(dir.resolve("undisturbed"));
    assertThat(disturbed.samples()).hasSizeGreaterThan(SCENES * 9 / 10);
    assertThat(new HashSet<>(disturbed.samples()))
        .as("no duplicates")
        .hasSize(disturbed.samples().size());
    assertThat(disturbed.samples()).isEqualTo(reference.samples());
    assertThat(disturbed.rejections()).isEqualTo(reference.rejections());
    assertThat(disturbed.hiddenFiles()).as("no temporary files left").isEmpty();
    Datasets.assertSameEmbeddings(dir.resolve("disturbed"), dir.resolve("undisturbed"));
  }
}
