package io.winnow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.testing.FaultyImageServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken stage fails the job, with a message and exit code 4, instead of turning every image into
 * an {@code internal-error} rejection of a run that still balances. (Ordinary bad images stay
 * rejections: WinnowCliTest, and the storm's control in FingerprintImagesTest.)
 */
class SystemicFailuresTest {
  @TempDir Path dir;

  private Path urls(FaultyImageServer server) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add(server.url("/ok/" + i + ".jpg"));
    }
    lines.add(server.url("/missing.jpg"));
    return Files.write(dir.resolve("urls.txt"), lines);
  }

  private static boolean anyShard(Path out) throws Exception {
    if (!Files.isDirectory(out)) {
      return false;
    }
    try (Stream<Path> files = Files.list(out)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".tar"));
    }
  }

  /**
   * The tiny ViT told it takes 96-pixel images: it loads (names and outputs match) and then fails
   * on every batch, as a model exported wrongly, or a runtime or GPU that broke, would.
   */
  @Test
  void aModelThatFailsOnEveryImageFailsTheJob() throws Exception {
    Path model = Files.createDirectories(dir.resolve("broken-model"));
    // The tiny ViT is inference's test resource, on this classpath through its test-jar.
    try (InputStream onnx = getClass().getResourceAsStream("/models/tiny-vit/model.onnx");
        InputStream json = getClass().getResourceAsStream("/models/tiny-vit/model.json")) {
      assertThat(onnx).as("inference's test-jar with the tiny ViT").isNotNull();
      Files.copy(onnx, model.resolve("model.onnx"));
      Files.writeString(
          model.resolve("model.json"),
          new String(json.readAllBytes(), StandardCharsets.UTF_8)
              .replace("\"input_size\" : 112", "\"input_size\" : 96")
              .replace("\"resize_short_side\" : 128", "\"resize_short_side\" : 110"));
    }
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    Path out = dir.resolve("out");
    try (FaultyImageServer server = new FaultyImageServer()) {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit =
          WinnowCli.execute(
              "run",
              "-i",
              urls(server).toString(),
              "-o",
              out.toString(),
              "--allow-endpoint",
              server.endpoint(),
              "--runner",
              "direct",
              "--no-nsfw",
              "--faces",
              "off",
              "--model",
              model.resolve("model.json").toString());
    } finally {
      System.setErr(originalErr);
    }
    assertThat(exit).as(err.toString()).isEqualTo(WinnowCli.EXIT_SYSTEMIC);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("winnow: the job failed: embed: the model tiny-dinov2-random (")
        .contains("failed on a batch of")
        .contains("and on each of them alone");
    assertThat(anyShard(out)).as("nothing exported").isFalse();
  }

  /**
   * A worker without OpenCV's natives for its platform: here, a JVM told it runs on ARM, so JavaCPP
   * looks for natives this machine's jars do not have.
   */
  @Test
  void aMissingNativeLibraryFailsTheJob() throws Exception {
    Path out = dir.resolve("out");
    Process process;
    try (FaultyImageServer server = new FaultyImageServer()) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dorg.bytedeco.javacpp.platform=linux-arm64",
                  "-cp",
                  System.getProperty("java.class.path"),
                  WinnowCli.class.getName(),
                  "run",
                  "-i",
                  urls(server).toString(),
                  "-o",
                  out.toString(),
                  "--allow-endpoint",
                  server.endpoint(),
                  "--runner",
                  "direct",
                  "--no-nsfw",
                  "--faces",
                  "off",
                  "--no-embed"));
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("log.txt").toFile())
              .start();
      assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the run ends").isTrue();
    }
    String log = Files.readString(dir.resolve("log.txt"));
    assertThat(process.exitValue()).as(log).isEqualTo(WinnowCli.EXIT_SYSTEMIC);
    assertThat(log)
        .contains(
            "winnow: the job failed: decode: a native library cannot be loaded " + "on this worker")
        .containsAnyOf("UnsatisfiedLinkError", "NoClassDefFoundError");
    assertThat(anyShard(out)).as("nothing exported").isFalse();
  }
}
