package io.winnow.filters;

import java.io.Serializable;
import java.util.List;

/**
 * The safety and consent filters of a run.
 *
 * @param blockLists unsafe-domain lists (files or http(s) URLs; see {@link
 *     io.winnow.filters.DomainRules} for the rule syntax), read when the run starts
 * @param allowLists domain rules that override the block lists
 * @param optOutLists user opt-outs: lines with {@code ://} are URLs, others domain rules
 * @param knownBadLists known-bad hash lists (files, .gz, or http(s) URLs; see {@link
 *     io.winnow.filters.KnownBadHashes} for the line format), read when the run starts
 * @param nsfwThreshold an image whose unsafe class probabilities sum to this or more is dropped;
 *     NaN turns the NSFW filter off
 * @param nsfwModel the classifier: {@code auto} (the embedding model's own class scores when it has
 *     unsafe classes, else the bundled nsfwjs model), or a model as {@code --model} takes
 * @param faces what to do with faces
 * @param faceDetector {@code blazeface+ssd} (MediaPipe's full-range BlazeFace, and face-api's SSD
 *     MobileNetV1 on images where BlazeFace found a face), {@code blazeface} alone, or {@code haar}
 *     (OpenCV's frontal cascade); a detector that cannot load fails the job
 * @param faceScore BlazeFace score at or above which a detection is a face
 * @param faceMargin each box grows by this fraction of its size on every side before blurring
 * @param blurStyle how a face is hidden
 */
public record FilterSettings(
    List<String> blockLists,
    List<String> allowLists,
    List<String> optOutLists,
    List<String> knownBadLists,
    double nsfwThreshold,
    String nsfwModel,
    FaceMode faces,
    String faceDetector,
    double faceScore,
    double faceMargin,
    FaceBlur.Style blurStyle)
    implements Serializable {

  public enum FaceMode {
    BLUR,
    DROP,
    OFF
  }

  public FilterSettings {
    blockLists = List.copyOf(blockLists);
    allowLists = List.copyOf(allowLists);
    optOutLists = List.copyOf(optOutLists);
    knownBadLists = List.copyOf(knownBadLists);
    if (!Double.isNaN(nsfwThreshold) && !(nsfwThreshold > 0 && nsfwThreshold <= 1)) {
      throw new IllegalArgumentException("the NSFW threshold is a probability in (0, 1]");
    }
    if (!io.winnow.filters.BlurFaces.DETECTORS.contains(faceDetector)) {
      throw new IllegalArgumentException(
          "the face detector is one of "
              + io.winnow.filters.BlurFaces.DETECTORS
              + ", not '"
              + faceDetector
              + "'");
    }
    if (!(faceScore > 0 && faceScore < 1) || !(faceMargin >= 0 && faceMargin <= 2)) {
      throw new IllegalArgumentException("face score in (0, 1), face margin in [0, 2]");
    }
  }

  /**
   * The unsafe probability at which an image is dropped: measured on the safe-photo dev set
   * (docs/nsfw.md), 0.95 drops 0.3 % of 350 safe photos and 2.0 % of the 51 of people; 0.5 dropped
   * 4.0 % and 9.8 %.
   */
  public static final double DEFAULT_NSFW_THRESHOLD = 0.95;

  public static FilterSettings defaults() {
    return new FilterSettings(
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        DEFAULT_NSFW_THRESHOLD,
        "auto",
        FaceMode.BLUR,
        io.winnow.filters.BlurFaces.DEFAULT_DETECTOR,
        0.5,
        0.2,
        FaceBlur.Style.GAUSSIAN);
  }

  public boolean nsfwOn() {
    return !Double.isNaN(nsfwThreshold);
  }

  public FilterSettings withLists(List<String> block, List<String> allow, List<String> optOut) {
    return toBuilder().blockLists(block).allowLists(allow).optOutLists(optOut).build();
  }

  public FilterSettings withKnownBadLists(List<String> lists) {
    return toBuilder().knownBadLists(lists).build();
  }

  public FilterSettings withNsfw(double threshold, String model) {
    return toBuilder().nsfwThreshold(threshold).nsfwModel(model).build();
  }

  public FilterSettings withFaces(
      FaceMode mode, String detector, double score, double margin, FaceBlur.Style style) {
    return toBuilder()
        .faces(mode)
        .faceDetector(detector)
        .faceScore(score)
        .faceMargin(margin)
        .blurStyle(style)
        .build();
  }

  /** A copy to change by name: {@code settings.toBuilder().x(...).build()}. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Named setters over a copy; the record's own checks run in {@link #build}. */
  public static final class Builder {
    private List<String> blockLists;
    private List<String> allowLists;
    private List<String> optOutLists;
    private List<String> knownBadLists;
    private double nsfwThreshold;
    private String nsfwModel;
    private FaceMode faces;
    private String faceDetector;
    private double faceScore;
    private double faceMargin;
    private FaceBlur.Style blurStyle;

    private Builder(FilterSettings from) {
      blockLists = from.blockLists;
      allowLists = from.allowLists;
      optOutLists = from.optOutLists;
      knownBadLists = from.knownBadLists;
      nsfwThreshold = from.nsfwThreshold;
      nsfwModel = from.nsfwModel;
      faces = from.faces;
      faceDetector = from.faceDetector;
      faceScore = from.faceScore;
      faceMargin = from.faceMargin;
      blurStyle = from.blurStyle;
    }

    public Builder blockLists(List<String> value) {
      blockLists = value;
      return this;
    }

    public Builder allowLists(List<String> value) {
      allowLists = value;
      return this;
    }

    public Builder optOutLists(List<String> value) {
      optOutLists = value;
      return this;
    }

    public Builder knownBadLists(List<String> value) {
      knownBadLists = value;
      return this;
    }

    public Builder nsfwThreshold(double value) {
      nsfwThreshold = value;
      return this;
    }

    public Builder nsfwModel(String value) {
      nsfwModel = value;
      return this;
    }

    public Builder faces(FaceMode value) {
      faces = value;
      return this;
    }

    public Builder faceDetector(String value) {
      faceDetector = value;
      return this;
    }

    public Builder faceScore(double value) {
      faceScore = value;
      return this;
    }

    public Builder faceMargin(double value) {
      faceMargin = value;
      return this;
    }

    public Builder blurStyle(FaceBlur.Style value) {
      blurStyle = value;
      return this;
    }

    public FilterSettings build() {
      return new FilterSettings(
          blockLists,
          allowLists,
          optOutLists,
          knownBadLists,
          nsfwThreshold,
          nsfwModel,
          faces,
          faceDetector,
          faceScore,
          faceMargin,
          blurStyle);
    }
  }
}
