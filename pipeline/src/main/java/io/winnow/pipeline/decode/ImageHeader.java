package io.winnow.pipeline.decode;

/**
 * Reads an image's size from its header without decoding it, so the pixel cap is enforced before
 * a decoder allocates anything (a "decompression bomb" is a small file with a huge header size),
 * and tells whether a JPEG or PNG stream is complete.
 */
public final class ImageHeader {
  /** Width and height in pixels. */
  public record Size(int width, int height) {
    public long pixels() {
      return (long) width * height;
    }
  }

  private ImageHeader() {}

  /** The size the header declares, or null when the header cannot be read. */
  public static Size size(byte[] b, ImageFormat format) {
    return switch (format) {
      case PNG -> b.length >= 24 && tag(b, 12, "IHDR") ? new Size(be32(b, 16), be32(b, 20)) : null;
      case GIF -> b.length >= 10 ? new Size(le16(b, 6), le16(b, 8)) : null;
      case BMP -> b.length >= 26 ? new Size(Math.abs(le32(b, 18)), Math.abs(le32(b, 22))) : null;
      case JPEG -> jpegSize(b);
      case WEBP -> webpSize(b);
      default -> null; // TIFF: sizes live in IFDs anywhere in the file; the decoder's cap applies
    };
  }

  /**
   * Whether a JPEG ends with its end-of-image marker or a PNG with its IEND chunk. Decoders fill a
   * cut-off image with grey and report success, so truncation is checked here.
   */
  public static boolean isComplete(byte[] b, ImageFormat format) {
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) {
      end--; // some servers pad with zeros
    }
    if (format == ImageFormat.JPEG) {
      for (int i = end - 2; i >= Math.max(2, end - 64); i--) {
        if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD9) {
          return true;
        }
      }
      return false;
    } else if (format == ImageFormat.PNG) {
      for (int i = end - 8; i >= Math.max(8, end - 64); i--) {
        if (tag(b, i, "IEND")) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  private static Size jpegSize(byte[] b) {
    int i = 2;
    while (i + 9 < b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        return null;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // markers without a length
        continue;
      }
      int length = be16(b, i + 2);
      boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF
          && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        return new Size(be16(b, i + 7), be16(b, i + 5));
      }
      if (length < 2) {
        return null;
      }
      i += 2 + length;
    }
    return null;
  }

  private static Size webpSize(byte[] b) {
    if (b.length < 30) {
      return null;
    }
    if (tag(b, 12, "VP8 ")) {
      return new Size(le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff);
    } else if (tag(b, 12, "VP8L")) {
      int bits = le32(b, 21);
      return new Size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    } else if (tag(b, 12, "VP8X")) {
      return new Size(le24(b, 24) + 1, le24(b, 27) + 1);
    }
    return null;
  }

  private static boolean tag(byte[] b, int offset, String tag) {
    if (offset < 0 || offset + 4 > b.length) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (b[offset + i] != tag.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int be16(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  private static int be32(byte[] b, int i) {
    return (be16(b, i) << 16) | be16(b, i + 2);
  }

  private static int le16(byte[] b, int i) {
    return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
  }

  private static int le24(byte[] b, int i) {
    return le16(b, i) | ((b[i + 2] & 0xff) << 16);
  }

  private static int le32(byte[] b, int i) {
    return le16(b, i) | (le16(b, i + 2) << 16);
  }
}
