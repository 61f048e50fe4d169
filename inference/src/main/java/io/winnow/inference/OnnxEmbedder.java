package io.winnow.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.winnow.schemas.ModelDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session over a checked {@link EmbeddingModel}. {@link #run} is thread-safe (ONNX
 * Runtime sessions are), so one instance serves every thread of a worker JVM; see {@link
 * SharedEmbedders}. Embeddings come back L2-normalised.
 */
public final class OnnxEmbedder implements AutoCloseable {
  /** Per image of a batch: the normalised embedding (null if invalid) and the class scores. */
  public record Output(float[] embedding, float[] classes) {}

  private final ModelDescriptor model;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final List<String> outputs = new ArrayList<>();
  private final ExecutionProvider provider;
  private final int tensorSize;
  private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

  public OnnxEmbedder(EmbeddingModel checked, ExecutionProvider provider, int threads) {
    this(checked, provider, threads, false);
  }

  /**
   * @param sharesCores other threads work while the model runs: idle ONNX Runtime threads then
   *     sleep instead of spinning, which would take the cores those threads need
   */
  public OnnxEmbedder(
      EmbeddingModel checked, ExecutionProvider provider, int threads, boolean sharesCores) {
    this.model = checked.descriptor();
    this.provider = provider;
    this.tensorSize = 3 * model.inputSize() * model.inputSize();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      if (threads > 0) {
        options.setIntraOpNumThreads(threads);
      }
      options.setInterOpNumThreads(1);
      if (sharesCores) {
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      addProvider(options, provider);
      this.session =
          checked.builtin()
              ? env.createSession(checked.builtinBytes(), options)
              : env.createSession(checked.filePath(), options);
    } catch (OrtException e) {
      throw new ModelException(
          "ONNX Runtime cannot open " + checked.filePath() + ": " + e.getMessage(), e);
    }
    outputs.add(model.embeddingOutput());
    if (model.classesOutput() != null) {
      outputs.add(model.classesOutput());
    }
    checkSignature();
  }

  private static void addProvider(OrtSession.SessionOptions options, ExecutionProvider provider)
      throws OrtException {
    try {
      switch (provider) {
        case CPU -> {}
        case CUDA -> options.addCUDA(0);
        case TENSORRT -> {
          options.addTensorrt(0);
          options.addCUDA(0);
        }
      }
    } catch (OrtException | UnsatisfiedLinkError e) {
      throw new ModelException(
          "execution provider "
              + provider.wireName()
              + " is not available "
              + "in this ONNX Runtime ("
              + e.getMessage()
              + "); GPU workers need the build made with "
              + "'mvn -Pgpu package' and CUDA 12 with cuDNN 9",
          e);
    }
  }

  /** Fails at start-up, with names, when the file does not have what the descriptor says. */
  private void checkSignature() {
    try {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      if (!inputs.containsKey(model.inputName())) {
        throw new ModelException(
            "model "
                + model.name()
                + " has no input '"
                + model.inputName()
                + "'; its inputs are "
                + inputs.keySet());
      }
      Map<String, NodeInfo> outs = session.getOutputInfo();
      for (String name : outputs) {
        if (!outs.containsKey(name)) {
          throw new ModelException(
              "model "
                  + model.name()
                  + " has no output '"
                  + name
                  + "'; its outputs are "
                  + outs.keySet());
        }
      }
      long[] shape = ((TensorInfo) outs.get(model.embeddingOutput()).getInfo()).getShape();
      long last = shape[shape.length - 1];
      if (shape.length != 2 || (last > 0 && last != model.dimension())) {
        throw new ModelException(
            "model "
                + model.name()
                + " output '"
                + model.embeddingOutput()
                + "' has shape "
                + java.util.Arrays.toString(shape)
                + ", the descriptor says [batch, "
                + model.dimension()
                + "]");
      }
    } catch (OrtException e) {
      throw new ModelException("cannot read the signature of " + model.name(), e);
    }
  }

  public ModelDescriptor model() {
    return model;
  }

  public ExecutionProvider provider() {
    return provider;
  }

  /** Runs {@code count} images laid out one after another in {@code pixels}. */
  public List<Output> run(float[] pixels, int count) throws OrtException {
    long[] shape =
        model.channelsFirst()
            ? new long[] {count, 3, model.inputSize(), model.inputSize()}
            : new long[] {count, model.inputSize(), model.inputSize(), 3};
    FloatBuffer direct = inputBuffer(count * tensorSize);
    direct.put(pixels, 0, count * tensorSize).flip();
    try (OnnxTensor input = OnnxTensor.createTensor(env, direct, shape);
        OrtSession.Result result =
            session.run(Map.of(model.inputName(), input), new java.util.HashSet<>(outputs))) {
      float[][] embeddings = rows(result, model.embeddingOutput(), count);
      float[][] classes =
          model.classesOutput() == null ? null : rows(result, model.classesOutput(), count);
      List<Output> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        out.add(new Output(normalised(embeddings[i]), classes == null ? null : classes[i]));
      }
      return out;
    }
  }

  /**
   * A direct buffer per calling thread, kept between calls: allocating tens of MB of direct memory
   * per batch makes the JVM run full collections to free it.
   */
  private FloatBuffer inputBuffer(int floats) {
    FloatBuffer buffer = inputBuffers.get();
    if (buffer == null || buffer.capacity() < floats) {
      buffer = ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      inputBuffers.set(buffer);
    }
    buffer.clear();
    return buffer;
  }

  private static float[][] rows(OrtSession.Result result, String name, int count)
      throws OrtException {
    OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow();
    long[] shape = tensor.getInfo().getShape();
    int width = (int) (tensor.getInfo().getNumElements() / count);
    if (shape[0] != count) {
      throw new OrtException(
          "output " + name + " has " + shape[0] + " rows for " + count + " images");
    }
    FloatBuffer values = tensor.getFloatBuffer();
    float[][] rows = new float[count][width];
    for (float[] row : rows) {
      values.get(row);
    }
    return rows;
  }

  /** L2-normalised copy, or null when the vector is not finite or is zero. */
  static float[] normalised(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    if (!(sum > 0) || Double.isInfinite(sum)) {
      return null;
    }
    float inverse = (float) (1 / Math.sqrt(sum));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inverse;
    }
    return out;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new ModelException("closing the ONNX Runtime session failed", e);
    }
  }
}
