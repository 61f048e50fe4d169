package io.winnow.copydetect;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * PDQ's first step: pixels to float luminance (Rec. 601 weights, alpha ignored), row-major, one
 * value per pixel. Owns the checks on image size and pixel-array shape.
 */
final class PdqLuminance {
  private static final float LUMA_R = 0.299f;
  private static final float LUMA_G = 0.587f;
  private static final float LUMA_B = 0.114f;

  private PdqLuminance() {}

  /** Luminance of packed ARGB pixels, {@code width × height}. */
  static float[] of(int[] argb, int width, int height) {
    long pixels = checkSize(width, height);
    if (argb == null) {
      throw new IllegalArgumentException("ARGB pixel array is null");
    }
    if (argb.length != pixels) {
      throw new IllegalArgumentException(
          "ARGB pixel array has "
              + argb.length
              + " entries, expected width × height = "
              + width
              + " × "
              + height
              + " = "
              + pixels);
    }
    float[] luma = new float[argb.length];
    for (int p = 0; p < luma.length; p++) {
      luma[p] = luma(argb[p]);
    }
    return luma;
  }

  /** Luminance of an image, its pixels as {@link BufferedImage#getRGB} sees them. */
  static float[] of(BufferedImage image) {
    if (image == null) {
      throw new IllegalArgumentException("Image is null");
    }
    int width = image.getWidth();
    int height = image.getHeight();
    checkSize(width, height);
    float[] luma = new float[width * height];
    WritableRaster raster = image.getRaster();
    switch (image.getType()) {
      case BufferedImage.TYPE_3BYTE_BGR:
      case BufferedImage.TYPE_4BYTE_ABGR:
        // What ImageIO gives for colour JPEGs and PNGs. getRGB returns these 8-bit sRGB,
        // non-premultiplied samples unchanged, so reading them directly gives the same bits
        // and hashes a 1024×768 JPEG about 3.5 times faster.
        lumaFromBytes(raster, width, height, luma);
        break;
      case BufferedImage.TYPE_INT_RGB:
      case BufferedImage.TYPE_INT_ARGB:
        lumaFromInts(raster, width, height, luma);
        break;
      default:
        // Anything else (grey, indexed, premultiplied, custom) goes through getRGB's colour
        // conversion, as the reference's does.
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
          image.getRGB(0, y, width, 1, row, 0, width);
          int base = y * width;
          for (int x = 0; x < width; x++) {
            luma[base + x] = luma(row[x]);
          }
        }
    }
    return luma;
  }

  /** Rows of interleaved bytes in band order R, G, B (then A, ignored). */
  private static void lumaFromBytes(WritableRaster raster, int width, int height, float[] luma) {
    int bands = raster.getNumDataElements();
    byte[] row = new byte[width * bands];
    for (int y = 0; y < height; y++) {
      raster.getDataElements(0, y, width, 1, row);
      int base = y * width;
      for (int x = 0, b = 0; x < width; x++, b += bands) {
        luma[base + x] =
            LUMA_R * (row[b] & 0xff) + LUMA_G * (row[b + 1] & 0xff) + LUMA_B * (row[b + 2] & 0xff);
      }
    }
  }

  /** Rows of pixels packed as (A)RGB ints. */
  private static void lumaFromInts(WritableRaster raster, int width, int height, float[] luma) {
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      raster.getDataElements(0, y, width, 1, row);
      int base = y * width;
      for (int x = 0; x < width; x++) {
        luma[base + x] = luma(row[x]);
      }
    }
  }

  private static float luma(int argb) {
    return LUMA_R * ((argb >> 16) & 0xff) + LUMA_G * ((argb >> 8) & 0xff) + LUMA_B * (argb & 0xff);
  }

  private static long checkSize(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "Image must be at least 1×1 to hash, got " + width + "×" + height);
    }
    long pixels = (long) width * height;
    if (pixels > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Image of " + width + "×" + height + " is too large to hash in one array");
    }
    return pixels;
  }
}
