package io.winnow.bench;

import io.winnow.bench.ReferenceFaces.Box;
import io.winnow.bench.ReferenceFaces.Photo;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Scores one detector variant against the reference faces and prints its line: recall (and for
 * 16-31 px faces), boxes in people photos that match no reference face, photos without people that
 * got a blur, and the cost per image. With {@code DUMP=DIR}, the shipped pass's misses and false
 * blurs are written there as pictures.
 */
final class FaceBlurScore {
  private FaceBlurScore() {}

  static void evaluate(String name, List<Photo> photos, Function<Photo, List<Box>> detector) {
    int faces = 0,
        blurred = 0,
        small = 0,
        smallBlurred = 0,
        falseBlurs = 0,
        otherImagesBlurred = 0,
        others = 0;
    long start = System.nanoTime();
    for (Photo p : photos) {
      List<Box> found = detector.apply(p);
      List<Box> grown = found.stream().map(b -> b.grow(0.2)).toList();
      for (Box r : p.reference()) {
        faces++;
        boolean covered = grown.stream().anyMatch(g -> g.overlap(r) >= 0.5 * r.area());
        if (covered) blurred++;
        if (r.w() < 32) {
          small++;
          if (covered) smallBlurred++;
        }
      }
      if (System.getenv("DUMP") != null && name.startsWith("shipped")) {
        List<Box> missed =
            p.reference().stream()
                .filter(r -> grown.stream().noneMatch(g -> g.overlap(r) >= 0.5 * r.area()))
                .toList();
        if (!missed.isEmpty() || (!p.people() && !found.isEmpty())) {
          Mat canvas = p.stored().clone();
          for (Box r : missed)
            org.bytedeco.opencv.global.opencv_imgproc.rectangle(
                canvas,
                new Rect((int) r.x(), (int) r.y(), (int) r.w(), (int) r.h()),
                new org.bytedeco.opencv.opencv_core.Scalar(0, 0, 255, 0));
          for (Box f : found)
            org.bytedeco.opencv.global.opencv_imgproc.rectangle(
                canvas,
                new Rect((int) f.x(), (int) f.y(), (int) f.w(), (int) f.h()),
                new org.bytedeco.opencv.opencv_core.Scalar(0, 255, 0, 0));
          org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(
              System.getenv("DUMP") + "/" + (p.people() ? "miss-" : "false-") + p.name() + ".png",
              canvas);
        }
      }
      if (!p.people()) {
        others++;
        if (!found.isEmpty()) otherImagesBlurred++;
      } else
        for (Box f : found)
          if (p.reference().stream()
              .noneMatch(r -> r.iou(f) >= 0.1 || f.grow(0.2).overlap(r) >= 0.5 * r.area()))
            falseBlurs++;
    }
    double ms = (System.nanoTime() - start) / 1e6 / photos.size();
    System.out.printf(
        Locale.ROOT,
        "%-40s recall %d/%d = %.3f (16-31 px: %d/%d), unconfirmed boxes in people photos %d, "
            + "photos without people blurred %d/%d = %.1f%%, %.1f ms/image%n",
        name,
        blurred,
        faces,
        (double) blurred / Math.max(1, faces),
        smallBlurred,
        small,
        falseBlurs,
        otherImagesBlurred,
        others,
        100.0 * otherImagesBlurred / Math.max(1, others),
        ms);
  }
}
