package io.winnow.cli;

import io.winnow.filters.FaceBlur;
import io.winnow.filters.FilterSettings;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The run options of the NSFW filter and of face blurring: the filters' models and thresholds. */
final class NsfwFaceOptions {
  @Option(
      names = "--nsfw-threshold",
      paramLabel = "P",
      description =
          "Drop images whose unsafe classes sum to this probability. Default: ${DEFAULT-VALUE} "
              + "(chosen on a safe-photo dev set: docs/nsfw.md).")
  double nsfwThreshold;

  @Option(names = "--no-nsfw", defaultValue = "false", description = "Turn the NSFW filter off.")
  boolean noNsfw;

  @Option(
      names = "--nsfw-model",
      paramLabel = "MODEL",
      description =
          "NSFW classifier (a model as --model takes, naming unsafe classes); auto: the embedding model when it is one, else the built-in nsfwjs. Default: ${DEFAULT-VALUE}.")
  String nsfwModel;

  @Option(
      names = "--faces",
      paramLabel = "blur|drop|off",
      description =
          "Blur detected faces (default), drop images with faces, or do nothing. Default: ${DEFAULT-VALUE}.")
  String faces;

  @Option(
      names = "--face-detector",
      paramLabel = "blazeface+ssd|blazeface|haar",
      description =
          "Default: ${DEFAULT-VALUE} (BlazeFace, and face-api's SSD MobileNetV1 on images "
              + "where BlazeFace found a face). A detector that cannot load fails the run.")
  String faceDetector;

  @Option(
      names = "--face-score",
      paramLabel = "P",
      description =
          "BlazeFace detections at or above this score are faces. Default: ${DEFAULT-VALUE}.")
  double faceScore;

  @Option(
      names = "--face-margin",
      paramLabel = "FRACTION",
      description =
          "Blurred area grows by this fraction of the face on each side. Default: ${DEFAULT-VALUE}.")
  double faceMargin;

  @Option(
      names = "--blur-style",
      paramLabel = "gaussian|pixelate",
      description = "Default: ${DEFAULT-VALUE}.")
  String blurStyle;

  /** {@code filter} with these settings; NaN turns the NSFW filter off. */
  FilterSettings.Builder addTo(FilterSettings.Builder filter) {
    return filter
        .nsfwThreshold(noNsfw ? Double.NaN : nsfwThreshold)
        .nsfwModel(nsfwModel)
        .faces(FilterSettings.FaceMode.valueOf(faces.strip().toUpperCase(Locale.ROOT)))
        .faceDetector(faceDetector)
        .faceScore(faceScore)
        .faceMargin(faceMargin)
        .blurStyle(FaceBlur.Style.valueOf(blurStyle.strip().toUpperCase(Locale.ROOT)));
  }
}
