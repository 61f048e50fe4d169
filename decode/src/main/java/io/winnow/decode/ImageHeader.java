package io.winnow.decode;

/**
 * Reads an image's size from its header without decoding it, so the pixel cap is enforced before a
 * decoder allocates anything (a "decompression bomb" is a small file with a huge header size), and
 * tells whether a JPEG or PNG stream is complete.
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
      case TIFF -> tiffSize(b);
      default -> null;
    };
  }

  /**
   * Whether a JPEG reaches its end-of-image marker (after scan data) or a PNG its IEND chunk,
   * walking the structure from the start: decoders fill a cut-off image with grey and report
   * success, so truncation is checked here; bytes after the end are ignored.
   */
  public static boolean isComplete(byte[] b, ImageFormat format) {
    if (format == ImageFormat.JPEG) {
      return jpegProblem(b) == null;
    } else if (format == ImageFormat.PNG) {
      // Chunk by chunk from the signature to IEND; bytes after it are not part of the image.
      long i = 8;
      while (i + 8 <= b.length) {
        long length = be32(b, (int) i) & 0xffffffffL;
        if (tag(b, (int) i + 4, "IEND")) {
          return true;
        }
        if (!chunkType(b, (int) i + 4)) {
          // Not a chunk: the data is damaged, not cut short; the decoder will say so.
          return true;
        }
        i += 12 + length;
      }
      return false;
    }
    return true;
  }

  /**
   * What is wrong with a JPEG's structure, or null: its markers are walked from the start, over
   * each segment and each scan's entropy-coded data, to the end-of-image marker. Bytes after it (a
   * phone's "motion photo" video, a trailer) are not part of the image and are fine; a stream that
   * ends before it, or reaches it without any scan data, is not.
   */
  public static String jpegProblem(byte[] b) {
    int i = 2;
    int scanBytes = 0;
    while (i + 1 < b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        return "no JPEG marker at byte " + i;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xD9) {
        return scanBytes > 0 ? null : "no scan data before the end marker";
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // markers without a length
        continue;
      }
      if (i + 3 >= b.length) {
        break;
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (length < 2) {
        return "a segment of length " + length + " at byte " + i;
      }
      i += 2 + length;
      if (marker == 0xDA) {
        // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a
        // restart marker.
        int start = i;
        while (i + 1 < b.length) {
          if ((b[i] & 0xff) == 0xFF) {
            int next = b[i + 1] & 0xff;
            if (next != 0x00 && !(next >= 0xD0 && next <= 0xD7) && next != 0xFF) {
              break;
            }
          }
          i++;
        }
        scanBytes += Math.max(0, i - start);
      }
    }
    return "stream ends early (" + b.length + " bytes, no end marker)";
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
      boolean startOfFrame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
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

  /**
   * The first image's size from a TIFF's first directory (tags ImageWidth and ImageLength), the
   * page a decoder reads; null for BigTIFF or a directory that cannot be read.
   */
  private static Size tiffSize(byte[] b) {
    if (b.length < 8) {
      return null;
    }
    boolean little = b[0] == 'I' && b[1] == 'I';
    if (!little && !(b[0] == 'M' && b[1] == 'M')) {
      return null;
    }
    if (tiff16(b, 2, little) != 42) {
      return null; // 43 is BigTIFF: the decoder's own cap applies
    }
    long ifd = tiff32(b, 4, little) & 0xffffffffL;
    if (ifd + 2 > b.length) {
      return null;
    }
    int entries = tiff16(b, (int) ifd, little);
    long width = -1;
    long height = -1;
    for (int e = 0; e < entries; e++) {
      int at = (int) ifd + 2 + 12 * e;
      if (at + 12 > b.length) {
        return null;
      }
      int tag = tiff16(b, at, little);
      int type = tiff16(b, at + 2, little);
      long value =
          type == 3
              ? tiff16(b, at + 8, little)
              : type == 4 ? tiff32(b, at + 8, little) & 0xffffffffL : -1;
      if (tag == 256) {
        width = value;
      } else if (tag == 257) {
        height = value;
      }
    }
    if (width <= 0 || height <= 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      return null;
    }
    return new Size((int) width, (int) height);
  }

  private static int tiff16(byte[] b, int i, boolean little) {
    return little ? le16(b, i) : be16(b, i);
  }

  private static int tiff32(byte[] b, int i, boolean little) {
    return little ? le32(b, i) : be32(b, i);
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

  /** Four ASCII letters, as every PNG chunk type is. */
  private static boolean chunkType(byte[] b, int offset) {
    for (int k = 0; k < 4; k++) {
      int c = b[offset + k] & 0xff;
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return true;
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
