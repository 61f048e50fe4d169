package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.Edited.DEFAULT_QUALITY;
import static io.winnow.bench.copyset.SetImages.MAX_SIDE;
import static io.winnow.bench.copyset.SetImages.grey;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_HSV2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The edits that keep the frame and change the pixels: greyscale, blur, JPEG re-encoding and colour
 * jitter.
 */
final class PixelEdits {
  private PixelEdits() {}

  static Edited greyscale(Mat in) {
    Mat grey = grey(in);
    Mat out = new Mat();
    cvtColor(grey, out, COLOR_GRAY2BGR);
    return new Edited(out, DEFAULT_QUALITY, "greyscale");
  }

  /** Gaussian blur, sigma 2-5 px at a long side of 1024 px (scaled with the picture). */
  static Edited blur(Mat in, Random random) {
    double sigma = 2 + 3 * random.nextDouble();
    double scaled = sigma * Math.max(in.cols(), in.rows()) / MAX_SIDE;
    Mat out = new Mat();
    GaussianBlur(in, out, new Size(0, 0), scaled);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "gaussian blur sigma %.1f at 1024 px", sigma));
  }

  /** Re-encoded at JPEG quality 10-30. */
  static Edited jpeg(Mat in, Random random) {
    int quality = 10 + random.nextInt(21);
    return new Edited(in, quality, "jpeg quality " + quality);
  }

  /** Brightness, contrast, saturation and hue jitter. */
  static Edited colour(Mat in, Random random) {
    double contrast = 0.6 + 0.9 * random.nextDouble();
    double brightness = -40 + 80 * random.nextDouble();
    double saturation = 0.4 + 1.2 * random.nextDouble();
    int hue = -18 + random.nextInt(37);
    Mat adjusted = new Mat();
    in.convertTo(adjusted, -1, contrast, 128 * (1 - contrast) + brightness);
    Mat hsv = new Mat();
    cvtColor(adjusted, hsv, COLOR_BGR2HSV);
    try (UByteIndexer px = hsv.createIndexer()) {
      for (long y = 0; y < hsv.rows(); y++) {
        for (long x = 0; x < hsv.cols(); x++) {
          px.put(y, x, 0, (px.get(y, x, 0) + hue + 180) % 180);
          px.put(y, x, 1, (int) Math.min(255, Math.round(px.get(y, x, 1) * saturation)));
        }
      }
    }
    Mat out = new Mat();
    cvtColor(hsv, out, COLOR_HSV2BGR);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(
            Locale.ROOT,
            "contrast %.2f, brightness %+.0f, saturation %.2f, hue %+d deg",
            contrast,
            brightness,
            saturation,
            hue * 2));
  }
}
