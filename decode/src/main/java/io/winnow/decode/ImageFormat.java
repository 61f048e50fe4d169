package io.winnow.decode;

/** Image formats told apart by their first bytes ("magic"), whatever the server claims. */
public enum ImageFormat {
  JPEG("image/jpeg", true),
  PNG("image/png", true),
  GIF("image/gif", true),
  WEBP("image/webp", true),
  BMP("image/bmp", true),
  TIFF("image/tiff", true),
  // Recognised so they are reported as unsupported rather than as "not an image".
  AVIF("image/avif", false),
  HEIC("image/heic", false),
  ICO("image/x-icon", false),
  SVG("image/svg+xml", false);

  private final String mimeType;
  private final boolean decodable;

  ImageFormat(String mimeType, boolean decodable) {
    this.mimeType = mimeType;
    this.decodable = decodable;
  }

  public String mimeType() {
    return mimeType;
  }

  /** Whether the decode stage can read it (OpenCV's codecs). */
  public boolean decodable() {
    return decodable;
  }

  /** The format {@code bytes} start with, or null when they are no image we know. */
  public static ImageFormat sniff(byte[] b) {
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    } else if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    } else if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
      return GIF;
    } else if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    } else if (startsWith(b, 0, 'B', 'M') && b.length >= 26) {
      return BMP;
    } else if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) {
      return TIFF;
    } else if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
      String brand =
          b.length >= 12 ? new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII) : "";
      if (brand.startsWith("avi")) {
        return AVIF;
      } else if (brand.startsWith("hei") || brand.startsWith("mif") || brand.startsWith("hev")) {
        return HEIC;
      }
    } else if (startsWith(b, 0, 0, 0, 1, 0)) {
      return ICO;
    } else if (looksLikeSvg(b)) {
      return SVG;
    }
    return null;
  }

  private static boolean looksLikeSvg(byte[] b) {
    String head =
        new String(b, 0, Math.min(b.length, 256), java.nio.charset.StandardCharsets.ISO_8859_1)
            .stripLeading();
    return head.startsWith("<svg") || (head.startsWith("<?xml") && head.contains("<svg"));
  }

  private static boolean startsWith(byte[] b, int offset, int... magic) {
    if (b.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[offset + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
