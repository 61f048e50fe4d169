package io.winnow.pipeline.decode;

import java.io.Serializable;

/**
 * How images are validated, resized and re-encoded. Defaults follow img2dataset (256 px, border,
 * JPEG quality 95) so its users get what they expect.
 *
 * @param imageSize target size in pixels for the resize modes
 * @param resizeOnlyIfBigger never upscale
 * @param minImageSize smallest accepted shorter side of the original image
 * @param maxPixels largest accepted width × height of the original, checked from the header
 * @param maxAspectRatio largest accepted longer/shorter side ratio of the original
 */
public record DecodeSettings(
    int imageSize,
    ResizeMode resizeMode,
    boolean resizeOnlyIfBigger,
    int minImageSize,
    long maxPixels,
    double maxAspectRatio,
    int jpegQuality)
    implements Serializable {

  public DecodeSettings {
    if (imageSize < 1 && resizeMode != ResizeMode.NO) {
      throw new IllegalArgumentException("image size must be at least 1 pixel");
    }
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("JPEG quality must be within 1..100");
    }
    if (maxPixels < 1 || maxAspectRatio < 1) {
      throw new IllegalArgumentException("max pixels must be >= 1 and max aspect ratio >= 1");
    }
  }

  public static DecodeSettings defaults() {
    return new DecodeSettings(256, ResizeMode.BORDER, false, 64, 100_000_000L,
        Double.POSITIVE_INFINITY, 95);
  }

  public DecodeSettings withResize(int size, ResizeMode mode) {
    return new DecodeSettings(size, mode, resizeOnlyIfBigger, minImageSize, maxPixels,
        maxAspectRatio, jpegQuality);
  }

  public DecodeSettings withLimits(int minSize, long maxPixels) {
    return new DecodeSettings(imageSize, resizeMode, resizeOnlyIfBigger, minSize, maxPixels,
        maxAspectRatio, jpegQuality);
  }
}
