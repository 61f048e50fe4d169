package io.winnow.bench.copyset;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Images as the set reads, scales and writes them: bytes from a file or an rcc entry, decoded to
 * 8-bit BGR, scaled to a long side, encoded as JPEG.
 */
final class SetImages {
  static final int MAX_SIDE = 1024;

  private SetImages() {}

  /** The photo as the set has it: BGR, long side at most {@link #MAX_SIDE}. */
  static Mat load(Path base, Photo photo) throws IOException {
    Mat image = decode(read(base, photo.location()));
    if (image == null) {
      throw new IOException("cannot decode " + photo.source() + " at " + photo.location());
    }
    return fitLongSide(image, MAX_SIDE);
  }

  /** Decodes to 8-bit BGR; transparency is flattened onto white. Null if it does not decode. */
  static Mat decode(byte[] bytes) {
    boolean jpeg = bytes.length > 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
    // JPEGs decode in colour so that their EXIF orientation is applied.
    Mat raw =
        imdecode(
            new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)),
            jpeg ? IMREAD_COLOR : IMREAD_UNCHANGED);
    if (raw == null || raw.empty()) {
      return null;
    }
    if (raw.depth() == CV_16U) {
      Mat eight = new Mat();
      raw.convertTo(eight, CV_8U, 1 / 257.0, 0);
      raw = eight;
    }
    return switch (raw.channels()) {
      case 1 -> {
        Mat bgr = new Mat();
        cvtColor(raw, bgr, COLOR_GRAY2BGR);
        yield bgr;
      }
      case 4 -> onWhite(raw);
      default -> raw;
    };
  }

  private static Mat onWhite(Mat bgra) {
    Mat out = new Mat(bgra.rows(), bgra.cols(), CV_8UC3);
    try (UByteIndexer in = bgra.createIndexer();
        UByteIndexer px = out.createIndexer()) {
      for (long y = 0; y < bgra.rows(); y++) {
        for (long x = 0; x < bgra.cols(); x++) {
          int alpha = in.get(y, x, 3);
          for (int c = 0; c < 3; c++) {
            px.put(y, x, c, (in.get(y, x, c) * alpha + 255 * (255 - alpha) + 127) / 255);
          }
        }
      }
    }
    return out;
  }

  static Mat fitLongSide(Mat in, int max) {
    return fitLongSide(in, max, false);
  }

  /** Scaled so the long side is at most {@code max} (or exactly, with {@code exact}). */
  static Mat fitLongSide(Mat in, int max, boolean exact) {
    int side = Math.max(in.cols(), in.rows());
    if (side <= max && !(exact && side != max)) {
      return in;
    }
    double s = (double) max / side;
    Mat out = new Mat();
    resize(
        in,
        out,
        new Size(
            Math.max(1, (int) Math.round(in.cols() * s)),
            Math.max(1, (int) Math.round(in.rows() * s))),
        0,
        0,
        s < 1 ? INTER_AREA : INTER_LINEAR);
    return out;
  }

  static Mat grey(Mat bgr) {
    Mat grey = new Mat();
    cvtColor(bgr, grey, COLOR_BGR2GRAY);
    return grey;
  }

  static byte[] encode(Mat image, int quality) {
    BytePointer out = new BytePointer();
    imencode(".jpg", image, out, new IntPointer(IMWRITE_JPEG_QUALITY, quality));
    byte[] bytes = new byte[(int) out.limit()];
    out.get(bytes);
    out.close();
    return bytes;
  }

  /** Bytes at a location relative to {@code base}: a file, or FILE.rcc!/ENTRY. */
  static byte[] read(Path base, String location) throws IOException {
    int bang = location.indexOf("!/");
    if (bang < 0) {
      return Files.readAllBytes(base.resolve(location));
    }
    return RccArchive.open(base.resolve(location.substring(0, bang)).normalize())
        .read(location.substring(bang + 2));
  }
}
