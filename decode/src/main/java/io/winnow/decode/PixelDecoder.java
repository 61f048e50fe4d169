package io.winnow.decode;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Bytes to 8-bit BGR pixels: JPEG through libjpeg (EXIF orientation applied, decoded at a reduced
 * scale where the stored size allows), GIF's first frame through the JDK, 16-bit and float images
 * scaled to 8 bits, grey expanded, transparency composited onto white; and the check for a JPEG
 * scan that stopped early.
 */
final class PixelDecoder {
  private PixelDecoder() {}

  /** Rows at the bottom that must all be the fill grey for an image to count as cut off. */
  static final int FILL_ROWS = 8;

  /**
   * Whether the image's bottom {@link #FILL_ROWS} rows are exactly mid-grey in every channel:
   * libjpeg decodes the blocks of a scan that stops early (a file cut off, with or without an end
   * marker appended) as 128 grey and reports success. A photo does not end in eight rows of one
   * exact grey. A picture framed or letterboxed in that grey does, but then its top rows are the
   * same grey, about as many as at the bottom: that is a frame, not missing data. A cut-off scan
   * leaves the top as it was, or (a framed picture cut off) a grey bottom far taller than its top.
   * (The copy dev set's grey-border copies were all rejected as cut off before this.)
   */
  static boolean endsInDecoderFill(Mat image) {
    if (image.rows() < 2 * FILL_ROWS
        || image.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
      return false;
    }
    // Row by row from the bottom: almost every image fails on its last row, so only that row is
    // read (every decoded image passes here).
    int rows = image.rows();
    byte[] row = new byte[image.cols() * image.channels()];
    int bottom = 0;
    while (bottom < rows && isFill(image, rows - 1 - bottom, row)) {
      bottom++;
    }
    if (bottom < FILL_ROWS) {
      return false;
    }
    if (bottom == rows) {
      return true; // nothing but fill: the scan stopped in its first rows
    }
    int top = 0;
    while (isFill(image, top, row)) {
      top++;
    }
    // A frame's bands differ by the JPEG blocks they round to and the ringing at the picture's
    // edge; a scan cut off leaves at least a block row more fill at the bottom than that.
    boolean framed = top >= FILL_ROWS && bottom <= 2 * top + 2 * FILL_ROWS;
    return !framed;
  }

  private static boolean isFill(Mat image, int y, byte[] row) {
    image.ptr(y).get(row);
    for (byte v : row) {
      if ((v & 0xff) != 128) {
        return false;
      }
    }
    return true;
  }

  /** Decodes to 8-bit BGR. JPEG goes through IMREAD_COLOR so EXIF orientation is applied. */
  static Mat decode(byte[] bytes, ImageFormat format, int reduction) {
    Mat buffer = new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes));
    if (format == ImageFormat.JPEG) {
      return imdecode(
          buffer,
          switch (reduction) {
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> IMREAD_COLOR;
          });
    }
    if (format == ImageFormat.GIF) {
      return firstGifFrame(bytes);
    }
    Mat raw = imdecode(buffer, IMREAD_UNCHANGED);
    if (raw == null || raw.empty()) {
      return raw;
    }
    Mat eight = raw;
    if (raw.depth() != CV_8U) {
      eight = new Mat();
      double scale = raw.elemSize1() == 2 ? 1.0 / 257 : 255.0; // 16-bit ints or [0,1] floats
      raw.convertTo(eight, CV_8U, scale, 0);
    }
    return switch (eight.channels()) {
      case 1 -> {
        Mat bgr = new Mat();
        cvtColor(eight, bgr, COLOR_GRAY2BGR);
        yield bgr;
      }
      case 4 -> onWhite(eight);
      default -> eight;
    };
  }

  /**
   * The first frame of a GIF (static or animated), as BGR on white where it is transparent:
   * OpenCV's build has no GIF decoder, the JDK's has. Null when the JDK cannot read it. The pixel
   * cap was checked against the header's screen size before this.
   */
  static Mat firstGifFrame(byte[] bytes) {
    java.awt.image.BufferedImage frame;
    try (javax.imageio.stream.ImageInputStream in =
        javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
      java.util.Iterator<javax.imageio.ImageReader> readers =
          javax.imageio.ImageIO.getImageReadersByFormatName("gif");
      if (!readers.hasNext()) {
        return null;
      }
      javax.imageio.ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        frame = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (java.io.IOException | RuntimeException e) {
      return null; // a damaged GIF: the caller reports it as corrupt
    }
    int w = frame.getWidth();
    int h = frame.getHeight();
    int[] argb = frame.getRGB(0, 0, w, h, null, 0, w);
    byte[] bgr = new byte[w * h * 3];
    for (int p = 0; p < argb.length; p++) {
      int alpha = argb[p] >>> 24;
      for (int c = 0; c < 3; c++) {
        int value = (argb[p] >> (8 * c)) & 0xff; // blue, green, red
        bgr[p * 3 + c] = (byte) ((value * alpha + 255 * (255 - alpha) + 127) / 255);
      }
    }
    Mat image = new Mat(h, w, CV_8UC3);
    image.data().put(bgr);
    return image;
  }

  /** Composites a BGRA image onto white, as a viewer would show it. */
  private static Mat onWhite(Mat bgra) {
    int pixels = bgra.rows() * bgra.cols();
    byte[] in = new byte[pixels * 4];
    bgra.data().get(in);
    byte[] out = new byte[pixels * 3];
    for (int p = 0; p < pixels; p++) {
      int alpha = in[p * 4 + 3] & 0xff;
      for (int c = 0; c < 3; c++) {
        int value = in[p * 4 + c] & 0xff;
        out[p * 3 + c] = (byte) ((value * alpha + 255 * (255 - alpha) + 127) / 255);
      }
    }
    Mat bgr = new Mat(bgra.rows(), bgra.cols(), CV_8UC3);
    bgr.data().put(out);
    return bgr;
  }
}
