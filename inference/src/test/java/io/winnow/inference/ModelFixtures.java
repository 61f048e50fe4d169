package io.winnow.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The tiny DINOv2-architecture ViT committed as a test resource, and copies to break. */
final class ModelFixtures {
  private ModelFixtures() {}

  static Path tinyVit() {
    try {
      return Path.of(ModelFixtures.class.getResource("/models/tiny-vit/model.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path copyOfTinyVit(Path dir) {
    try {
      for (String name : new String[] {"model.json", "model.onnx"}) {
        Files.copy(tinyVit().resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static InputStream open(String name) throws IOException {
    return Files.newInputStream(tinyVit().resolve(name));
  }
}
