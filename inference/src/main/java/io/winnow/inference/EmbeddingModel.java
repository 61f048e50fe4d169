package io.winnow.inference;

import io.winnow.schemas.Json;
import io.winnow.schemas.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A model descriptor and where its ONNX file is, checked: the descriptor is complete and the file
 * exists and has the descriptor's SHA-256. {@link #load} runs when the pipeline is built (so a bad
 * model fails the job before any URL is fetched) and again on each worker before its session opens
 * (so a worker never runs a different file than the one checked).
 *
 * <p>A location is {@code builtin:NAME} for a model bundled in the jar, or the path of a {@code
 * model.json} (or of the folder holding it); the descriptor's {@code file} is relative to the
 * descriptor. Paths must be readable from every worker, as for the input files.
 */
public record EmbeddingModel(String location, ModelDescriptor descriptor) implements Serializable {
  public static final String BUILTIN_PREFIX = "builtin:";

  /** The default: nsfwjs' MobileNetV2 converted to ONNX (models/README.md). */
  public static final String DEFAULT = BUILTIN_PREFIX + "nsfwjs-mobilenet-v2";

  private static final String BUILTIN_ROOT = "/io/winnow/models/";

  /** Reads and checks the descriptor and the model file's checksum. */
  public static EmbeddingModel load(String location) {
    if (!location.startsWith(BUILTIN_PREFIX)
        && !Files.isRegularFile(Path.of(descriptorPath(location)))) {
      throw new ModelException(
          "model descriptor "
              + Path.of(descriptorPath(location)).toAbsolutePath()
              + " does not exist (a model is a model.json, its folder, or builtin:NAME)");
    }
    ModelDescriptor descriptor;
    try (InputStream in = open(descriptorPath(location), location)) {
      descriptor = Json.mapper().readValue(in, ModelDescriptor.class);
    } catch (IOException e) {
      throw new ModelException(
          "cannot read the model descriptor " + descriptorPath(location) + ": " + e.getMessage(),
          e);
    }
    List<String> problems = descriptor.problems();
    if (!problems.isEmpty()) {
      throw new ModelException(
          "model descriptor "
              + descriptorPath(location)
              + " is invalid: "
              + String.join("; ", problems));
    }
    EmbeddingModel model = new EmbeddingModel(location, descriptor);
    String actual = model.checksum();
    if (!actual.equals(descriptor.sha256())) {
      throw new ModelException(
          "model file "
              + model.filePath()
              + " does not match its descriptor: "
              + "sha256 is "
              + actual
              + ", "
              + descriptorPath(location)
              + " says "
              + descriptor.sha256()
              + " (a changed or partly copied file; re-export it or fix the descriptor)");
    }
    return model;
  }

  /** The model file, as a path for files on disk or a classpath resource name for built-ins. */
  public String filePath() {
    String descriptorPath = descriptorPath(location);
    int slash = descriptorPath.lastIndexOf('/');
    return (slash < 0 ? "" : descriptorPath.substring(0, slash + 1)) + descriptor.file();
  }

  public boolean builtin() {
    return location.startsWith(BUILTIN_PREFIX);
  }

  /** The whole model file; for built-ins, which are small. Files are opened by path instead. */
  public byte[] builtinBytes() {
    try (InputStream in = open(filePath(), location)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ModelException("cannot read model " + filePath() + ": " + e.getMessage(), e);
    }
  }

  private String checksum() {
    try (InputStream in = new DigestInputStream(open(filePath(), location), sha256())) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new ModelException(
          "cannot read model file "
              + filePath()
              + " named by "
              + descriptorPath(location)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String descriptorPath(String location) {
    if (location.startsWith(BUILTIN_PREFIX)) {
      return BUILTIN_ROOT + location.substring(BUILTIN_PREFIX.length()) + "/model.json";
    }
    Path path = Path.of(location);
    return (Files.isDirectory(path) ? path.resolve("model.json") : path).toString();
  }

  private static InputStream open(String path, String location) throws IOException {
    if (location.startsWith(BUILTIN_PREFIX)) {
      InputStream in = EmbeddingModel.class.getResourceAsStream(path);
      if (in == null) {
        throw new ModelException(
            "no built-in model "
                + location
                + " (resource "
                + path
                + " is not on the classpath); the built-in one is "
                + DEFAULT);
      }
      return in;
    }
    Path file = Path.of(path);
    if (!Files.isRegularFile(file)) {
      throw new ModelException("model file " + file.toAbsolutePath() + " does not exist");
    }
    return Files.newInputStream(file);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
