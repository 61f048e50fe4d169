package io.winnow.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.winnow.export.NpyFiles;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class OnnxEmbedderTest {
  @Test
  void tinyVitMatchesPyTorchReferenceSavedAtExport() throws Exception {
    NpyFiles.Array input;
    NpyFiles.Array expected;
    try (InputStream in = ModelFixtures.open("reference-input.npy");
        InputStream out = ModelFixtures.open("reference-output.npy")) {
      input = NpyFiles.read(in);
      expected = NpyFiles.read(out);
    }
    int n = (int) input.shape()[0];
    EmbeddingModel model = EmbeddingModel.load(ModelFixtures.tinyVit().toString());
    try (OnnxEmbedder embedder = new OnnxEmbedder(model, ExecutionProvider.CPU, 2)) {
      List<OnnxEmbedder.Output> outputs = embedder.run(input.values(), n);
      for (int i = 0; i < n; i++) {
        float[] want = OnnxEmbedder.normalised(expected.row(i));
        float[] got = outputs.get(i).embedding();
        assertThat(got).hasSize(96);
        for (int k = 0; k < want.length; k++) {
          assertThat(got[k])
              .as("image %d, dim %d", i, k)
              .isCloseTo(want[k], org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThat(norm(got)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void batchingDoesNotChangeResults() throws Exception {
    NpyFiles.Array input;
    try (InputStream in = ModelFixtures.open("reference-input.npy")) {
      input = NpyFiles.read(in);
    }
    int n = (int) input.shape()[0];
    int size = input.values().length / n;
    EmbeddingModel model = EmbeddingModel.load(ModelFixtures.tinyVit().toString());
    try (OnnxEmbedder embedder = new OnnxEmbedder(model, ExecutionProvider.CPU, 2)) {
      List<OnnxEmbedder.Output> together = embedder.run(input.values(), n);
      for (int i = 0; i < n; i++) {
        float[] one = java.util.Arrays.copyOfRange(input.values(), i * size, (i + 1) * size);
        float[] alone = embedder.run(one, 1).get(0).embedding();
        float[] batched = together.get(i).embedding();
        for (int k = 0; k < alone.length; k++) {
          assertThat(batched[k]).isCloseTo(alone[k], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
    }
  }

  @Test
  void aDescriptorNamingAMissingOutputFailsAtStartup(@TempDir Path dir) throws Exception {
    ModelFixtures.copyOfTinyVit(dir);
    Path json = dir.resolve("model.json");
    Files.writeString(
        json,
        Files.readString(json)
            .replaceAll(
                "\"embedding_output\"\\s*:\\s*\"embedding\"",
                "\"embedding_output\": \"features\""));
    EmbeddingModel model = EmbeddingModel.load(dir.toString());
    assertThatThrownBy(() -> new OnnxEmbedder(model, ExecutionProvider.CPU, 1))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("has no output 'features'")
        .hasMessageContaining("[embedding]");
  }

  @Test
  void aDescriptorWithTheWrongDimensionFailsAtStartup(@TempDir Path dir) throws Exception {
    ModelFixtures.copyOfTinyVit(dir);
    Path json = dir.resolve("model.json");
    Files.writeString(
        json, Files.readString(json).replaceAll("\"dimension\"\\s*:\\s*96", "\"dimension\": 384"));
    EmbeddingModel model = EmbeddingModel.load(dir.toString());
    assertThatThrownBy(() -> new OnnxEmbedder(model, ExecutionProvider.CPU, 1))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("the descriptor says [batch, 384]");
  }

  @Test
  void aNonOnnxFileFailsAtStartup(@TempDir Path dir) throws Exception {
    ModelFixtures.copyOfTinyVit(dir);
    byte[] garbage = "not a model".getBytes();
    Files.write(dir.resolve("model.onnx"), garbage);
    Path json = dir.resolve("model.json");
    String sha =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(garbage));
    Files.writeString(
        json,
        Files.readString(json)
            .replaceAll("\"sha256\"\\s*:\\s*\"[0-9a-f]+\"", "\"sha256\": \"" + sha + "\""));
    EmbeddingModel model = EmbeddingModel.load(dir.toString());
    assertThatThrownBy(() -> new OnnxEmbedder(model, ExecutionProvider.CPU, 1))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("ONNX Runtime cannot open");
  }

  @Test
  void gpuProvidersNeedTheGpuBuild() {
    assumeFalse(Boolean.getBoolean("winnow.gpu"), "a GPU is present");
    EmbeddingModel model = EmbeddingModel.load(ModelFixtures.tinyVit().toString());
    assertThatThrownBy(() -> new OnnxEmbedder(model, ExecutionProvider.CUDA, 1))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("execution provider cuda is not available")
        .hasMessageContaining("-Pgpu");
  }

  /** Runs with -Dwinnow.gpu=true on a CUDA worker built with -Pgpu. */
  @Test
  @EnabledIfSystemProperty(named = "winnow.gpu", matches = "true")
  void cudaGivesTheCpuResults() throws Exception {
    NpyFiles.Array input;
    try (InputStream in = ModelFixtures.open("reference-input.npy")) {
      input = NpyFiles.read(in);
    }
    int n = (int) input.shape()[0];
    EmbeddingModel model = EmbeddingModel.load(ModelFixtures.tinyVit().toString());
    for (ExecutionProvider gpu :
        new ExecutionProvider[] {ExecutionProvider.CUDA, ExecutionProvider.TENSORRT}) {
      try (OnnxEmbedder cpu = new OnnxEmbedder(model, ExecutionProvider.CPU, 2);
          OnnxEmbedder onGpu = new OnnxEmbedder(model, gpu, 0)) {
        List<OnnxEmbedder.Output> a = cpu.run(input.values(), n);
        List<OnnxEmbedder.Output> b = onGpu.run(input.values(), n);
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < 96; k++) {
            assertThat(b.get(i).embedding()[k])
                .isCloseTo(a.get(i).embedding()[k], org.assertj.core.data.Offset.offset(1e-3f));
          }
        }
      }
    }
  }

  @Test
  void invalidVectorsAreNotNormalised() {
    assertThat(OnnxEmbedder.normalised(new float[] {0, 0})).isNull();
    assertThat(OnnxEmbedder.normalised(new float[] {Float.NaN, 1})).isNull();
    assertThat(OnnxEmbedder.normalised(new float[] {3, 4})).containsExactly(0.6f, 0.8f);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
