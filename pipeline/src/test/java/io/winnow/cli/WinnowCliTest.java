package io.winnow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.report.Summarize;
import io.winnow.schemas.RunSummary;
import io.winnow.testing.FaultyImageServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WinnowCliTest {
  @TempDir Path dir;

  @Test
  void runsFromAConfigFileWithFlagsWinning() throws Exception {
    try (FaultyImageServer server = new FaultyImageServer()) {
      Path urls = dir.resolve("urls.txt");
      Files.writeString(urls, server.url("/ok/1.jpg") + "\n" + server.url("/missing.jpg") + "\n");
      Path config = dir.resolve("winnow.yaml");
      Files.writeString(
          config,
          "input: ["
              + urls
              + "]\n"
              + "allow_endpoint: ["
              + server.endpoint()
              + "]\n"
              + "image-size: 32\n"
              + "resize-mode: center_crop\n"
              + "runner: direct\n");
      Path out = dir.resolve("out");
      int exit =
          WinnowCli.execute(
              "run", "--config", config.toString(), "-o", out.toString(), "--image-size", "48");
      assertThat(exit).isZero();
      RunSummary summary = Summarize.read(out);
      assertThat(summary.accepted()).isEqualTo(1);
      assertThat(summary.rejectedByReason().get("fetch")).containsEntry("http-not-found", 1L);
      assertThat(Files.readString(out.resolve("shard-000000_stats.json")))
          .contains("\"count\" : 1");
      io.winnow.export.WebDatasetReader.read(
          out.resolve("shard-000000.tar"),
          s -> assertThat(s.width()).as("the flag wins over the file").isEqualTo(48));
    }
  }

  /**
   * A dataset built without embeddings commits (it once died at its commit) and refreshes, keeping
   * byte copies out: the server gives every {@code /ok/*.jpg} the same bytes, and every {@code
   * /ok/*.png} the same other bytes.
   */
  @Test
  void aDatasetWithoutEmbeddingsCommitsAndRefreshesWithoutByteCopies() throws Exception {
    try (FaultyImageServer server = new FaultyImageServer()) {
      Path dataset = dir.resolve("dataset");
      Path first =
          Files.writeString(
              dir.resolve("first.txt"),
              server.url("/ok/1.jpg")
                  + "\n"
                  + server.url("/ok/1.png")
                  + "\n"
                  + server.url("/ok/2.jpg")
                  + "\n");
      Path second =
          Files.writeString(
              dir.resolve("second.txt"),
              server.url("/ok/3.jpg") + "\n" + server.url("/ok/1.jpg") + "\n");
      String[] common = {
        "--no-embed",
        "--no-nsfw",
        "--faces",
        "off",
        "--runner",
        "direct",
        "--allow-endpoint",
        server.endpoint()
      };
      assertThat(
              WinnowCli.execute(
                  concat(
                      new String[] {"run", "--dataset", dataset.toString(), "-i", first.toString()},
                      common)))
          .isZero();
      RunSummary built = Summarize.read(dataset.resolve("runs/v000001"));
      assertThat(built.accepted()).as("one JPEG, one PNG").isEqualTo(2);
      assertThat(built.rejectedByReason().get("dedup")).containsEntry("exact-duplicate", 1L);

      assertThat(
              WinnowCli.execute(
                  concat(
                      new String[] {
                        "refresh", "--dataset", dataset.toString(), "-i", second.toString()
                      },
                      common)))
          .isZero();
      assertThat(Files.readString(dataset.resolve("CURRENT")).strip()).isEqualTo("v000002");
      RunSummary refreshed = Summarize.read(dataset.resolve("runs/v000002"));
      assertThat(refreshed.accepted()).isZero();
      assertThat(refreshed.rejectedByReason().get("dedup"))
          .as("the new URL's bytes are in the dataset")
          .containsEntry("exact-duplicate", 1L);
      assertThat(refreshed.rejectedByReason().get("read")).containsEntry("already-seen", 1L);
      assertThat(
              io.winnow.testing.RunOutputs.rejections(
                  dataset.resolve("runs/v000002/batch-00000/rejections")))
          .filteredOn(r -> r.reason().wireName().equals("exact-duplicate"))
          .singleElement()
          .satisfies(r -> assertThat(r.detail()).endsWith("already in the dataset"));
      try (var left = Files.list(dataset.resolve("work"))) {
        assertThat(left).as("no unfinished version left").isEmpty();
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void explainsBadUsageInsteadOfCrashing() throws Exception {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      assertThat(
              WinnowCli.execute(
                  "run",
                  "-i",
                  dir.resolve("nothing-*.csv").toString(),
                  "-o",
                  dir.resolve("o").toString()))
          .isEqualTo(2);
      Path config = dir.resolve("bad.yaml");
      Files.writeString(config, "imagesize: 12\n");
      assertThat(WinnowCli.execute("run", "--config", config.toString(), "-i", "x", "-o", "y"))
          .isEqualTo(2);
      assertThat(WinnowCli.execute("run", "-i", "x", "-o", "y", "--resize-mode", "stretch"))
          .isEqualTo(2);
      Path urls = Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1:9/a.jpg\n");
      assertThat(
              WinnowCli.execute(
                  "run",
                  "-i",
                  urls.toString(),
                  "-o",
                  dir.resolve("m").toString(),
                  "--runner",
                  "direct",
                  "--model",
                  dir.resolve("no-model/model.json").toString()))
          .isEqualTo(2);
      assertThat(
              WinnowCli.execute(
                  "run",
                  "-i",
                  urls.toString(),
                  "-o",
                  dir.resolve("n").toString(),
                  "--seed-set",
                  "cats=/seeds;neighbours=4"))
          .isEqualTo(2);
      assertThat(
              WinnowCli.execute(
                  "run",
                  "-i",
                  urls.toString(),
                  "-o",
                  dir.resolve("p").toString(),
                  "--faces",
                  "hide"))
          .isEqualTo(2);
      assertThat(
              WinnowCli.execute(
                  "refresh",
                  "--dataset",
                  dir.resolve("d").toString(),
                  "-i",
                  urls.toString(),
                  "--retry-failed-after",
                  "soon"))
          .isEqualTo(2);
      assertThat(
              WinnowCli.execute(
                  "refresh",
                  "--dataset",
                  dir.resolve("d").toString(),
                  "-i",
                  urls.toString(),
                  "--batches",
                  "0"))
          .isEqualTo(2);
      assertThat(WinnowCli.execute("takedown", "--dataset", dir.resolve("d").toString()))
          .isEqualTo(2);
      assertThat(WinnowCli.execute("run", "-i", urls.toString())).isEqualTo(2);
      Path versioned = Files.createDirectories(dir.resolve("versioned"));
      Files.writeString(versioned.resolve("CURRENT"), "v000001\n");
      assertThat(WinnowCli.execute("run", "-i", urls.toString(), "--dataset", versioned.toString()))
          .isEqualTo(2);
      assertThat(err.toString())
          .contains("give either --output or --dataset")
          .contains("already has versions: add to it with `winnow refresh`");
      assertThat(err.toString())
          .contains("--retry-failed-after takes a duration")
          .contains("--batches must be at least 1")
          .contains("give --urls, --domains, --keys or --known-bad-hashes");
    } finally {
      System.setErr(originalErr);
    }
    assertThat(err.toString())
        .contains("matches no file")
        .contains("unknown option 'imagesize'")
        .contains("stretch")
        .contains("model descriptor " + dir.resolve("no-model/model.json") + " does not exist")
        .contains("unknown option(s) [neighbours]")
        .contains("HIDE");
  }

  @Test
  void helpListsEveryStageOption() {
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    try {
      assertThat(WinnowCli.execute("run", "--help")).isZero();
    } finally {
      System.setOut(originalOut);
    }
    assertThat(out.toString())
        .contains(
            "--input",
            "--runner",
            "--per-host-concurrency",
            "--allow-loopback",
            "--resize-mode",
            "--samples-per-shard",
            "--config",
            "--model",
            "--execution-provider",
            "--embed-batch-size",
            "--no-embed",
            "--block-list",
            "--allow-list",
            "--opt-out-list",
            "--known-bad-hashes",
            "--no-robots",
            "--opt-out-headers",
            "--nsfw-threshold",
            "--faces",
            "--face-detector",
            "--blur-style",
            "--seed-set",
            "--balanced",
            "--eval-set");
    // Grouped by stage, in the pipeline's order, each option under its stage's heading.
    String help = out.toString();
    List<String> inOrder =
        List.of(
            "--input",
            "Runner and failure budget:",
            "--runner",
            "Read URL lists:",
            "--url-column",
            "Fetch (politeness, SSRF guard):",
            "--per-host-concurrency",
            "Domains, opt-outs and known-bad hashes:",
            "--known-bad-hashes",
            "Consent: robots.txt and opt-out headers:",
            "--opt-out-headers",
            "NSFW and faces:",
            "--blur-style",
            "Decode and resize:",
            "--resize-mode",
            "Embed:",
            "--embed-batch-size",
            "Dedup and decontamination:",
            "--eval-set",
            "Seed retrieval and balanced sampling:",
            "--balanced",
            "Export:",
            "--samples-per-shard");
    int at = -1;
    for (String text : inOrder) {
      int next = help.indexOf(text, at + 1);
      assertThat(next).as("%s after the text before it", text).isGreaterThan(at);
      at = next;
    }
  }
}
