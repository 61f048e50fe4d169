package io.winnow.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Real encoded images made with OpenCV, for tests. */
public final class TestImages {
  private TestImages() {}

  /** A JPEG of a horizontal gradient with a coloured block, so it is not trivially compressible. */
  public static byte[] jpeg(int width, int height) {
    return encode(".jpg", pattern(width, height, CV_8UC3));
  }

  public static byte[] png(int width, int height) {
    return encode(".png", pattern(width, height, CV_8UC3));
  }

  /** A PNG whose every pixel is pure red (BGR 0,0,255) with the given alpha. */
  public static byte[] pngWithAlpha(int width, int height, int alpha) {
    Mat image = new Mat(height, width, CV_8UC4, new Scalar(0, 0, 255, alpha));
    return encode(".png", image);
  }

  /** Decodes to BGR; returns {width, height, b, g, r} of the centre pixel. */
  public static int[] decodeCentre(byte[] bytes) {
    Mat image =
        imdecode(
            new Mat(
                1,
                bytes.length,
                org.bytedeco.opencv.global.opencv_core.CV_8UC1,
                new BytePointer(bytes)),
            IMREAD_COLOR);
    var pixels = image.<org.bytedeco.javacpp.indexer.UByteIndexer>createIndexer();
    int y = image.rows() / 2;
    int x = image.cols() / 2;
    return new int[] {
      image.cols(), image.rows(), pixels.get(y, x, 0), pixels.get(y, x, 1), pixels.get(y, x, 2)
    };
  }

  private static Mat pattern(int width, int height, int type) {
    Mat image = new Mat(height, width, type);
    var pixels = image.<org.bytedeco.javacpp.indexer.UByteIndexer>createIndexer();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        pixels.put(y, x, 0, x * 255 / Math.max(1, width - 1));
        pixels.put(y, x, 1, y * 255 / Math.max(1, height - 1));
        pixels.put(y, x, 2, (x / 8 + y / 8) % 2 == 0 ? 200 : 40);
      }
    }
    return image;
  }

  private static byte[] encode(String extension, Mat image) {
    BytePointer out = new BytePointer();
    if (!imencode(extension, image, out)) {
      throw new IllegalStateException("encoding failed");
    }
    byte[] bytes = new byte[(int) out.limit()];
    out.get(bytes);
    return bytes;
  }
}
