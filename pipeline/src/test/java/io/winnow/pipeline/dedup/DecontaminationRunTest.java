package io.winnow.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.crawl.FetchSettings;
import io.winnow.pipeline.DedupSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.testing.RunOutputs;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole run with an eval set: the pool image that is in the eval set is removed, with why. */
class DecontaminationRunTest {
  @TempDir Path dir;

  @Test
  void poolImagesInTheEvalSetAreRemovedAndTheRunBalances() throws Exception {
    Path eval = Files.createDirectories(dir.resolve("val"));
    try (InputStream in = DemoServer.class.getResourceAsStream("/demo/images/coffee.jpg")) {
      Files.copy(in, eval.resolve("coffee-val.jpg"));
    }
    Files.write(eval.resolve("notes.txt"), "not an image".getBytes());
    try (DemoServer server = DemoServer.start()) {
      Path urls =
          Files.write(
              dir.resolve("urls.txt"),
              List.of(
                  server.baseUrl() + "/images/astronaut.jpg",
                  server.baseUrl() + "/images/coffee.jpg",
                  server.baseUrl() + "/images/rocket.jpg"));
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
              .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
              .withDedup(DedupSettings.defaults().withEvalSets(List.of("val=" + eval), Double.NaN));
      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.accepted()).isEqualTo(2);
      List<Rejection> rejections = read(dir.resolve("out/rejections"));
      assertThat(rejections)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.url()).endsWith("/images/coffee.jpg");
                assertThat(r.reason().wireName()).isEqualTo("contaminated");
                assertThat(r.detail()).contains("of eval image val/coffee-val.jpg");
              });
      assertThat(read(dir.resolve("out/eval-rejections")))
          .singleElement()
          .satisfies(r -> assertThat(r.key()).isEqualTo("val/notes.txt"));
    }
  }

  @Test
  void anEvalSetGivenAsAUrlListIsFetchedLikeThePool() throws Exception {
    try (DemoServer server = DemoServer.start()) {
      Path urls =
          Files.write(
              dir.resolve("urls.txt"),
              List.of(
                  server.baseUrl() + "/images/astronaut.jpg",
                  server.baseUrl() + "/images/coffee.jpg"));
      Path evalList =
          Files.write(
              dir.resolve("val-urls.txt"),
              List.of(
                  server.baseUrl() + "/images/coffee.jpg",
                  server.baseUrl() + "/images/no-such-image.jpg"));
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
              .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
              .withDedup(
                  DedupSettings.defaults().withEvalSets(List.of("val=" + evalList), Double.NaN));
      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.accepted()).isEqualTo(1);
      assertThat(read(dir.resolve("out/rejections")))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.url()).endsWith("/images/coffee.jpg");
                assertThat(r.reason().wireName()).isEqualTo("contaminated");
                assertThat(r.detail()).containsPattern("of eval image val/[0-9a-f]{20}");
              });
      assertThat(read(dir.resolve("out/eval-rejections")))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.url()).endsWith("/images/no-such-image.jpg");
                assertThat(r.stage().wireName()).isEqualTo("fetch");
              });
    }
  }

  private static List<Rejection> read(Path folder) throws Exception {
    return RunOutputs.rejections(folder);
  }
}
