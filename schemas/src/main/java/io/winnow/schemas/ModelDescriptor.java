package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What Winnow needs to know to run an ONNX image model: where its file is and its checksum, how to
 * turn an image into its input tensor, which outputs to read, and the similarity thresholds that
 * suit it. Stored as {@code model.json} next to the model; written by {@code
 * models/export/export_onnx.py} and by the nsfwjs converter.
 *
 * <p>Preprocessing is: decode to RGB 8-bit; {@link Resize#SHORT_SIDE_THEN_CENTER_CROP} scales the
 * shorter side to {@code resize_short_side} and cuts the centre {@code input_size} square
 * (torchvision's {@code Resize + CenterCrop}), {@link Resize#STRETCH} scales straight to {@code
 * input_size} squared; then {@code (pixel / 255 - mean) / std} per channel, in {@code
 * channel_order}, laid out as {@code layout}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelDescriptor(
    @JsonProperty("name") String name,
    @JsonProperty("file") String file,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("input_name") String inputName,
    @JsonProperty("input_size") int inputSize,
    @JsonProperty("resize") Resize resize,
    @JsonProperty("resize_short_side") Integer resizeShortSide,
    @JsonProperty("mean") float[] mean,
    @JsonProperty("std") float[] std,
    @JsonProperty("channel_order") String channelOrder,
    @JsonProperty("layout") String layout,
    @JsonProperty("embedding_output") String embeddingOutput,
    @JsonProperty("dimension") int dimension,
    @JsonProperty("classes_output") String classesOutput,
    @JsonProperty("classes") List<String> classes,
    @JsonProperty("unsafe_classes") List<String> unsafeClasses,
    @JsonProperty("duplicate_threshold") double duplicateThreshold,
    @JsonProperty("eval_threshold") double evalThreshold,
    @JsonProperty("threshold_source") String thresholdSource,
    @JsonProperty("source") String source,
    @JsonProperty("license") String license,
    @JsonProperty("reference") Reference reference)
    implements Serializable {

  /** How the image is brought to the model's input size. */
  public enum Resize {
    @JsonProperty("short-side-then-center-crop")
    SHORT_SIDE_THEN_CENTER_CROP,
    @JsonProperty("stretch")
    STRETCH
  }

  /** Inputs and outputs saved where the model was made, to check another runtime against. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Reference(
      @JsonProperty("input") String input,
      @JsonProperty("output") String output,
      @JsonProperty("classes_output") String classesOutput,
      @JsonProperty("produced_by") String producedBy)
      implements Serializable {}

  /** Every problem with the fields, empty when the descriptor is usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (name == null || name.isBlank()) problems.add("name is missing");
    if (file == null || file.isBlank()) problems.add("file is missing");
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      problems.add("sha256 must be 64 lower-case hex digits");
    }
    if (inputName == null) problems.add("input_name is missing");
    if (inputSize < 1) problems.add("input_size must be positive");
    if (resize == null) problems.add("resize is missing");
    if (resize == Resize.SHORT_SIDE_THEN_CENTER_CROP
        && (resizeShortSide == null || resizeShortSide < inputSize)) {
      problems.add("resize_short_side must be at least input_size");
    }
    if (mean == null || mean.length != 3) problems.add("mean needs 3 values");
    if (std == null || std.length != 3) {
      problems.add("std needs 3 values");
    } else {
      for (float s : std) {
        if (!(s > 0)) problems.add("std values must be positive");
      }
    }
    if (!"RGB".equals(channelOrder) && !"BGR".equals(channelOrder)) {
      problems.add("channel_order must be RGB or BGR");
    }
    if (!"NCHW".equals(layout) && !"NHWC".equals(layout)) {
      problems.add("layout must be NCHW or NHWC");
    }
    if (embeddingOutput == null) problems.add("embedding_output is missing");
    if (dimension < 1) problems.add("dimension must be positive");
    if (classesOutput != null && (classes == null || classes.isEmpty())) {
      problems.add("classes_output needs the list of classes");
    }
    if (unsafeClasses != null && (classes == null || !classes.containsAll(unsafeClasses))) {
      problems.add("unsafe_classes must all be among classes");
    }
    if (!(duplicateThreshold > -1 && duplicateThreshold <= 1)
        || !(evalThreshold > -1 && evalThreshold <= 1)) {
      problems.add("thresholds are cosine similarities, within (-1, 1]");
    }
    return problems;
  }

  public boolean channelsFirst() {
    return "NCHW".equals(layout);
  }

  public boolean rgb() {
    return "RGB".equals(channelOrder);
  }

  /** A copy with measured thresholds, as the copy-detection check writes them. */
  public ModelDescriptor withThresholds(double duplicate, double eval, String source) {
    return new ModelDescriptor(
        name,
        file,
        sha256,
        inputName,
        inputSize,
        resize,
        resizeShortSide,
        mean,
        std,
        channelOrder,
        layout,
        embeddingOutput,
        dimension,
        classesOutput,
        classes,
        unsafeClasses,
        duplicate,
        eval,
        source,
        this.source,
        license,
        reference);
  }
}
