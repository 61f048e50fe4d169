package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.Edited.DEFAULT_QUALITY;
import static io.winnow.bench.copyset.SetGenerator.random;
import static io.winnow.bench.copyset.SetGenerator.write;
import static io.winnow.bench.copyset.SetImages.MAX_SIDE;
import static io.winnow.bench.copyset.SetImages.decode;
import static io.winnow.bench.copyset.SetImages.fitLongSide;
import static io.winnow.bench.copyset.SetImages.load;
import static io.winnow.bench.copyset.SetImages.read;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.FLOODFILL_FIXED_RANGE;
import static org.bytedeco.opencv.global.opencv_imgproc.FLOODFILL_MASK_ONLY;
import static org.bytedeco.opencv.global.opencv_imgproc.floodFill;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The hard negatives: different photos of one scene, which a copy detector must not merge. Real
 * ones are written as they are; synthetic ones are two far-apart crops of one photo, or two
 * different objects pasted at the same place on one background. Each image is its own photo.
 */
final class HardNegatives {
  private HardNegatives() {}

  static List<Entry> real(List<Photo> members, Path base, Path outDir) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Photo p : members) {
      try (PointerScope scope = new PointerScope()) {
        entries.add(
            write(
                outDir,
                "hard-negatives/" + p.id() + ".jpg",
                p,
                "original",
                new Edited(load(base, p), DEFAULT_QUALITY, "real: " + p.scene()),
                "hard-negative",
                "real:" + p.scene()));
      }
    }
    return entries;
  }

  /**
   * Two crops of one large photo, from its two ends (left and right, or top and bottom for a
   * portrait), each 45-54 % of that side: they overlap by less than 20 % of either crop.
   */
  static List<Entry> split(List<Photo> sources, Path base, Path outDir, long seed)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Photo p : sources) {
      Random random = random(seed, p.id());
      try (PointerScope scope = new PointerScope()) {
        Mat full = decode(read(base, p.location()));
        boolean wide = full.cols() >= full.rows();
        double a = 0.45 + 0.09 * random.nextDouble();
        double b = 0.45 + 0.09 * random.nextDouble();
        Rect first = splitCrop(full, wide, 0, a, random);
        Rect second = splitCrop(full, wide, 1 - b, b, random);
        double overlap = overlap(first, second);
        if (overlap >= 0.2) {
          throw new IllegalStateException("split crops of " + p.id() + " overlap " + overlap);
        }
        String[] names = wide ? new String[] {"left", "right"} : new String[] {"top", "bottom"};
        Rect[] rects = {first, second};
        for (int i = 0; i < 2; i++) {
          Rect r = rects[i];
          Photo half =
              new Photo(
                  p.id() + "-" + names[i],
                  p.pkg(),
                  p.version(),
                  p.path(),
                  r.width(),
                  r.height(),
                  p.licence(),
                  "hard-negative",
                  "split:" + p.id(),
                  "",
                  p.location());
          Mat crop = fitLongSide(new Mat(full, r), MAX_SIDE);
          String detail =
              String.format(
                  Locale.ROOT,
                  "synthetic: %s crop %d,%d %dx%d of %dx%d,"
                      + " overlap %.0f %% of the smaller crop",
                  names[i],
                  r.x(),
                  r.y(),
                  r.width(),
                  r.height(),
                  full.cols(),
                  full.rows(),
                  overlap * 100);
          entries.add(
              write(
                  outDir,
                  "hard-negatives/" + half.id() + ".jpg",
                  half,
                  "original",
                  new Edited(crop, DEFAULT_QUALITY, detail),
                  "hard-negative",
                  "synthetic:split:" + p.id()));
        }
      }
    }
    return entries;
  }

  /** A crop starting at {@code from} (share of the long axis), {@code share} long, 75-95 % high. */
  private static Rect splitCrop(Mat m, boolean wide, double from, double share, Random random) {
    int along = wide ? m.cols() : m.rows();
    int across = wide ? m.rows() : m.cols();
    int start = (int) Math.round(from * along);
    int length = Math.min(along - start, (int) Math.round(share * along));
    int thick = (int) Math.round(across * (0.75 + 0.2 * random.nextDouble()));
    int offset = random.nextInt(across - thick + 1);
    return wide ? new Rect(start, offset, length, thick) : new Rect(offset, start, thick, length);
  }

  private static double overlap(Rect a, Rect b) {
    int w = Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x());
    int h = Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y());
    double smaller = Math.min((double) a.width() * a.height(), (double) b.width() * b.height());
    return w <= 0 || h <= 0 ? 0 : w * (double) h / smaller;
  }

  /**
   * One background with two different objects cut out and pasted at the same place and size:
   * background g gets objects 2g and 2g+1.
   */
  static List<Entry> paste(
      List<Photo> backgrounds, List<Photo> objects, Path base, Path outDir, long seed)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (int g = 0; g < backgrounds.size() && 2 * g + 1 < objects.size(); g++) {
      Photo bg = backgrounds.get(g);
      Random random = random(seed, bg.id());
      try (PointerScope scope = new PointerScope()) {
        Mat canvas = load(base, bg);
        int shortSide = Math.min(canvas.cols(), canvas.rows());
        int longSide = (int) Math.round(shortSide * (0.55 + 0.2 * random.nextDouble()));
        double cx = 0.3 + 0.4 * random.nextDouble();
        double cy = 0.3 + 0.4 * random.nextDouble();
        for (Photo object : List.of(objects.get(2 * g), objects.get(2 * g + 1))) {
          Mat out = canvas.clone();
          Mat item = fitLongSide(decode(read(base, object.location())), longSide, true);
          Mat mask = objectMask(item);
          int x = (int) Math.round(cx * canvas.cols() - item.cols() / 2.0);
          int y = (int) Math.round(cy * canvas.rows() - item.rows() / 2.0);
          x = Math.max(0, Math.min(canvas.cols() - item.cols(), x));
          y = Math.max(0, Math.min(canvas.rows() - item.rows(), y));
          item.copyTo(new Mat(out, new Rect(x, y, item.cols(), item.rows())), mask);
          Photo composite =
              new Photo(
                  bg.id() + "-with-" + object.id(),
                  bg.pkg(),
                  bg.version(),
                  bg.path(),
                  out.cols(),
                  out.rows(),
                  bg.licence(),
                  "hard-negative",
                  "paste:" + bg.id(),
                  "",
                  bg.location());
          String detail =
              String.format(
                  Locale.ROOT,
                  "synthetic: %s (%s) cut out, long side" + " %d px, at %d,%d",
                  object.id(),
                  object.source(),
                  longSide,
                  x,
                  y);
          entries.add(
              write(
                  outDir,
                  "hard-negatives/" + composite.id() + ".jpg",
                  composite,
                  "original",
                  new Edited(out, DEFAULT_QUALITY, detail),
                  "hard-negative",
                  "synthetic:paste:" + bg.id()));
        }
      }
    }
    return entries;
  }

  /** Everything but the plain background that touches the corners (flood fill, tolerance 18). */
  private static Mat objectMask(Mat item) {
    Mat fill = new Mat(item.rows() + 2, item.cols() + 2, CV_8UC1, new Scalar(0));
    Scalar tolerance = new Scalar(18, 18, 18, 0);
    int flags = 4 | FLOODFILL_FIXED_RANGE | FLOODFILL_MASK_ONLY | (255 << 8);
    for (Point corner :
        List.of(
            new Point(0, 0),
            new Point(item.cols() - 1, 0),
            new Point(0, item.rows() - 1),
            new Point(item.cols() - 1, item.rows() - 1))) {
      floodFill(item, fill, corner, new Scalar(), null, tolerance, tolerance, flags);
    }
    Mat background = new Mat(fill, new Rect(1, 1, item.cols(), item.rows()));
    Mat mask = new Mat();
    background.convertTo(mask, CV_8U, -1, 255);
    return mask;
  }
}
