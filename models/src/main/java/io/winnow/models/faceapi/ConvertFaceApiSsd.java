package io.winnow.models.faceapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.models.nsfwjs.OnnxGraph;
import io.winnow.schemas.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts the SSD MobileNetV1 face detector of npm {@code @vladmandic/face-api} 1.7.15 (MIT; TF.js
 * weights manifest, uint8-quantised; the network itself is written in the package's {@code
 * src/ssdMobilenetv1/}) into ONNX, the network as face-api defines it:
 *
 * <ul>
 *   <li>MobileNetV1 (a 3×3 stride-2 conv, then 13 depthwise + pointwise pairs, strides 2 at pairs
 *       2, 4, 6 and 12; depthwise convs batch-normalised with ε = 0.001, pointwise convs with a
 *       folded offset; ReLU6 throughout);
 *   <li>the prediction layer: 8 more pointwise convs (3×3 stride 2 every other one) and six box
 *       predictors (1×1 convs on pair 11, pair 13 and prediction convs 1, 3, 5, 7).
 * </ul>
 *
 * <p>Input {@code pixels}: N × 3 × 512 × 512, RGB scaled to [-1, 1], the picture in the top-left
 * corner of a zero-padded square. Outputs {@code box_encodings} (N × 5118 × 4) and {@code
 * class_logits} (N × 5118 × 3, class 1 is "face"). The 5118 anchors ({@code Output/ extra_dim}) are
 * written beside the model as {@code anchors.f32} (little-endian float32, 5118 × 4); decoding and
 * non-maximum suppression are the detector's, in Java. Weights stay uint8 in the file and are
 * dequantised by graph nodes, as in the nsfwjs conversion.
 *
 * <pre>java ... io.winnow.models.faceapi.ConvertFaceApiSsd FACE_API_PACKAGE_DIR OUT_DIR</pre>
 */
public final class ConvertFaceApiSsd {
  static final String VERSION = "1.7.15";
  public static final int INPUT_SIZE = 512;
  public static final int ANCHORS = 5118;
  private static final float BN_EPSILON = 0.0010000000474974513f;

  private final Map<String, Weight> weights;
  private final OnnxGraph graph = new OnnxGraph("face-api-ssd-mobilenetv1");

  record Weight(long[] shape, byte[] data, Float scale, Float min) {}

  private ConvertFaceApiSsd(Map<String, Weight> weights) {
    this.weights = weights;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ConvertFaceApiSsd FACE_API_PACKAGE_DIR OUT_DIR");
      System.exit(2);
    }
    System.out.println("wrote " + convert(Path.of(args[0]), Path.of(args[1])));
  }

  /** Converts the package in {@code pkg}; returns the model's sha256. */
  public static String convert(Path pkg, Path outDir) throws IOException {
    JsonNode packageJson = Json.mapper().readTree(pkg.resolve("package.json").toFile());
    if (!VERSION.equals(packageJson.path("version").asText())) {
      throw new IllegalArgumentException(
          "expected @vladmandic/face-api "
              + VERSION
              + " in "
              + pkg
              + ", found "
              + packageJson.path("version").asText());
    }
    Map<String, Weight> weights = read(pkg.resolve("model"));
    byte[] onnx = new ConvertFaceApiSsd(weights).build();
    Files.createDirectories(outDir);
    Files.write(outDir.resolve("model.onnx"), onnx);
    Weight anchors = weights.get("Output/extra_dim");
    if (anchors == null || anchors.min() != null || anchors.data().length != ANCHORS * 16) {
      throw new IllegalArgumentException("Output/extra_dim is not " + ANCHORS + " float anchors");
    }
    Files.write(outDir.resolve("anchors.f32"), anchors.data());
    Files.copy(
        pkg.resolve("LICENSE"),
        outDir.resolve("LICENSE-face-api"),
        StandardCopyOption.REPLACE_EXISTING);
    return sha256(onnx);
  }

  /** The weights of the manifest, in the order and encoding it gives (uint8 or float32). */
  static Map<String, Weight> read(Path modelDir) throws IOException {
    JsonNode manifest =
        Json.mapper()
            .readTree(modelDir.resolve("ssd_mobilenetv1_model-weights_manifest.json").toFile());
    Map<String, Weight> out = new LinkedHashMap<>();
    for (JsonNode group : manifest) {
      ByteBuffer bytes = ByteBuffer.allocate(0);
      for (JsonNode path : group.path("paths")) {
        byte[] part = Files.readAllBytes(modelDir.resolve(path.asText()));
        bytes = ByteBuffer.allocate(bytes.capacity() + part.length).put(bytes.array()).put(part);
      }
      bytes.flip();
      for (JsonNode w : group.path("weights")) {
        long[] shape = new long[w.path("shape").size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = w.path("shape").path(i).asLong();
          count *= shape[i];
        }
        JsonNode q = w.path("quantization");
        boolean quantised = !q.isMissingNode();
        if (quantised && !q.path("dtype").asText().equals("uint8")) {
          throw new IllegalArgumentException(w.path("name") + ": quantisation " + q);
        }
        byte[] data = new byte[(int) (count * (quantised ? 1 : 4))];
        bytes.get(data);
        out.put(
            w.path("name").asText(),
            new Weight(
                shape,
                data,
                quantised ? (float) q.path("scale").asDouble() : null,
                quantised ? (float) q.path("min").asDouble() : null));
      }
    }
    return out;
  }

  byte[] build() {
    graph.input("pixels", OnnxGraph.BATCH, 3, INPUT_SIZE, INPUT_SIZE);
    String x = pointwise("MobilenetV1/Conv2d_0_pointwise", "pixels", 2);
    String conv11 = null;
    for (int i = 1; i <= 13; i++) {
      int stride = (i == 2 || i == 4 || i == 6 || i == 12) ? 2 : 1;
      x = depthwise("MobilenetV1/Conv2d_" + i + "_depthwise", x, stride);
      x = pointwise("MobilenetV1/Conv2d_" + i + "_pointwise", x, 1);
      if (i == 11) {
        conv11 = x;
      }
    }
    String[] p = new String[8];
    String in = x;
    for (int i = 0; i < 8; i++) {
      p[i] = pointwise("Prediction/Conv2d_" + i + "_pointwise", in, i % 2 == 1 ? 2 : 1);
      in = p[i];
    }
    String[] sources = {conv11, x, p[1], p[3], p[5], p[7]};
    String[] boxes = new String[6];
    String[] classes = new String[6];
    for (int i = 0; i < 6; i++) {
      String prefix = "Prediction/BoxPredictor_" + i;
      boxes[i] = flatten(prefix + "/BoxEncodingPredictor", sources[i], 4);
      classes[i] = flatten(prefix + "/ClassPredictor", sources[i], 3);
    }
    graph.node("Concat", "box_encodings", Map.of("axis", 1L), boxes);
    graph.node("Concat", "class_logits", Map.of("axis", 1L), classes);
    graph.output("box_encodings", OnnxGraph.BATCH, ANCHORS, 4);
    graph.output("class_logits", OnnxGraph.BATCH, ANCHORS, 3);
    graph.metadata(
        "source",
        "npm @vladmandic/face-api@"
            + VERSION
            + " model/ssd_mobilenetv1_model (SSD MobileNetV1 face detector)");
    graph.metadata("license", "MIT");
    graph.metadata("converted_by", "io.winnow.models.faceapi.ConvertFaceApiSsd");
    return graph.toBytes("winnow face-api converter", "1");
  }

  /** A conv with a folded batch-norm offset and ReLU6 (face-api's pointwiseConvLayer). */
  private String pointwise(String name, String x, int stride) {
    String conv =
        conv(name + "/weights", x, stride, false, dequantized(name + "/convolution_bn_offset"));
    return relu6(name, conv);
  }

  private String depthwise(String name, String x, int stride) {
    String conv = conv(name + "/depthwise_weights", x, stride, true, null);
    String bn =
        graph.node(
            "BatchNormalization",
            name + ":bn",
            Map.of("epsilon", BN_EPSILON),
            conv,
            dequantized(name + "/BatchNorm/gamma"),
            dequantized(name + "/BatchNorm/beta"),
            dequantized(name + "/BatchNorm/moving_mean"),
            dequantized(name + "/BatchNorm/moving_variance"));
    return relu6(name, bn);
  }

  /** A box predictor's 1×1 conv with bias, as N × (H·W·anchors) × values, in TF's order. */
  private String flatten(String name, String x, long values) {
    String conv = conv(name + "/weights", x, 1, false, dequantized(name + "/biases"));
    String nhwc =
        graph.node("Transpose", name + ":nhwc", Map.of("perm", new long[] {0, 2, 3, 1}), conv);
    return graph.node(
        "Reshape", name + ":flat", nhwc, graph.int64s(name + ":shape", 0, -1, values));
  }

  private String conv(String weightName, String x, int stride, boolean depthwise, String bias) {
    Weight kernel = weight(weightName);
    long kh = kernel.shape()[0];
    long kw = kernel.shape()[1];
    long in = kernel.shape()[2];
    String w = dequantized(weightName);
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("kernel_shape", new long[] {kh, kw});
    attrs.put("strides", new long[] {stride, stride});
    attrs.put("auto_pad", "SAME_UPPER"); // TF's 'same' puts the odd pixel at the end
    String onnxWeight;
    if (depthwise) {
      onnxWeight =
          graph.node("Transpose", weightName + ":onnx", Map.of("perm", new long[] {2, 3, 0, 1}), w);
      attrs.put("group", in);
    } else {
      onnxWeight =
          graph.node("Transpose", weightName + ":onnx", Map.of("perm", new long[] {3, 2, 0, 1}), w);
    }
    return bias == null
        ? graph.node("Conv", weightName + ":conv", attrs, x, onnxWeight)
        : graph.node("Conv", weightName + ":conv", attrs, x, onnxWeight, bias);
  }

  private String relu6(String name, String x) {
    return graph.node(
        "Clip",
        name + ":relu6",
        x,
        graph.scalar(name + ":min", 0f),
        graph.scalar(name + ":max", 6f));
  }

  private Weight weight(String name) {
    Weight w = weights.get(name);
    if (w == null) {
      throw new IllegalArgumentException("weight " + name + " is not in the manifest");
    }
    return w;
  }

  private String dequantized(String name) {
    Weight w = weight(name);
    if (w.min() == null) {
      float[] values = new float[w.data().length / 4];
      ByteBuffer.wrap(w.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return graph.floats(name, w.shape(), values);
    }
    String q = graph.uint8s(name + ":q", w.shape(), w.data());
    String f = graph.node("Cast", name + ":f", Map.of("to", 1L), q);
    String scaled =
        graph.node("Mul", name + ":scaled", f, graph.scalar(name + ":scale", w.scale()));
    return graph.node("Add", name, scaled, graph.scalar(name + ":min", w.min()));
  }

  static String sha256(byte[] bytes) {
    return io.winnow.schemas.Digests.sha256Hex(bytes);
  }
}
