package io.winnow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.crawl.FetchSettings;
import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ResizeMode;
import io.winnow.export.WebDatasetReader;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import io.winnow.testing.FaultyImageServer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on Flink's embedded cluster against a real loopback server that misbehaves in
 * every way the crawler must survive; each fault must end as its own rejection, nothing lost.
 */
class FlinkEndToEndTest {
  @TempDir Path dir;

  /** Path on the faulty server → the outcome it must have. */
  private static final Map<String, String> EXPECTED =
      Map.ofEntries(
          Map.entry("/ok/a.jpg", "accepted"),
          Map.entry("/ok/b.png", "accepted"),
          Map.entry("/redirect/c.jpg", "accepted"),
          Map.entry("/flaky.jpg", "accepted"),
          Map.entry("/rate-limited.jpg", "accepted"),
          Map.entry("/missing.jpg", "fetch/http-not-found"),
          Map.entry("/always-500.jpg", "fetch/http-server-error"),
          Map.entry("/slow.jpg", "fetch/timeout"),
          Map.entry("/truncated.jpg", "decode/truncated-image"),
          Map.entry("/huge.jpg", "fetch/body-too-large"),
          Map.entry("/html.jpg", "fetch/not-an-image"),
          Map.entry("/loop/a", "fetch/redirect-loop"),
          Map.entry("/to-loopback", "fetch/blocked-address"));

  private static final List<String> SAME_BYTES =
      List.of("/ok/a.jpg", "/redirect/c.jpg", "/flaky.jpg", "/rate-limited.jpg");

  @Test
  void everyUrlEndsAcceptedOrWithItsOwnReason() throws Exception {
    try (FaultyImageServer server = new FaultyImageServer()) {
      List<String> lines = new ArrayList<>(List.of("url,caption"));
      Map<String, String> expectedByUrl = new HashMap<>();
      for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
        lines.add(server.url(e.getKey()) + ",\"caption for " + e.getKey() + "\"");
        expectedByUrl.put(server.url(e.getKey()), e.getValue());
      }
      lines.add(server.url("/ok/a.jpg#again") + ",duplicate");
      expectedByUrl.put(server.url("/ok/a.jpg#again"), "read/duplicate-url");
      lines.add("gopher://example.invalid/x.jpg,old");
      expectedByUrl.put("gopher://example.invalid/x.jpg", "read/unsupported-scheme");
      Path input = dir.resolve("urls.csv");
      Files.write(input, lines);

      FetchSettings fetch =
          FetchSettings.defaults()
              .withAllowedEndpoints(Set.of(server.endpoint()))
              .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(800), Duration.ofSeconds(5))
              .withRetries(2, Duration.ofMillis(20), Duration.ofSeconds(2))
              .withMaxBodyBytes(256 * 1024);
      Path output = dir.resolve("out");
      WinnowConfig config =
          WinnowConfig.of(List.of(input.toString()), output.toString())
              .withFetch(fetch)
              .withDecode(DecodeSettings.defaults().withResize(64, ResizeMode.CENTER_CROP))
              .withSamplesPerShard(3);

      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);

      Map<String, String> actual = new HashMap<>();
      List<Sample> samples = new ArrayList<>();
      for (Path shard : WebDatasetReader.shards(output, "shard")) {
        WebDatasetReader.read(
            shard,
            s -> {
              samples.add(s);
              actual.put(s.url(), "accepted");
            });
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(output.resolve("rejections"))) {
        for (Path file : files) {
          for (String line : Files.readAllLines(file)) {
            Rejection r = Json.read(line, Rejection.class);
            assertThat(actual.put(r.url(), r.stage().wireName() + "/" + r.reason().wireName()))
                .as("one outcome per URL: " + r.url())
                .isNull();
          }
        }
      }
      // The server sends the same JPEG bytes for these four paths: exactly one is kept (the
      // smallest key, which depends on the server's port), the others are exact duplicates.
      List<String> sameBytes = SAME_BYTES.stream().map(server::url).toList();
      List<String> kept = sameBytes.stream().filter(u -> actual.get(u).equals("accepted")).toList();
      assertThat(kept).hasSize(1);
      for (String url : sameBytes) {
        expectedByUrl.put(url, kept.contains(url) ? "accepted" : "dedup/exact-duplicate");
      }
      assertThat(actual).isEqualTo(expectedByUrl);
      assertThat(summary.input()).isEqualTo(expectedByUrl.size());
      assertThat(summary.accepted()).isEqualTo(2);
      assertThat(summary.rejected()).isEqualTo(expectedByUrl.size() - 2);
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.shards()).isEqualTo(1);
      assertThat(samples)
          .allSatisfy(
              s -> {
                assertThat(s.width()).isEqualTo(64);
                assertThat(s.height()).isEqualTo(64);
                assertThat(s.caption()).startsWith("caption for");
                assertThat(s.sha256()).hasSize(64);
                assertThat(s.nsfwScores()).as("default model's class scores").hasSize(5);
              });
      long embeddingRows = 0;
      for (Path shard : WebDatasetReader.shards(output, "shard")) {
        try (var in = Files.newInputStream(Path.of(shard.toString().replace(".tar", ".npy")))) {
          io.winnow.export.NpyFiles.Array npy = io.winnow.export.NpyFiles.read(in);
          assertThat(npy.shape()[1]).isEqualTo(1280);
          embeddingRows += npy.shape()[0];
        }
      }
      assertThat(embeddingRows).isEqualTo(2);
      assertThat(server.hits("/rate-limited.jpg")).isEqualTo(2);
      RunSummary onDisk = io.winnow.report.Summarize.read(output);
      assertThat(onDisk.rejectedByReason().get("fetch")).containsEntry("timeout", 1L);
      assertThat(onDisk.wallSeconds()).isPositive();
    }
  }
}
