package io.winnow.inference;

import java.util.Locale;

/**
 * Where ONNX Runtime runs the model. {@code cuda} and {@code tensorrt} need the GPU build of ONNX
 * Runtime (Maven profile {@code gpu}) and a CUDA worker; TensorRT falls back to CUDA for the nodes
 * it cannot take.
 */
public enum ExecutionProvider {
  CPU,
  CUDA,
  TENSORRT;

  public static ExecutionProvider parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown execution provider '" + name + "': one of cpu, cuda, tensorrt");
    }
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
