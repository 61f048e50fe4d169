package io.winnow.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingModelTest {
  @Test
  void loadsTheBuiltinDefault() {
    EmbeddingModel model = EmbeddingModel.load(EmbeddingModel.DEFAULT);
    assertThat(model.builtin()).isTrue();
    assertThat(model.descriptor().name()).isEqualTo("nsfwjs-mobilenet-v2");
    assertThat(model.descriptor().dimension()).isEqualTo(1280);
  }

  @Test
  void loadsAFolderOrItsDescriptor() {
    Path dir = ModelFixtures.tinyVit();
    assertThat(EmbeddingModel.load(dir.toString()).descriptor().dimension()).isEqualTo(96);
    assertThat(EmbeddingModel.load(dir.resolve("model.json").toString()).filePath())
        .isEqualTo(dir.resolve("model.onnx").toString());
  }

  @Test
  void refusesAChangedModelFile(@TempDir Path dir) throws Exception {
    ModelFixtures.copyOfTinyVit(dir);
    byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
    bytes[bytes.length / 2] ^= 1;
    Files.write(dir.resolve("model.onnx"), bytes);
    assertThatThrownBy(() -> EmbeddingModel.load(dir.toString()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("does not match its descriptor")
        .hasMessageContaining("sha256 is");
  }

  @Test
  void refusesAMissingModelFile(@TempDir Path dir) throws Exception {
    ModelFixtures.copyOfTinyVit(dir);
    Files.delete(dir.resolve("model.onnx"));
    assertThatThrownBy(() -> EmbeddingModel.load(dir.toString()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model.onnx does not exist");
  }

  @Test
  void listsEveryProblemOfABadDescriptor(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("model.json"),
        "{\"name\": \"x\", \"file\": \"m.onnx\", \"sha256\": \"abc\", \"layout\": \"CHW\"}");
    assertThatThrownBy(() -> EmbeddingModel.load(dir.toString()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("is invalid")
        .hasMessageContaining("sha256 must be 64")
        .hasMessageContaining("layout must be NCHW or NHWC")
        .hasMessageContaining("dimension must be positive");
  }

  @Test
  void namesUnknownBuiltins() {
    assertThatThrownBy(() -> EmbeddingModel.load("builtin:nope"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("no built-in model builtin:nope");
  }
}
