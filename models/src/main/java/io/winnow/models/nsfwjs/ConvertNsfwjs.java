package io.winnow.models.nsfwjs;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.schemas.Json;
import io.winnow.schemas.ModelDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts nsfwjs' MobileNetV2 (TF.js layers format, uint8-quantised) into the ONNX model Winnow
 * ships, with two outputs: the 5 class probabilities and the 1280-d pooled features.
 *
 * <pre>
 * java ... io.winnow.models.nsfwjs.ConvertNsfwjs NODE_MODULES_DIR OUT_DIR
 * </pre>
 *
 * <p>The result is byte-for-byte deterministic for the same package. Thresholds already measured in
 * {@code OUT_DIR/model.json} by the copy-detection check are kept; see models/README.md.
 */
public final class ConvertNsfwjs {
  public static final String NAME = "nsfwjs-mobilenet-v2";
  static final String PACKAGE_VERSION = "4.4.0";
  static final String EMBEDDING_LAYER = "flatten_1";
  static final List<String> CLASSES = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
  static final List<String> UNSAFE = List.of("Hentai", "Porn", "Sexy");

  private ConvertNsfwjs() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ConvertNsfwjs NODE_MODULES_DIR OUT_DIR");
      System.exit(2);
    }
    ModelDescriptor d = convert(Path.of(args[0]), Path.of(args[1]));
    System.out.printf(
        "wrote %s (%s, sha256 %s)%n", Path.of(args[1], d.file()), d.name(), d.sha256());
  }

  /** Converts the package found under {@code nodeModules} and writes model, descriptor, license. */
  public static ModelDescriptor convert(Path nodeModules, Path outDir) throws IOException {
    Path pkg = nodeModules.resolve("nsfwjs");
    JsonNode packageJson = Json.mapper().readTree(pkg.resolve("package.json").toFile());
    String version = packageJson.path("version").asText();
    if (!PACKAGE_VERSION.equals(version)) {
      throw new IllegalArgumentException(
          "expected nsfwjs "
              + PACKAGE_VERSION
              + " under "
              + nodeModules
              + ", found "
              + version
              + " (models/nsfwjs/fetch.sh installs it)");
    }
    Path dir = pkg.resolve("dist/models/mobilenet_v2");
    JsonNode model = TfjsModules.exportedObject(Files.readString(dir.resolve("model.min.js")));
    byte[] weights =
        TfjsModules.exportedBase64(
            Files.readString(dir.resolve("group1-shard1of1.min.js"), StandardCharsets.US_ASCII));

    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("source", "npm nsfwjs@" + version + " dist/models/mobilenet_v2 (Infinite Red)");
    metadata.put("license", "MIT");
    metadata.put("converted_by", "io.winnow.models.nsfwjs.ConvertNsfwjs");
    byte[] onnx = new KerasToOnnx(model, weights, NAME).convert(EMBEDDING_LAYER, metadata);

    Files.createDirectories(outDir);
    Files.write(outDir.resolve("model.onnx"), onnx);
    Files.copy(
        pkg.resolve("LICENSE"),
        outDir.resolve("LICENSE-nsfwjs"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    double duplicate = 0.9;
    double eval = 0.8;
    String thresholdSource = "placeholder until measured by bench/copy-detection.sh";
    Path descriptorFile = outDir.resolve("model.json");
    if (Files.exists(descriptorFile)) {
      ModelDescriptor previous =
          Json.mapper().readValue(descriptorFile.toFile(), ModelDescriptor.class);
      duplicate = previous.duplicateThreshold();
      eval = previous.evalThreshold();
      thresholdSource = previous.thresholdSource();
    }
    ModelDescriptor descriptor =
        new ModelDescriptor(
            NAME,
            "model.onnx",
            sha256(onnx),
            KerasToOnnx.INPUT,
            224,
            ModelDescriptor.Resize.STRETCH,
            null,
            new float[] {0, 0, 0},
            new float[] {1, 1, 1},
            "RGB",
            "NCHW",
            KerasToOnnx.EMBEDDING,
            1280,
            KerasToOnnx.CLASSES,
            CLASSES,
            UNSAFE,
            duplicate,
            eval,
            thresholdSource,
            "npm nsfwjs@"
                + version
                + " (MobileNetV2, TF.js layers, uint8-quantised), converted by "
                + "models/nsfwjs/convert.sh; an ImageNet-pretrained CNN fine-tuned for NSFW "
                + "classes, not a self-supervised ViT",
            "MIT (Copyright (c) 2019 Infinite Red, Inc.; see LICENSE-nsfwjs)",
            new ModelDescriptor.Reference(
                "reference-input.u8",
                "reference-output.json",
                null,
                "TensorFlow.js 4.22.0 CPU backend, models/nsfwjs/reference.js"));
    Files.writeString(descriptorFile, Json.writePretty(descriptor) + "\n");
    return descriptor;
  }

  static String sha256(byte[] bytes) {
    return io.winnow.schemas.Digests.sha256Hex(bytes);
  }
}
