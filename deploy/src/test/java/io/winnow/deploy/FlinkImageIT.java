package io.winnow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.crawl.FetchSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoCorpus;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The demo corpus on the official Flink 1.19 image (JobManager and TaskManager containers). Runs
 * only where a Docker engine is available and is skipped otherwise; {@link LocalClusterIT} is the
 * process-based twin that CI relies on.
 */
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
class FlinkImageIT {
  private static final String IMAGE = "flink:1.19.0-java17";

  @Test
  void demoOnTheOfficialFlinkImage() throws Exception {
    Path output = Files.createTempDirectory("winnow-flink-image");
    String properties =
        "jobmanager.rpc.address: jobmanager\ntaskmanager.numberOfTaskSlots: 2\n"
            + "taskmanager.network.sort-shuffle.min-buffers: 128\n";
    try (DemoServer server = DemoServer.start();
        Network network = Network.newNetwork();
        GenericContainer<?> jobManager =
            new GenericContainer<>(IMAGE)
                .withNetwork(network)
                .withNetworkAliases("jobmanager")
                .withCommand("jobmanager")
                .withEnv("FLINK_PROPERTIES", properties)
                .withExposedPorts(8081)
                .waitingFor(Wait.forHttp("/overview").forPort(8081));
        GenericContainer<?> taskManager =
            new GenericContainer<>(IMAGE)
                .withNetwork(network)
                .withCommand("taskmanager")
                .withEnv("FLINK_PROPERTIES", properties)
                // Workers write the shards: give them the test's output folder at the same path.
                .withFileSystemBind(output.toString(), output.toString(), BindMode.READ_WRITE)) {
      jobManager.start();
      taskManager.start();
      int port = Integer.parseInt(server.endpoint().substring(server.endpoint().indexOf(':') + 1));
      Testcontainers.exposeHostPorts(port);
      String base = "http://host.testcontainers.internal:" + port;
      Path urls = DemoCorpus.writeUrlList(output.resolve("input/urls.csv"), base);
      // The containers reach the host through a private gateway address, so the guard must
      // allow private addresses here (never by default).
      FetchSettings fetch =
          new FetchSettings(
              8,
              8,
              Duration.ofSeconds(10),
              Duration.ofSeconds(20),
              Duration.ofSeconds(60),
              3,
              Duration.ofMillis(100),
              Duration.ofSeconds(5),
              5,
              20L << 20,
              FetchSettings.DEFAULT_USER_AGENT,
              false,
              true,
              Set.of(),
              null,
              null);
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), output.toString()).withFetch(fetch);
      RunSummary summary =
          RunWinnow.run(
              config,
              LocalClusterIT.onCluster(
                  jobManager.getHost() + ":" + jobManager.getMappedPort(8081), 2),
              null,
              false);
      assertThat(summary.balanced()).isTrue();
      // As LocalClusterIT, less the demo lists: their two URLs end as duplicates instead.
      assertThat(summary.accepted()).isEqualTo(14);
    }
  }
}
