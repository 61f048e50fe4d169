package io.winnow.bench.copyset;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * How alike two photos' thumbnails are, for the selection's "one photo, one id" rule and the log's
 * most-similar pair of each real scene.
 */
final class ThumbnailSimilarity {
  private ThumbnailSimilarity() {}

  /**
   * How alike two photos look, -1 to 1: the best correlation of 32 x 32 grey thumbnails, or of
   * their gradient magnitudes (which survive a light/dark recolouring), after cutting the wider one
   * to the other's aspect ratio around the centre, with the second one mirrored or not.
   */
  static double similarity(Thumb first, Thumb second) {
    double ra = (double) first.width() / first.height();
    double rb = (double) second.width() / second.height();
    if (Math.max(ra, rb) / Math.min(ra, rb) > 2.5) {
      return 0;
    }
    double aspect = Math.min(ra, rb);
    try (PointerScope scope = new PointerScope()) {
      Mat a = first.mat();
      Mat b = second.mat();
      float[] ta = thumbnail(cropToAspect(a, aspect), 32);
      Mat bc = cropToAspect(b, aspect);
      Mat bm = new Mat();
      flip(bc, bm, 1);
      float[] ga = gradient(cropToAspect(a, aspect));
      double best = -1;
      for (Mat candidate : List.of(bc, bm)) {
        best = Math.max(best, correlation(ta, thumbnail(candidate, 32)));
        best = Math.max(best, correlation(ga, gradient(candidate)));
      }
      return best;
    }
  }

  private static Mat cropToAspect(Mat m, double aspect) {
    int w = Math.min(m.cols(), (int) Math.round(m.rows() * aspect));
    return new Mat(m, new Rect((m.cols() - w) / 2, 0, w, m.rows()));
  }

  private static float[] thumbnail(Mat grey, int side) {
    Mat small = new Mat();
    resize(grey, small, new Size(side, side), 0, 0, INTER_AREA);
    Mat f = new Mat();
    small.convertTo(f, CV_32F);
    float[] values = new float[side * side];
    try (FloatIndexer idx = f.createIndexer()) {
      idx.get(0, values);
    }
    return values;
  }

  /** Gradient magnitude of a 64 x 64 thumbnail, pooled to 32 x 32. */
  private static float[] gradient(Mat grey) {
    float[] t = thumbnail(grey, 64);
    float[] g = new float[32 * 32];
    for (int y = 1; y < 63; y++) {
      for (int x = 1; x < 63; x++) {
        float dx = t[y * 64 + x + 1] - t[y * 64 + x - 1];
        float dy = t[(y + 1) * 64 + x] - t[(y - 1) * 64 + x];
        g[(y / 2) * 32 + x / 2] += (float) Math.sqrt(dx * dx + dy * dy);
      }
    }
    return g;
  }

  private static double correlation(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) * (a[i] - ma);
      bb += (b[i] - mb) * (b[i] - mb);
    }
    return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
  }
}
