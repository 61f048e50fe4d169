package io.winnow.models.faceapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter rebuilds the SSD face model the filters module ships, byte for byte. */
class FaceApiConversionTest {
  private static final Path BUNDLED =
      Path.of("../filters/src/main/resources/io/winnow/filters/face-api-ssd-mobilenetv1");

  @Test
  void converterReproducesTheBundledModel(@TempDir Path out) throws Exception {
    Path pkg =
        Path.of(System.getProperty("winnow.nsfwjs.modules", "target/npm/node_modules"))
            .resolve("@vladmandic/face-api");
    assumeTrue(
        Files.exists(pkg.resolve("package.json")),
        "models/nsfwjs/fetch.sh installs @vladmandic/face-api (./winnow test runs it)");
    String sha = ConvertFaceApiSsd.convert(pkg, out);
    assertThat(sha)
        .isEqualTo(ConvertFaceApiSsd.sha256(Files.readAllBytes(BUNDLED.resolve("model.onnx"))));
    assertThat(Files.readAllBytes(out.resolve("anchors.f32")))
        .isEqualTo(Files.readAllBytes(BUNDLED.resolve("anchors.f32")));
  }

  @Test
  void everyWeightOfTheManifestIsRead() throws Exception {
    Path pkg =
        Path.of(System.getProperty("winnow.nsfwjs.modules", "target/npm/node_modules"))
            .resolve("@vladmandic/face-api");
    assumeTrue(Files.exists(pkg.resolve("package.json")), "face-api not installed");
    Map<String, ConvertFaceApiSsd.Weight> weights = ConvertFaceApiSsd.read(pkg.resolve("model"));
    long bytes = weights.values().stream().mapToLong(w -> w.data().length).sum();
    assertThat(bytes).isEqualTo(Files.size(pkg.resolve("model/ssd_mobilenetv1_model.bin")));
    assertThat(weights.get("Output/extra_dim").shape()).containsExactly(1, 5118, 4);
  }
}
