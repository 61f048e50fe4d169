package io.winnow.models.nsfwjs;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small builder over ONNX's protobuf classes: nodes, initializers, typed inputs/outputs. */
public final class OnnxGraph {
  static final int OPSET = 17;

  /** Dimension markers for {@link #input}/{@link #output}: dynamic batch, unnamed feature size. */
  public static final long BATCH = -1;

  static final long FEATURES = -2;
  private static final long IR_VERSION = 8;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private int nodeCount;

  public OnnxGraph(String name) {
    graph.setName(name);
  }

  /** Adds a node and returns the name of its (single) output. */
  public String node(String op, String output, Map<String, Object> attributes, String... inputs) {
    NodeProto.Builder node =
        NodeProto.newBuilder().setOpType(op).setName(op + "_" + nodeCount++).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    attributes.forEach((key, value) -> node.addAttribute(attribute(key, value)));
    graph.addNode(node);
    return output;
  }

  public String node(String op, String output, String... inputs) {
    return node(op, output, Map.of(), inputs);
  }

  public String floats(String name, long[] shape, float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return initializer(name, TensorProto.DataType.FLOAT, shape, bytes.array());
  }

  public String scalar(String name, float value) {
    return floats(name, new long[0], new float[] {value});
  }

  public String int64s(String name, long... values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    return initializer(name, TensorProto.DataType.INT64, new long[] {values.length}, bytes.array());
  }

  public String uint8s(String name, long[] shape, byte[] values) {
    return initializer(name, TensorProto.DataType.UINT8, shape, values);
  }

  private String initializer(String name, TensorProto.DataType type, long[] shape, byte[] raw) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(raw));
    for (long d : shape) {
      tensor.addDims(d);
    }
    graph.addInitializer(tensor);
    return name;
  }

  /** A float32 graph input or output; {@link #BATCH} and {@link #FEATURES} mark symbolic axes. */
  public void input(String name, long... shape) {
    graph.addInput(valueInfo(name, shape));
  }

  public void output(String name, long... shape) {
    graph.addOutput(valueInfo(name, shape));
  }

  public void metadata(String key, String value) {
    metadata.put(key, value);
  }

  public byte[] toBytes(String producer, String version) {
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName(producer)
            .setProducerVersion(version)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph);
    metadata.forEach(
        (k, v) ->
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return model.build().toByteArray();
  }

  private static ValueInfoProto valueInfo(String name, long[] shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (long d : shape) {
      dims.addDim(
          d == BATCH
              ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : d == FEATURES
                  ? TensorShapeProto.Dimension.newBuilder().setDimParam("features")
                  : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(dims)))
        .build();
  }

  private static AttributeProto attribute(String name, Object value) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (value instanceof Integer || value instanceof Long) {
      a.setType(AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
    } else if (value instanceof Float || value instanceof Double) {
      a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
    } else if (value instanceof String s) {
      a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
    } else if (value instanceof long[] ints) {
      a.setType(AttributeProto.AttributeType.INTS);
      for (long i : ints) {
        a.addInts(i);
      }
    } else {
      throw new IllegalArgumentException("unsupported attribute " + name + ": " + value);
    }
    return a.build();
  }
}
