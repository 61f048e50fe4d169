package io.winnow.models.nsfwjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.schemas.Json;
import io.winnow.schemas.ModelDescriptor;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled ONNX model against TensorFlow.js' own outputs (models/nsfwjs/reference.js), and the
 * converter against the bundled model.
 */
class NsfwjsConversionTest {
  private static final String MODEL_DIR = "/io/winnow/models/nsfwjs-mobilenet-v2/";

  @Test
  void bundledModelMatchesTensorFlowJs() throws Exception {
    JsonNode reference =
        Json.mapper().readTree(resource("/nsfwjs-reference/reference-output.json"));
    byte[] pixels = resource("/nsfwjs-reference/reference-input.u8");
    int n = reference.path("results").size();
    assertThat(pixels).hasSize(n * 224 * 224 * 3);
    float[] nchw = new float[pixels.length];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < 224 * 224; p++) {
          nchw[(i * 3 + c) * 224 * 224 + p] = (pixels[(i * 224 * 224 + p) * 3 + c] & 0xff) / 255f;
        }
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(resource(MODEL_DIR + "model.onnx"));
        OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {n, 3, 224, 224});
        OrtSession.Result result = session.run(Map.of("pixels", input))) {
      float[][] probabilities = (float[][]) result.get("probabilities").get().getValue();
      float[][] embedding = (float[][]) result.get("embedding").get().getValue();
      double maxProbabilityDelta = 0;
      double maxEmbeddingDelta = 0;
      for (int i = 0; i < n; i++) {
        JsonNode expected = reference.path("results").path(i);
        for (int k = 0; k < 5; k++) {
          maxProbabilityDelta =
              Math.max(
                  maxProbabilityDelta,
                  Math.abs(
                      probabilities[i][k] - expected.path("probabilities").path(k).asDouble()));
        }
        assertThat(embedding[i]).hasSize(1280);
        for (int k = 0; k < 1280; k++) {
          maxEmbeddingDelta =
              Math.max(
                  maxEmbeddingDelta,
                  Math.abs(embedding[i][k] - expected.path("embedding").path(k).asDouble()));
        }
      }
      System.out.printf(
          "max |delta| vs TF.js: probabilities %.2e, embedding %.2e%n",
          maxProbabilityDelta, maxEmbeddingDelta);
      assertThat(maxProbabilityDelta).isLessThanOrEqualTo(1e-4);
      assertThat(maxEmbeddingDelta).isLessThanOrEqualTo(1e-3);
    }
  }

  @Test
  void descriptorDescribesTheBundledFile() throws Exception {
    ModelDescriptor d =
        Json.mapper().readValue(resource(MODEL_DIR + "model.json"), ModelDescriptor.class);
    assertThat(d.problems()).isEmpty();
    assertThat(d.sha256()).isEqualTo(ConvertNsfwjs.sha256(resource(MODEL_DIR + "model.onnx")));
    assertThat(d.classes()).containsExactly("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
    assertThat(d.dimension()).isEqualTo(1280);
  }

  @Test
  void converterReproducesTheBundledModel(@TempDir Path out) throws Exception {
    Path modules = Path.of(System.getProperty("winnow.nsfwjs.modules", "target/npm/node_modules"));
    assumeTrue(
        Files.exists(modules.resolve("nsfwjs/package.json")),
        "nsfwjs npm package not installed; run models/nsfwjs/fetch.sh (CI does)");
    ModelDescriptor converted = ConvertNsfwjs.convert(modules, out);
    assertThat(converted.sha256())
        .isEqualTo(ConvertNsfwjs.sha256(resource(MODEL_DIR + "model.onnx")));
    assertThat(Files.readAllBytes(out.resolve("model.onnx")))
        .isEqualTo(resource(MODEL_DIR + "model.onnx"));
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = NsfwjsConversionTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
