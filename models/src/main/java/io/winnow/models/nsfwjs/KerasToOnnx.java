package io.winnow.models.nsfwjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a TF.js "layers" model (a Keras functional model, channels-last) into an ONNX graph
 * that runs channels-first. Covers the layers of nsfwjs' MobileNetV2 and the usual Keras image
 * heads; any other layer fails the conversion by name rather than being skipped.
 *
 * <p>uint8-quantised weights stay quantised in the file: each is stored as bytes plus its {@code
 * min} and {@code scale} and dequantised by three graph nodes ({@code q * scale + min}, as TF.js
 * does on load), which ONNX Runtime folds into constants when the session opens.
 */
final class KerasToOnnx {
  static final String INPUT = "pixels";
  static final String CLASSES = "probabilities";
  static final String EMBEDDING = "embedding";

  private record Weight(long[] shape, String dtype, byte[] data, Float min, Float scale) {}

  private final JsonNode topology;
  private final Map<String, Weight> weights = new HashMap<>();
  private final OnnxGraph graph;
  private final Map<String, String> tensorOf = new HashMap<>();

  KerasToOnnx(JsonNode model, byte[] weightData, String name) {
    this.topology = model.path("modelTopology").path("model_config").path("config");
    if (!topology.has("layers")) {
      throw new IllegalArgumentException(
          "model.json has no modelTopology.model_config.config.layers");
    }
    this.graph = new OnnxGraph(name);
    readWeights(model.path("weightsManifest"), weightData);
  }

  private void readWeights(JsonNode manifest, byte[] data) {
    int offset = 0;
    for (JsonNode group : manifest) {
      for (JsonNode w : group.path("weights")) {
        long[] shape = longs(w.path("shape"));
        long count = 1;
        for (long d : shape) {
          count *= d;
        }
        JsonNode q = w.path("quantization");
        String dtype = q.isMissingNode() ? w.path("dtype").asText() : q.path("dtype").asText();
        int bytes =
            switch (dtype) {
              case "uint8" -> (int) count;
              case "float32" -> (int) count * 4;
              default ->
                  throw new IllegalArgumentException(
                      "weight " + w.path("name").asText() + " has unsupported dtype " + dtype);
            };
        if (offset + bytes > data.length) {
          throw new IllegalArgumentException("weight data ends before " + w.path("name").asText());
        }
        byte[] slice = java.util.Arrays.copyOfRange(data, offset, offset + bytes);
        offset += bytes;
        weights.put(
            w.path("name").asText(),
            new Weight(
                shape,
                dtype,
                slice,
                q.isMissingNode() ? null : (float) q.path("min").asDouble(),
                q.isMissingNode() ? null : (float) q.path("scale").asDouble()));
      }
    }
    if (offset != data.length) {
      throw new IllegalArgumentException(
          "weight data has " + (data.length - offset) + " bytes the manifest does not describe");
    }
  }

  /**
   * Builds the graph: input {@code pixels} (N x 3 x H x W, RGB in [0, 1]), outputs {@code
   * probabilities} (the model's output layer) and {@code embedding} (the named layer).
   */
  byte[] convert(String embeddingLayer, Map<String, String> metadata) {
    String outputLayer = topology.path("output_layers").path(0).path(0).asText();
    long classes = -1;
    for (JsonNode layer : topology.path("layers")) {
      String name = layer.path("name").asText();
      String type = layer.path("class_name").asText();
      JsonNode config = layer.path("config");
      List<String> inputs = new ArrayList<>();
      for (JsonNode in : layer.path("inbound_nodes").path(0)) {
        inputs.add(tensor(in.path(0).asText()));
      }
      String out =
          switch (type) {
            case "InputLayer" -> input(name, config);
            case "ZeroPadding2D" -> zeroPad(name, config, inputs.get(0));
            case "Conv2D" -> activation(name, config, conv(name, config, inputs.get(0), false));
            case "DepthwiseConv2D" ->
                activation(name, config, conv(name, config, inputs.get(0), true));
            case "BatchNormalization" -> batchNorm(name, config, inputs.get(0));
            case "ReLU" -> relu(name, config, inputs.get(0));
            case "Activation" -> activation(name, config, inputs.get(0));
            case "Add" -> graph.node("Sum", name, inputs.toArray(String[]::new));
            case "AveragePooling2D" -> averagePool(name, config, inputs.get(0));
            case "GlobalAveragePooling2D" ->
                graph.node(
                    "Flatten",
                    name,
                    graph.node("GlobalAveragePool", name + ":pooled", inputs.get(0)));
            case "Flatten" ->
                graph.node(
                    "Flatten",
                    name,
                    graph.node(
                        "Transpose",
                        name + ":nhwc",
                        Map.of("perm", new long[] {0, 2, 3, 1}),
                        inputs.get(0)));
            case "Dense" -> activation(name, config, dense(name, config, inputs.get(0)));
            case "Dropout" -> inputs.get(0); // inference: identity
            default ->
                throw new IllegalArgumentException(
                    "layer "
                        + name
                        + " is a "
                        + type
                        + ", which this converter does not translate");
          };
      tensorOf.put(name, out);
      if (name.equals(outputLayer)) {
        classes = config.path("units").asLong(-1);
      }
    }
    if (!tensorOf.containsKey(embeddingLayer)) {
      throw new IllegalArgumentException("no layer named " + embeddingLayer);
    }
    graph.node("Identity", CLASSES, tensor(outputLayer));
    graph.node("Identity", EMBEDDING, tensor(embeddingLayer));
    graph.output(CLASSES, -1, classes);
    graph.output(EMBEDDING, -1, OnnxGraph.FEATURES);
    metadata.forEach(graph::metadata);
    return graph.toBytes("winnow nsfwjs converter", "1");
  }

  private String tensor(String layer) {
    String t = tensorOf.get(layer);
    if (t == null) {
      throw new IllegalArgumentException("layer " + layer + " is used before it is defined");
    }
    return t;
  }

  private String input(String name, JsonNode config) {
    long[] shape = longs(config.path("batch_input_shape"));
    graph.input(INPUT, -1, shape[3], shape[1], shape[2]);
    return INPUT;
  }

  private String zeroPad(String name, JsonNode config, String x) {
    JsonNode p = config.path("padding");
    long top = p.path(0).path(0).asLong(), bottom = p.path(0).path(1).asLong();
    long left = p.path(1).path(0).asLong(), right = p.path(1).path(1).asLong();
    return graph.node(
        "Pad", name, x, graph.int64s(name + ":pads", 0, 0, top, left, 0, 0, bottom, right));
  }

  private String conv(String name, JsonNode config, String x, boolean depthwise) {
    Weight kernel = weight(name + (depthwise ? "/depthwise_kernel" : "/kernel"));
    String w = dequantized(name + (depthwise ? "/depthwise_kernel" : "/kernel"), kernel);
    long kh = kernel.shape[0], kw = kernel.shape[1], in = kernel.shape[2], out = kernel.shape[3];
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("kernel_shape", new long[] {kh, kw});
    attrs.put("strides", longs(config.path("strides")));
    attrs.put("dilations", longs(config.path("dilation_rate")));
    padding(config, attrs);
    String onnxWeight;
    if (depthwise) {
      // Keras [kh, kw, in, multiplier] -> ONNX grouped conv [in * multiplier, 1, kh, kw].
      String t = graph.node("Transpose", name + ":w_t", Map.of("perm", new long[] {2, 3, 0, 1}), w);
      onnxWeight =
          graph.node(
              "Reshape", name + ":w", t, graph.int64s(name + ":w_shape", in * out, 1, kh, kw));
      attrs.put("group", in);
    } else {
      // Keras [kh, kw, in, out] -> ONNX [out, in, kh, kw].
      onnxWeight = graph.node("Transpose", name + ":w", Map.of("perm", new long[] {3, 2, 0, 1}), w);
    }
    boolean bias = config.path("use_bias").asBoolean(false);
    return bias
        ? graph.node(
            "Conv",
            name + ":conv",
            attrs,
            x,
            onnxWeight,
            dequantized(name + "/bias", weight(name + "/bias")))
        : graph.node("Conv", name + ":conv", attrs, x, onnxWeight);
  }

  private void padding(JsonNode config, Map<String, Object> attrs) {
    switch (config.path("padding").asText()) {
      case "valid" -> attrs.put("pads", new long[] {0, 0, 0, 0});
      case "same" -> attrs.put("auto_pad", "SAME_UPPER"); // TF puts the odd pixel at the end
      default -> throw new IllegalArgumentException("padding " + config.path("padding"));
    }
  }

  private String batchNorm(String name, JsonNode config, String x) {
    int axis = config.path("axis").asInt(-1);
    if (axis != -1 && axis != 3) {
      throw new IllegalArgumentException(name + ": batch norm over axis " + axis);
    }
    long channels = weight(name + "/moving_mean").shape[0];
    String gamma =
        config.path("scale").asBoolean(true)
            ? dequantized(name + "/gamma", weight(name + "/gamma"))
            : ones(name + ":gamma", channels);
    String beta =
        config.path("center").asBoolean(true)
            ? dequantized(name + "/beta", weight(name + "/beta"))
            : zeros(name + ":beta", channels);
    return graph.node(
        "BatchNormalization",
        name,
        Map.of("epsilon", (float) config.path("epsilon").asDouble(1e-3)),
        x,
        gamma,
        beta,
        dequantized(name + "/moving_mean", weight(name + "/moving_mean")),
        dequantized(name + "/moving_variance", weight(name + "/moving_variance")));
  }

  private String relu(String name, JsonNode config, String x) {
    if (config.path("negative_slope").asDouble(0) != 0
        || config.path("threshold").asDouble(0) != 0) {
      throw new IllegalArgumentException(name + ": leaky or thresholded ReLU is not supported");
    }
    JsonNode max = config.path("max_value");
    return max.isNumber()
        ? graph.node(
            "Clip",
            name,
            x,
            graph.scalar(name + ":min", 0f),
            graph.scalar(name + ":max", (float) max.asDouble()))
        : graph.node("Relu", name, x);
  }

  private String averagePool(String name, JsonNode config, String x) {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("kernel_shape", longs(config.path("pool_size")));
    attrs.put("strides", longs(config.path("strides")));
    padding(config, attrs);
    return graph.node("AveragePool", name, attrs, x);
  }

  private String dense(String name, JsonNode config, String x) {
    Weight kernel = weight(name + "/kernel");
    String product =
        graph.node("MatMul", name + ":matmul", x, dequantized(name + "/kernel", kernel));
    return config.path("use_bias").asBoolean(true)
        ? graph.node(
            "Add", name + ":dense", product, dequantized(name + "/bias", weight(name + "/bias")))
        : product;
  }

  private String activation(String name, JsonNode config, String x) {
    return switch (config.path("activation").asText("linear")) {
      case "linear" -> graph.node("Identity", name, x);
      case "relu" -> graph.node("Relu", name, x);
      case "relu6" ->
          graph.node(
              "Clip", name, x, graph.scalar(name + ":min", 0f), graph.scalar(name + ":max", 6f));
      case "sigmoid" -> graph.node("Sigmoid", name, x);
      case "softmax" -> graph.node("Softmax", name, Map.of("axis", -1L), x);
      default ->
          throw new IllegalArgumentException(
              name + ": activation " + config.path("activation").asText() + " is not supported");
    };
  }

  private Weight weight(String name) {
    Weight w = weights.get(name);
    if (w == null) {
      throw new IllegalArgumentException("weight " + name + " is not in the manifest");
    }
    return w;
  }

  /** The float tensor of a weight: dequantised in the graph when it is stored quantised. */
  private String dequantized(String name, Weight w) {
    if (w.min == null) {
      ByteBuffer raw = ByteBuffer.wrap(w.data).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[w.data.length / 4];
      raw.asFloatBuffer().get(values);
      return graph.floats(name, w.shape, values);
    }
    String q = graph.uint8s(name + ":q", w.shape, w.data);
    String f = graph.node("Cast", name + ":f", Map.of("to", 1L), q);
    String scaled = graph.node("Mul", name + ":scaled", f, graph.scalar(name + ":scale", w.scale));
    return graph.node("Add", name, scaled, graph.scalar(name + ":min", w.min));
  }

  private String ones(String name, long n) {
    float[] v = new float[(int) n];
    java.util.Arrays.fill(v, 1f);
    return graph.floats(name, new long[] {n}, v);
  }

  private String zeros(String name, long n) {
    return graph.floats(name, new long[] {n}, new float[(int) n]);
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.path(i).asLong(-1);
    }
    return out;
  }
}
