package io.winnow.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.crawl.FetchSettings;
import io.winnow.filters.FilterSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoCorpus;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.Json;
import io.winnow.schemas.RunSummary;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of the demo run: every section with the demo's counts, then a real browser (headless
 * Chromium) loads it: no console errors, no broken images, a screenshot in
 * pipeline/target/report-screenshot.png.
 */
class DemoReportTest {
  @TempDir Path dir;

  @Test
  void theDemoReportHasEverySectionAndLoadsCleanlyInABrowser() throws Exception {
    Path out = dir.resolve("demo");
    try (DemoServer server = DemoServer.start()) {
      Path urls = DemoCorpus.writeUrlList(out.resolve("input/urls.csv"), server.baseUrl());
      DemoCorpus.SafetyListFiles lists =
          DemoCorpus.writeSafetyLists(out.resolve("input"), server.baseUrl());
      WinnowConfig config =
          WinnowConfig.of(List.of(urls.toString()), out.toString())
              .withFetch(
                  FetchSettings.defaults()
                      .withAllowedEndpoints(Set.of(server.endpoint()))
                      .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(5)))
              .withFilter(
                  FilterSettings.defaults()
                      .withLists(
                          List.of(lists.blockList()), List.of(), List.of(lists.optOutList())));
      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);
      assertThat(summary.balanced()).isTrue();
    }
    int input = DemoCorpus.ENTRIES.size();
    Path index = out.resolve("report/index.html");
    String html = Files.readString(index);
    assertThat(html).contains(input + " URLs · 14 accepted · " + (input - 14) + " rejected");
    for (String section :
        List.of(
            "funnel",
            "rejections",
            "duplicates",
            "faces",
            "nsfw",
            "retrieval",
            "samples",
            "timing",
            "config")) {
      assertThat(html).as(section).contains("id=\"" + section + "\"");
    }
    for (DemoCorpus.Entry e : DemoCorpus.ENTRIES) {
      if (!e.expected().equals("accepted")) {
        assertThat(html).as(e.path()).contains(e.expected());
      }
    }
    assertThat(html).contains("14 images checked, 2 with faces (2 faces, blurred)");
    JsonNode metrics = Json.mapper().readTree(out.resolve("metrics.json").toFile());
    assertThat(metrics.get("funnel").get(0).get("count").asLong()).isEqualTo(input);
    assertThat(metrics.get("funnel").get(8).get("count").asLong()).isEqualTo(14);
    // Every image the page shows is a file beside it.
    Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    int images = 0;
    while (img.find()) {
      assertThat(index.resolveSibling(img.group(1))).isRegularFile();
      images++;
    }
    // 14 exported images, and two duplicate pairs (same bytes; the resized cat) kept when removed.
    assertThat(images).isEqualTo(18);
    JsonNode pairs = metrics.get("duplicate_examples");
    assertThat(pairs).hasSize(2);
    assertThat(pairs.get(0).get("removed_url").asText()).endsWith("chelsea_near_duplicate.jpg");
    assertThat(pairs.get(0).get("similarity").asDouble()).isBetween(0.9, 0.9999);
    assertThat(pairs.get(1).get("exact").asBoolean()).isTrue();
    assertThat(pairs.get(1).get("removed_url").asText()).contains("shapes.jpg");
    for (JsonNode pair : pairs) {
      assertThat(index.resolveSibling(pair.get("kept_thumbnail").asText())).isRegularFile();
      assertThat(index.resolveSibling(pair.get("removed_thumbnail").asText())).isRegularFile();
    }
    // Per-stage timings from Beam metrics: every stage the demo runs did work on its images.
    List<String> timed = new ArrayList<>();
    metrics
        .get("stage_timings")
        .forEach(
            t -> {
              timed.add(t.get("stage").asText());
              // Seconds are rounded in the file: the domain check of 26 URLs can round to 0.0.
              assertThat(t.get("items").asLong()).as(t.toString()).isPositive();
              assertThat(t.get("seconds").asDouble()).as(t.toString()).isNotNegative();
            });
    assertThat(timed)
        .containsSubsequence("domains", "fetch", "decode", "faces", "embed", "dedup", "export");
    assertThat(metrics.get("stage_timings").get(timed.indexOf("export")).get("items").asLong())
        .isEqualTo(14);
    assertThat(html).contains("Per stage").contains("cosine 0.9");

    String chromium = chromium();
    Assumptions.assumeTrue(
        chromium != null,
        "no chromium on this machine (`deploy/setup.sh "
            + "chromium` installs it): the report's browser check is skipped");
    // A copy with a probe script, beside the page so its relative links resolve the same way;
    // the shipped page has no script.
    Path probe = index.resolveSibling(".browser-check.html");
    Files.writeString(
        probe,
        html.replace(
            "</body>",
            "<script>addEventListener('load',()=>{"
                + "document.body.dataset.images=document.images.length;document.body.dataset.broken="
                + "[...document.images].filter(i=>!i.complete||i.naturalWidth===0).length;});"
                + "</script></body>"));
    Run dom = run(chromium, "--virtual-time-budget=5000", "--dump-dom", probe.toUri().toString());
    Files.delete(probe);
    assertThat(dom.stdout()).contains("data-images=\"18\"").contains("data-broken=\"0\"");
    Path screenshot = Path.of("target", "report-screenshot.png").toAbsolutePath();
    Run shot =
        run(
            chromium,
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
            "--window-size=1200,3000",
            "--screenshot=" + screenshot,
            index.toUri().toString());
    assertThat(consoleLines(shot.stderr())).as("console messages").isEmpty();
    assertThat(screenshot).isRegularFile();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

  record Run(String stdout, String stderr) {}

  private static Run run(String chromium, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--user-data-dir=" + Files.createTempDirectory("chromium")));
    command.addAll(List.of(args));
    File stdout = File.createTempFile("chromium", ".out");
    File stderr = File.createTempFile("chromium", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 120 s: " + command);
    }
    return new Run(
        Files.readString(stdout.toPath(), StandardCharsets.UTF_8),
        Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
  }

  /** Console messages Chromium logs (":CONSOLE" lines): errors, warnings and logs alike. */
  private static List<String> consoleLines(String log) {
    return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
  }

  private static String chromium() {
    String configured = System.getenv("CHROMIUM");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return configured;
    }
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path candidate = Path.of(folder, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }
}
