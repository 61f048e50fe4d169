package io.winnow.cli;

import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ResizeMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The run options of the decode stage (size limits, resizing, JPEG): its {@link DecodeSettings}.
 */
final class DecodeOptions {
  @Option(
      names = "--image-size",
      paramLabel = "PX",
      description = "Target size for the resize mode. Default: ${DEFAULT-VALUE}.")
  int imageSize;

  @Option(
      names = "--resize-mode",
      converter = ResizeModeConverter.class,
      paramLabel = "MODE",
      description =
          "no, keep_ratio, keep_ratio_largest, center_crop or border (img2dataset's modes). Default: ${DEFAULT-VALUE}.")
  ResizeMode resizeMode;

  @Option(names = "--resize-only-if-bigger", defaultValue = "false", description = "Never upscale.")
  boolean resizeOnlyIfBigger;

  @Option(
      names = "--min-image-size",
      paramLabel = "PX",
      description = "Smallest accepted shorter side of the original. Default: ${DEFAULT-VALUE}.")
  int minImageSize;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description =
          "Largest accepted width × height, read from the header before decoding. Default: ${DEFAULT-VALUE}.")
  long maxPixels;

  @Option(
      names = "--max-aspect-ratio",
      paramLabel = "X",
      description = "Largest accepted longer/shorter side ratio. Default: no limit.")
  double maxAspectRatio;

  @Option(
      names = "--jpeg-quality",
      paramLabel = "Q",
      description = "Quality of the stored JPEGs. Default: ${DEFAULT-VALUE}.")
  int jpegQuality;

  @Option(
      names = "--border-color",
      paramLabel = "COLOR",
      description =
          "Padding of --resize-mode border: white (default, as img2dataset), black, #RRGGBB or R,G,B. Default: ${DEFAULT-VALUE}.")
  String borderColor;

  DecodeSettings settings() {
    return DecodeSettings.defaults().toBuilder()
        .imageSize(imageSize)
        .resizeMode(resizeMode)
        .resizeOnlyIfBigger(resizeOnlyIfBigger)
        .minImageSize(minImageSize)
        .maxPixels(maxPixels)
        .maxAspectRatio(maxAspectRatio)
        .jpegQuality(jpegQuality)
        .borderColor(DecodeSettings.parseColor(borderColor))
        .build();
  }

  /** Takes img2dataset's spelling (center_crop) and the CLI's (center-crop), in any case. */
  static final class ResizeModeConverter implements ITypeConverter<ResizeMode> {
    @Override
    public ResizeMode convert(String value) {
      return ResizeMode.valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }
}
