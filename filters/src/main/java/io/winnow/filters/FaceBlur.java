package io.winnow.filters;

import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.schemas.FaceBox;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Hides faces in place: each box grows by a margin on every side (hair, ears, chin) and its pixels
 * are replaced by a strong Gaussian blur or by coarse pixelation. Pixels outside the grown boxes
 * are not touched.
 */
public final class FaceBlur {
  public enum Style {
    GAUSSIAN,
    PIXELATE
  }

  private FaceBlur() {}

  /** The box grown by {@code margin} × its size on each side, clipped to the image. */
  public static Rect grown(FaceBox face, double margin, int width, int height) {
    int dx = (int) Math.round(face.width() * margin);
    int dy = (int) Math.round(face.height() * margin);
    int x0 = Math.max(0, face.x() - dx);
    int y0 = Math.max(0, face.y() - dy);
    int x1 = Math.min(width, face.x() + face.width() + dx);
    int y1 = Math.min(height, face.y() + face.height() + dy);
    return new Rect(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  }

  public static void apply(Mat image, List<FaceBox> faces, double margin, Style style) {
    for (FaceBox face : faces) {
      Rect box = grown(face, margin, image.cols(), image.rows());
      if (box.width() < 1 || box.height() < 1) {
        continue;
      }
      try (Mat region = new Mat(image, box)) {
        if (style == Style.PIXELATE) {
          // About 8 blocks across the face: features are gone, the shape of a head stays.
          int bw = Math.max(1, box.width() / Math.max(1, face.width() / 8));
          int bh = Math.max(1, box.height() / Math.max(1, face.height() / 8));
          try (Mat tiny = new Mat()) {
            resize(region, tiny, new Size(bw, bh), 0, 0, INTER_AREA);
            resize(tiny, region, new Size(box.width(), box.height()), 0, 0, INTER_NEAREST);
          }
        } else {
          // A kernel about half the face wide: identity is gone, not just the fine detail.
          int k = Math.max(3, (Math.max(face.width(), face.height()) / 2) | 1);
          double sigma = k / 3.0;
          try (Mat blurred = new Mat()) {
            GaussianBlur(region, blurred, new Size(k, k), sigma, sigma, 4, 0);
            blurred.copyTo(region);
          }
        }
      }
    }
  }
}
