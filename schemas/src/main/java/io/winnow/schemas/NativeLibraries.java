package io.winnow.schemas;

/** The failure a stage raises when a native library (OpenCV, FAISS, ONNX Runtime) will not load. */
public final class NativeLibraries {
  private NativeLibraries() {}

  /**
   * A {@link ErrorBudget.SystemicFailure} for {@code stage}: the worker lacks a native library, so
   * every image would fail there. The job fails instead of rejecting them.
   */
  public static ErrorBudget.SystemicFailure missing(String stage, LinkageError error) {
    return new ErrorBudget.SystemicFailure(
        stage
            + ": a native library cannot be loaded on this "
            + "worker ("
            + error
            + "). Its platform's JavaCPP or ONNX Runtime jar is missing, or a "
            + "system library it needs (deploy/setup.sh installs them); no image can be processed "
            + "here, so the job stops.",
        error);
  }
}
