package io.winnow.pipeline.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.SafetyLists;
import io.winnow.filters.ClassifyNsfw;
import io.winnow.filters.FilterSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.testing.RunOutputs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole run on Flink with the safety lists and the face and NSFW filters on. */
class SafetyFiltersRunTest {
  @TempDir Path dir;

  @Test
  void listsFacesAndNsfwEachLeaveTheirMarkAndTheRunBalances() throws Exception {
    try (DemoServer server = DemoServer.start()) {
      String base = server.baseUrl();
      Path urls =
          Files.write(
              dir.resolve("urls.txt"),
              List.of(
                  base + "/images/astronaut.jpg",
                  base + "/images/coffee.jpg",
                  base + "/images/rocket.jpg",
                  base + "/images/chelsea.jpg"));
      Path optOut =
          Files.write(
              dir.resolve("opt-out.txt"),
              List.of("# the photographer asked", base + "/images/rocket.jpg"));
      Path block = Files.write(dir.resolve("block.txt"), List.of("unsafe.example"));
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
              .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
              .withFilter(
                  FilterSettings.defaults()
                      .withLists(List.of(block.toString()), List.of(), List.of(optOut.toString())));
      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.accepted()).isEqualTo(3);

      List<Rejection> rejections = read(dir.resolve("out/rejections"));
      assertThat(rejections)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.reason().wireName()).isEqualTo("opted-out");
                assertThat(r.stage().wireName()).isEqualTo("filter");
                assertThat(r.url()).endsWith("/images/rocket.jpg");
              });

      Map<String, JsonNode> meta = shardJson(dir.resolve("out"));
      JsonNode astronaut = meta.get("astronaut.jpg");
      assertThat(astronaut.get("faces")).hasSize(1);
      assertThat(astronaut.get("faces").get(0).get("score").asDouble()).isGreaterThan(0.5);
      assertThat(meta.get("coffee.jpg").get("faces")).isEmpty();
      for (JsonNode sample : meta.values()) {
        assertThat(sample.get("nsfw_scores").get("Porn").asDouble()).isLessThan(0.5);
      }

      // The run report: every section, the right counts, thumbnails of exported images only.
      Path out = dir.resolve("out");
      String html = Files.readString(out.resolve("report/index.html"));
      assertThat(html)
          .contains(
              "id=\"funnel\"",
              "id=\"rejections\"",
              "id=\"duplicates\"",
              "id=\"faces\"",
              "id=\"nsfw\"",
              "id=\"retrieval\"",
              "id=\"samples\"",
              "id=\"timing\"")
          .contains("4 URLs · 3 accepted · 1 rejected")
          .contains("opted-out")
          .contains("/images/rocket.jpg")
          .contains("3 images checked, 1 with faces (1 faces, blurred)")
          .doesNotContain("http://fonts", "https://");
      try (DirectoryStream<Path> thumbs = Files.newDirectoryStream(out.resolve("report/thumbs"))) {
        List<String> names = new ArrayList<>();
        thumbs.forEach(t -> names.add(t.getFileName().toString()));
        assertThat(names).hasSize(3);
        for (String name : names) {
          assertThat(html).contains("src=\"thumbs/" + name + "\"");
        }
      }
      JsonNode metrics = Json.mapper().readTree(out.resolve("metrics.json").toFile());
      assertThat(metrics.get("schema_version").asInt()).isEqualTo(1);
      assertThat(metrics.get("funnel").get(0).get("count").asLong()).isEqualTo(4);
      assertThat(metrics.get("funnel").get(4).get("step").asText()).isEqualTo("passed filters");
      assertThat(metrics.get("funnel").get(4).get("count").asLong()).isEqualTo(3);
      assertThat(metrics.get("funnel").get(8).get("count").asLong()).isEqualTo(3);
      assertThat(metrics.get("faces").get("images_with_faces").asLong()).isEqualTo(1);
      assertThat(metrics.get("rejection_examples").get("filter").get("opted-out")).hasSize(1);
      JsonNode recorded = metrics.get("config");
      assertThat(recorded.get("embed.model_sha256").asText()).matches("[0-9a-f]{64}");
      assertThat(recorded.get("filter.face_model_sha256").asText())
          .isEqualTo("99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3");
      assertThat(recorded.get("filter.opt_out_lists").get(0).asText()).isEqualTo(optOut.toString());
      assertThat(html).contains("id=\"config\"").contains("embed.model_sha256");
    }
  }

  @Test
  void aBadListStopsTheRunBeforeAnyFetch() throws Exception {
    Path urls = Files.write(dir.resolve("urls.txt"), List.of("http://127.0.0.1:9/a.jpg"));
    Path block = Files.write(dir.resolve("block.txt"), List.of("ok.example", "co.uk"));
    WinnowConfig config =
        WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
            .withFilter(
                FilterSettings.defaults()
                    .withLists(List.of(block.toString()), List.of(), List.of()));
    assertThatThrownBy(() -> RunWinnow.run(config, RunWinnow.options("direct", 1), null, false))
        .isInstanceOf(SafetyLists.ListException.class)
        .hasMessageContaining("block list " + block)
        .hasMessageContaining("'co.uk'");
    assertThatThrownBy(
            () ->
                SafetyLists.policy(
                    FilterSettings.defaults()
                        .withLists(
                            List.of(dir.resolve("missing.txt").toString()), List.of(), List.of()),
                    FetchSettings.defaults()))
        .isInstanceOf(SafetyLists.ListException.class)
        .hasMessageContaining("cannot read list");
  }

  @Test
  void theBundledSafePhotosStayUnderTheNsfwThreshold() throws Exception {
    List<String> photos =
        List.of(
            "astronaut.jpg",
            "brick.jpg",
            "camera.jpg",
            "chelsea.jpg",
            "clock_motion.jpg",
            "coffee.jpg",
            "grass.jpg",
            "gravel.jpg",
            "horse.png",
            "hubble_deep_field.jpg",
            "retina.jpg",
            "rocket.jpg");
    List<io.winnow.schemas.Sample> samples = new ArrayList<>();
    for (String name : photos) {
      try (InputStream in = DemoServer.class.getResourceAsStream("/demo/images/" + name)) {
        samples.add(
            io.winnow.schemas.Sample.builder(name, "file:" + name)
                .image(in.readAllBytes())
                .build());
      }
    }
    FilterSettings filter = FilterSettings.defaults();
    ClassifyNsfw nsfw = ClassifyNsfw.with(filter, null, null);
    org.apache.beam.sdk.Pipeline p =
        org.apache.beam.sdk.Pipeline.create(RunWinnow.options("direct", 2));
    io.winnow.schemas.StageResult<io.winnow.schemas.Sample> out =
        p.apply(
                org.apache.beam.sdk.transforms.Create.of(samples)
                    .withCoder(new io.winnow.schemas.SampleCoder()))
            .apply(nsfw);
    org.apache.beam.sdk.testing.PAssert.that(out.rejections()).empty();
    org.apache.beam.sdk.testing.PAssert.that(out.accepted())
        .satisfies(
            kept -> {
              assertThat(kept).hasSize(photos.size());
              for (io.winnow.schemas.Sample s : kept) {
                assertThat(s.embedding())
                    .as("the classifier's own pass keeps only scores")
                    .isNull();
                double unsafe =
                    io.winnow.filters.DropNsfw.unsafeScore(
                        s.nsfwScores(), List.of("Hentai", "Porn", "Sexy"));
                assertThat(unsafe).as(s.key()).isLessThan(filter.nsfwThreshold());
              }
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void photosOfPeopleKeepTheirNsfwScoresWhenTheirFacesAreBlurred() throws Exception {
    // The NSFW classifier sees the image before its faces are blurred: a blurred face reads as
    // skin. So blurring changes the stored image but not one digit of the scores.
    try (DemoServer server = DemoServer.start()) {
      Path urls =
          Files.write(
              dir.resolve("people.txt"), List.of(server.baseUrl() + "/images/astronaut.jpg"));
      Map<FilterSettings.FaceMode, JsonNode> byMode = new HashMap<>();
      for (FilterSettings.FaceMode mode :
          List.of(FilterSettings.FaceMode.OFF, FilterSettings.FaceMode.BLUR)) {
        Path out = dir.resolve("people-" + mode);
        WinnowConfig config =
            WinnowConfig.of(List.of(urls.toString()), out.toString())
                .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
                .withFilter(withFaces(FilterSettings.defaults(), mode));
        assertThat(RunWinnow.run(config, RunWinnow.options("flink", 1), null, false).accepted())
            .isEqualTo(1);
        byMode.put(mode, shardJson(out).get("astronaut.jpg"));
      }
      assertThat(byMode.get(FilterSettings.FaceMode.BLUR).get("faces")).hasSize(1);
      assertThat(byMode.get(FilterSettings.FaceMode.OFF).get("faces")).isNullOrEmpty();
      assertThat(byMode.get(FilterSettings.FaceMode.BLUR).get("nsfw_scores"))
          .isEqualTo(byMode.get(FilterSettings.FaceMode.OFF).get("nsfw_scores"));
    }
  }

  private static FilterSettings withFaces(FilterSettings f, FilterSettings.FaceMode mode) {
    return f.withFaces(mode, f.faceDetector(), f.faceScore(), f.faceMargin(), f.blurStyle());
  }

  /** Each sample's JSON by the file name of its URL. */
  private static Map<String, JsonNode> shardJson(Path out) throws Exception {
    Map<String, JsonNode> byName = new HashMap<>();
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(out, "*.tar")) {
      for (Path shard : shards) {
        try (InputStream file = Files.newInputStream(shard);
            TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
          for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            if (e.getName().endsWith(".json")) {
              JsonNode json =
                  Json.mapper().readTree(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
              String url = json.get("url").asText();
              byName.put(url.substring(url.lastIndexOf('/') + 1), json);
            }
          }
        }
      }
    }
    return byName;
  }

  private static List<Rejection> read(Path folder) throws Exception {
    return RunOutputs.rejections(folder);
  }
}
