package io.winnow.pipeline.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.crawl.FetchSettings;
import io.winnow.export.WebDatasetReader;
import io.winnow.pipeline.RetrievalSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.retrieval.SeedSetSpec;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import io.winnow.testing.RunOutputs;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole run with a seed set: only what the seeds select is written; the rest is accounted. */
class RetrievalRunTest {
  @TempDir Path dir;

  @Test
  void aCatSeedRetrievesTheCatAndTheRestEndsNotRetrieved() throws Exception {
    Path seeds = Files.createDirectories(dir.resolve("cats"));
    try (InputStream in =
        DemoServer.class.getResourceAsStream("/demo/images/chelsea_near_duplicate.jpg")) {
      Files.copy(in, seeds.resolve("smaller-cat.jpg"));
    }
    try (DemoServer server = DemoServer.start()) {
      List<String> names =
          List.of(
              "astronaut.jpg", "coffee.jpg", "chelsea.jpg", "rocket.jpg", "brick.jpg", "grass.jpg");
      Path urls =
          Files.write(
              dir.resolve("urls.txt"),
              names.stream().map(n -> server.baseUrl() + "/images/" + n).toList());
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
              .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
              .withRetrieval(
                  new RetrievalSettings(
                      List.of(SeedSetSpec.knn("cats", seeds.toString(), 1)), null));
      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.accepted()).isEqualTo(1);

      List<Sample> kept = new ArrayList<>();
      for (Path shard : WebDatasetReader.shards(dir.resolve("out"), "shard")) {
        WebDatasetReader.read(shard, kept::add);
      }
      assertThat(kept)
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.url()).endsWith("/images/chelsea.jpg");
                assertThat(s.seedMatch())
                    .singleElement()
                    .satisfies(
                        m -> {
                          assertThat(m.seedSet()).isEqualTo("cats");
                          assertThat(m.seedKeys()).containsExactly("cats/smaller-cat.jpg");
                          assertThat(m.similarity()).isGreaterThan(0.9f);
                        });
              });
      List<Rejection> rejections = RunOutputs.rejections(dir.resolve("out/rejections"));
      assertThat(rejections)
          .hasSize(5)
          .allSatisfy(
              r -> {
                assertThat(r.reason().wireName()).isEqualTo("not-retrieved");
                assertThat(r.detail()).isEqualTo("selected by no seed set [cats]");
              });
    }
  }

  @Test
  void theReportShowsEachSampledSeedBlurredWithWhatItSelected() throws Exception {
    Path seeds = Files.createDirectories(dir.resolve("people"));
    byte[] astronaut;
    try (InputStream in = DemoServer.class.getResourceAsStream("/demo/images/astronaut.jpg")) {
      astronaut = in.readAllBytes();
    }
    Files.write(seeds.resolve("astronaut.jpg"), astronaut);
    Path out = dir.resolve("out");
    try (DemoServer server = DemoServer.start()) {
      Path urls =
          Files.write(
              dir.resolve("urls.txt"),
              List.of("astronaut.jpg", "coffee.jpg", "rocket.jpg").stream()
                  .map(n -> server.baseUrl() + "/images/" + n)
                  .toList());
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), out.toString())
              .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
              .withRetrieval(
                  new RetrievalSettings(
                      List.of(SeedSetSpec.knn("people", seeds.toString(), 1)), null));
      assertThat(RunWinnow.run(config, RunWinnow.options("flink", 2), null, false).accepted())
          .isEqualTo(1);
    }
    JsonNode seed =
        Json.mapper().readTree(out.resolve("metrics.json").toFile()).get("seed_examples").get(0);
    assertThat(seed.get("seed_key").asText()).isEqualTo("people/astronaut.jpg");
    assertThat(seed.get("seed_set").asText()).isEqualTo("people");
    Path report = out.resolve("report");
    Path seedThumb = report.resolve(seed.get("seed_thumbnail").asText());
    JsonNode selected = seed.get("selected");
    assertThat(selected).hasSize(1);
    assertThat(selected.get(0).get("url").asText()).endsWith("/images/astronaut.jpg");
    // The seed is embedded as given, the pool copy after its face was blurred: close, not equal.
    assertThat(selected.get(0).get("similarity").asDouble()).isBetween(0.6, 0.99);
    Path selectedThumb = report.resolve(selected.get(0).get("thumbnail").asText());
    assertThat(Files.readString(report.resolve("index.html")))
        .contains("What sampled seeds selected")
        .contains(seed.get("seed_thumbnail").asText());

    // The seed's face was blurred as the pool's was: its thumbnail is much closer to the exported
    // (blurred) copy's than to the original photograph's.
    byte[] shown = Files.readAllBytes(seedThumb);
    double toBlurred = meanAbsoluteDifference(shown, Files.readAllBytes(selectedThumb));
    double toOriginal = meanAbsoluteDifference(shown, io.winnow.report.Thumbnails.of(astronaut));
    assertThat(toBlurred * 2)
        .as("to blurred %s, to original %s", toBlurred, toOriginal)
        .isLessThan(toOriginal);
  }

  private static double meanAbsoluteDifference(byte[] jpegA, byte[] jpegB) {
    try (org.bytedeco.opencv.opencv_core.Mat a = decode(jpegA);
        org.bytedeco.opencv.opencv_core.Mat b = decode(jpegB);
        org.bytedeco.opencv.opencv_core.Mat diff = new org.bytedeco.opencv.opencv_core.Mat()) {
      assertThat(a.cols()).isEqualTo(b.cols());
      assertThat(a.rows()).isEqualTo(b.rows());
      org.bytedeco.opencv.global.opencv_core.absdiff(a, b, diff);
      org.bytedeco.opencv.opencv_core.Scalar mean =
          org.bytedeco.opencv.global.opencv_core.mean(diff);
      return (mean.get(0) + mean.get(1) + mean.get(2)) / 3;
    }
  }

  private static org.bytedeco.opencv.opencv_core.Mat decode(byte[] jpeg) {
    return org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(
        new org.bytedeco.opencv.opencv_core.Mat(new org.bytedeco.javacpp.BytePointer(jpeg)),
        org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR);
  }
}
