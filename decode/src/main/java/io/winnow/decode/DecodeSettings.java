package io.winnow.decode;

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
 * @param borderColor the padding of the border resize mode, 0xRRGGBB (white, as img2dataset)
 */
public record DecodeSettings(
    int imageSize,
    ResizeMode resizeMode,
    boolean resizeOnlyIfBigger,
    int minImageSize,
    long maxPixels,
    double maxAspectRatio,
    int jpegQuality,
    int borderColor)
    implements Serializable {

  public static final int WHITE = 0xFFFFFF;

  public DecodeSettings {
    if (imageSize < 1 && resizeMode != ResizeMode.NO) {
      throw new IllegalArgumentException("image size must be at least 1 pixel");
    }
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("JPEG quality must be within 1..100");
    }
    if (borderColor < 0 || borderColor > 0xFFFFFF) {
      throw new IllegalArgumentException("the border colour is 0xRRGGBB");
    }
    if (maxPixels < 1 || maxAspectRatio < 1) {
      throw new IllegalArgumentException("max pixels must be >= 1 and max aspect ratio >= 1");
    }
  }

  public static DecodeSettings defaults() {
    return new DecodeSettings(
        256, ResizeMode.BORDER, false, 64, 100_000_000L, Double.POSITIVE_INFINITY, 95, WHITE);
  }

  public DecodeSettings withResize(int size, ResizeMode mode) {
    return toBuilder().imageSize(size).resizeMode(mode).build();
  }

  public DecodeSettings withLimits(int minSize, long maxPixels) {
    return toBuilder().minImageSize(minSize).maxPixels(maxPixels).build();
  }

  public DecodeSettings withBorderColor(int rgb) {
    return toBuilder().borderColor(rgb).build();
  }

  /** Parses {@code white}, {@code black}, {@code #RRGGBB} or {@code R,G,B} (0-255 each). */
  public static int parseColor(String text) {
    String t = text.strip().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("white")) {
      return WHITE;
    }
    if (t.equals("black")) {
      return 0;
    }
    try {
      if (t.matches("#[0-9a-f]{6}")) {
        return Integer.parseInt(t.substring(1), 16);
      }
      String[] parts = t.split(",");
      if (parts.length == 3) {
        int rgb = 0;
        for (String part : parts) {
          int v = Integer.parseInt(part.strip());
          if (v < 0 || v > 255) {
            throw new NumberFormatException();
          }
          rgb = rgb << 8 | v;
        }
        return rgb;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "a border colour is white, black, #RRGGBB or R,G,B, not '" + text + "'");
  }

  /** A copy to change by name: {@code settings.toBuilder().x(...).build()}. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Named setters over a copy; the record's own checks run in {@link #build}. */
  public static final class Builder {
    private int imageSize;
    private ResizeMode resizeMode;
    private boolean resizeOnlyIfBigger;
    private int minImageSize;
    private long maxPixels;
    private double maxAspectRatio;
    private int jpegQuality;
    private int borderColor;

    private Builder(DecodeSettings from) {
      imageSize = from.imageSize;
      resizeMode = from.resizeMode;
      resizeOnlyIfBigger = from.resizeOnlyIfBigger;
      minImageSize = from.minImageSize;
      maxPixels = from.maxPixels;
      maxAspectRatio = from.maxAspectRatio;
      jpegQuality = from.jpegQuality;
      borderColor = from.borderColor;
    }

    public Builder imageSize(int value) {
      imageSize = value;
      return this;
    }

    public Builder resizeMode(ResizeMode value) {
      resizeMode = value;
      return this;
    }

    public Builder resizeOnlyIfBigger(boolean value) {
      resizeOnlyIfBigger = value;
      return this;
    }

    public Builder minImageSize(int value) {
      minImageSize = value;
      return this;
    }

    public Builder maxPixels(long value) {
      maxPixels = value;
      return this;
    }

    public Builder maxAspectRatio(double value) {
      maxAspectRatio = value;
      return this;
    }

    public Builder jpegQuality(int value) {
      jpegQuality = value;
      return this;
    }

    public Builder borderColor(int value) {
      borderColor = value;
      return this;
    }

    public DecodeSettings build() {
      return new DecodeSettings(
          imageSize,
          resizeMode,
          resizeOnlyIfBigger,
          minImageSize,
          maxPixels,
          maxAspectRatio,
          jpegQuality,
          borderColor);
    }
  }
}
