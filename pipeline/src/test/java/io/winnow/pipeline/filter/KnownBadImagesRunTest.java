package io.winnow.pipeline.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.copydetect.Pdq;
import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.SafetyLists;
import io.winnow.filters.FilterSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.pipeline.testing.DemoImages;
import io.winnow.schemas.Digests;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.testing.RunOutputs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known-bad hash lists made from the demo corpus, on Flink: each kind of entry refuses its image
 * right after decoding, the detail names the list and line, and the report only counts them.
 */
class KnownBadImagesRunTest {
  @TempDir Path dir;

  @Test
  void eachKindOfHashRefusesItsImageBeforeAnythingIsStored() throws Exception {
    try (DemoServer server = DemoServer.start()) {
      String base = server.baseUrl();
      Path urls =
          Files.write(
              dir.resolve("urls.txt"),
              List.of(
                  base + "/images/astronaut.jpg",
                  base + "/images/coffee.jpg",
                  base + "/images/rocket.jpg",
                  base + "/images/chelsea.jpg",
                  base + "/images/camera.jpg"));
      Path digests =
          Files.write(
              dir.resolve("hotline.txt"),
              List.of(
                  "# digests of downloaded files",
                  "md5:" + Digests.md5Hex(demo("coffee.jpg")),
                  "sha256:" + Digests.sha256Hex(demo("rocket.jpg")).toUpperCase()));
      // PDQ of the originals, as a hotline computes it: the pipeline hashes the stored 256 px
      // picture, and the camera entry is of the photo mirrored, found through the dihedrals.
      Path pdq = dir.resolve("pdq.txt.gz");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(pdq))) {
        out.write(
            ("pdq:"
                    + pdqOf(demo("chelsea.jpg"), false).hex()
                    + "\n"
                    + "pdq:"
                    + pdqOf(demo("camera.jpg"), true).hex()
                    + " 40\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      Path out = dir.resolve("out");
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), out.toString())
              .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
              .withFilter(
                  FilterSettings.defaults()
                      .withKnownBadLists(List.of(digests.toString(), pdq.toString())));
      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.accepted()).isEqualTo(1);

      List<Rejection> rejections = RunOutputs.rejections(out.resolve("rejections"));
      assertThat(rejections)
          .hasSize(4)
          .allSatisfy(
              r -> {
                assertThat(r.reason().wireName()).isEqualTo("known-bad-image");
                assertThat(r.stage().wireName()).isEqualTo("filter");
              });
      assertThat(detailOf(rejections, "coffee.jpg"))
          .isEqualTo("on known-bad list " + digests + " line 2 (md5)");
      assertThat(detailOf(rejections, "rocket.jpg"))
          .isEqualTo("on known-bad list " + digests + " line 3 (sha256)");
      assertThat(detailOf(rejections, "chelsea.jpg"))
          .startsWith("on known-bad list " + pdq + " line 1 (pdq, distance ");
      assertThat(detailOf(rejections, "camera.jpg"))
          .startsWith("on known-bad list " + pdq + " line 2 (pdq, distance ");
      // Nothing of them was stored: the one thumbnail is the astronaut's.
      try (var thumbs = Files.list(out.resolve("report/thumbs"))) {
        assertThat(thumbs.count()).isEqualTo(1);
      }
      // The report counts them and shows none of their URLs.
      String html = Files.readString(out.resolve("report/index.html"));
      assertThat(html)
          .contains("known-bad-image")
          .doesNotContain(
              "/images/coffee.jpg",
              "/images/rocket.jpg",
              "/images/chelsea.jpg",
              "/images/camera.jpg");
      JsonNode metrics = Json.mapper().readTree(out.resolve("metrics.json").toFile());
      assertThat(metrics.get("rejection_examples").get("filter").get("known-bad-image")).isEmpty();
      JsonNode recorded = metrics.get("config");
      assertThat(recorded.get("filter.known_bad_entries").get("pdq").asInt()).isEqualTo(2);
      assertThat(recorded.get("filter.known_bad_entries").get("md5").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aBadHashListStopsTheRunBeforeAnyFetch() throws Exception {
    Path urls = Files.write(dir.resolve("urls.txt"), List.of("http://127.0.0.1:9/a.jpg"));
    Path list = Files.write(dir.resolve("bad.txt"), List.of("md5:00"));
    WinnowConfig config =
        WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
            .withFilter(FilterSettings.defaults().withKnownBadLists(List.of(list.toString())));
    assertThatThrownBy(() -> RunWinnow.run(config, RunWinnow.options("direct", 1), null, false))
        .isInstanceOf(SafetyLists.ListException.class)
        .hasMessageContaining("known-bad list " + list + " line 1");
  }

  private static byte[] demo(String name) throws IOException {
    return DemoImages.bytes(name);
  }

  private static Pdq.Hash pdqOf(byte[] encoded, boolean mirrored) throws IOException {
    return DemoImages.pdqOf(encoded, mirrored);
  }

  private static String detailOf(List<Rejection> rejections, String image) {
    return rejections.stream()
        .filter(r -> r.url().endsWith("/" + image))
        .findFirst()
        .orElseThrow()
        .detail();
  }
}
