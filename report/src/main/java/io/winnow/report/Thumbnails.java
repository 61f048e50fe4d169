package io.winnow.report;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.schemas.Digests;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Small JPEG thumbnails for the report, and file names for them that any key can have. */
public final class Thumbnails {
  static final int PX = 128;

  private Thumbnails() {}

  /** The image scaled so its longer side is {@link #PX} pixels, as JPEG. */
  public static byte[] of(byte[] jpeg) {
    try (BytePointer bytes = new BytePointer(jpeg);
        Mat encoded = new Mat(1, jpeg.length, CV_8UC1, bytes);
        Mat image = imdecode(encoded, IMREAD_COLOR);
        Mat small = new Mat();
        BytePointer out = new BytePointer();
        IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 85)) {
      if (image.empty()) {
        throw new IllegalArgumentException("not a decodable image");
      }
      double scale = (double) PX / Math.max(image.cols(), image.rows());
      resize(
          image,
          small,
          new Size(
              Math.max(1, (int) Math.round(image.cols() * scale)),
              Math.max(1, (int) Math.round(image.rows() * scale))),
          0,
          0,
          INTER_AREA);
      imencode(".jpg", small, out, params);
      byte[] result = new byte[(int) out.limit()];
      out.get(result);
      return result;
    }
  }

  /**
   * A file name for {@code key}: the key itself when it is a plain name (pool keys are hex),
   * otherwise its hash (seed keys hold their set's name and a slash).
   */
  public static String fileName(String key) {
    if (key.matches("[A-Za-z0-9_.-]{1,100}") && !key.startsWith(".")) {
      return key + ".jpg";
    }
    return "k" + Digests.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".jpg";
  }
}
