package io.winnow.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.filters.BlazeFaceDetector;
import io.winnow.filters.BlurFaces;
import io.winnow.filters.FaceDetector;
import io.winnow.filters.HaarFaceDetector;
import io.winnow.pipeline.decode.DecodeSettings;
import io.winnow.pipeline.decode.ImageProcessor;
import io.winnow.schemas.FaceBox;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * Face blur recall on the people photos of the safe-photo dev set (bench/safe-photos/), with
 * independent detectors as the reference: OpenCV's frontal-default, frontal-alt, profile (both
 * ways) Haar cascades and the improved LBP frontal cascade, run on the decoded photo (long side at
 * most 1024 px, histogram-equalised); a face is a box two of them agree on (IoU ≥ 0.3), kept when
 * it is at least 16 px wide in stored pixels. A face counts as blurred when a detection, grown by
 * the default 0.2 margin, covers half its box. The photos without people measure false blurs (any
 * detection there). Variants: the shipped BlazeFace pass on the stored 256 px image, tiles, lower
 * scores, the Haar fallback, a union, and detection on a 768 px decode. {@code DUMP=DIR} writes the
 * misses and false blurs of the shipped pass as pictures.
 *
 * <pre>FaceBlurRecall DEVSET_DIR   (with people/ and other/ inside)</pre>
 */
public final class FaceBlurRecall {
  record Box(double x, double y, double w, double h) {
    double area() {
      return w * h;
    }

    double overlap(Box o) {
      double ix = Math.max(0, Math.min(x + w, o.x + o.w) - Math.max(x, o.x));
      double iy = Math.max(0, Math.min(y + h, o.y + o.h) - Math.max(y, o.y));
      return ix * iy;
    }

    double iou(Box o) {
      double i = overlap(o);
      return i / (area() + o.area() - i);
    }

    Box grow(double m) {
      return new Box(x - m * w, y - m * h, w * (1 + 2 * m), h * (1 + 2 * m));
    }
  }

  record Photo(
      String name,
      boolean people,
      Mat stored,
      Mat original,
      List<Box> reference,
      List<Box> referenceInOriginal) {}

  static List<Box> cascade(CascadeClassifier c, Mat gray, int minSize, boolean mirrored) {
    List<Box> out = new ArrayList<>();
    Mat g = gray;
    if (mirrored) {
      g = new Mat();
      flip(gray, g, 1);
    }
    try (RectVector found = new RectVector()) {
      c.detectMultiScale(g, found, 1.1, 4, 0, new Size(minSize, minSize), new Size());
      for (long i = 0; i < found.size(); i++) {
        Rect r = found.get(i);
        double x = mirrored ? gray.cols() - r.x() - r.width() : r.x();
        out.add(new Box(x, r.y(), r.width(), r.height()));
      }
    }
    return out;
  }

  static CascadeClassifier load(String path) throws Exception {
    File f =
        Loader.cacheResource(
            HaarFaceDetector.class,
            "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/" + path);
    return new CascadeClassifier(f.getAbsolutePath());
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "bench/target/safe-devset");
    DecodeSettings decode = DecodeSettings.defaults();
    ImageProcessor processor = new ImageProcessor(decode);
    org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
    CascadeClassifier[] refs = {
      load("haarcascades/haarcascade_frontalface_default.xml"),
      load("haarcascades/haarcascade_frontalface_alt.xml"),
      load("haarcascades/haarcascade_profileface.xml"),
      load("lbpcascades/lbpcascade_frontalface_improved.xml")
    };
    List<Photo> photos = new ArrayList<>();
    int faces = 0;
    for (String subset : List.of("people", "other")) {
      List<Path> files;
      try (var l = Files.list(root.resolve(subset))) {
        files = l.sorted().toList();
      }
      for (Path file : files) {
        byte[] bytes = Files.readAllBytes(file);
        ImageProcessor.Processed p = processor.process(bytes).image();
        Mat stored =
            imdecode(new Mat(1, p.jpeg().length, CV_8UC1, new BytePointer(p.jpeg())), IMREAD_COLOR);
        Mat full =
            imdecode(new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)), IMREAD_COLOR);
        // Same orientation as stored (EXIF): compare aspect; skip if mismatch.
        double long0 = Math.max(full.cols(), full.rows());
        Mat ref = full;
        double refScale = 1;
        if (long0 > 1024) {
          refScale = 1024 / long0;
          ref = new Mat();
          resize(
              full,
              ref,
              new Size((int) (full.cols() * refScale), (int) (full.rows() * refScale)),
              0,
              0,
              INTER_AREA);
        }
        // stored pixels per ref pixel, and padding offset of the border mode
        double s =
            (double) Math.max(stored.cols(), stored.rows()) / Math.max(ref.cols(), ref.rows());
        double offX = (stored.cols() - ref.cols() * s) / 2;
        double offY = (stored.rows() - ref.rows() * s) / 2;
        Mat gray = new Mat();
        cvtColor(ref, gray, COLOR_BGR2GRAY);
        equalizeHist(gray, gray);
        int minSize = Math.max(12, (int) Math.round(12 / s));
        List<List<Box>> per = new ArrayList<>();
        for (int d = 0; d < refs.length; d++) {
          List<Box> b = cascade(refs[d], gray, minSize, false);
          if (d == 2) b.addAll(cascade(refs[d], gray, minSize, true));
          per.add(b);
        }
        List<Box> reference = new ArrayList<>();
        List<Box> inOriginal = new ArrayList<>();
        for (int d = 0; d < per.size(); d++) {
          for (Box b : per.get(d)) {
            int votes = 1;
            for (int e = 0; e < per.size(); e++) {
              if (e == d) continue;
              for (Box o : per.get(e)) {
                if (b.iou(o) >= 0.3) {
                  votes++;
                  break;
                }
              }
            }
            if (votes < 2) continue;
            Box m = new Box(b.x * s + offX, b.y * s + offY, b.w * s, b.h * s);
            boolean dup = reference.stream().anyMatch(r -> r.iou(m) >= 0.3);
            if (!dup && m.w >= 16) {
              reference.add(m);
              inOriginal.add(
                  new Box(b.x / refScale, b.y / refScale, b.w / refScale, b.h / refScale));
            }
          }
        }
        if (subset.equals("other")) { // no people: every detection is false
          reference.clear();
          inOriginal.clear();
        }
        faces += reference.size();
        photos.add(
            new Photo(
                file.getFileName().toString(),
                subset.equals("people"),
                stored,
                full,
                reference,
                inOriginal));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%d photos, %d reference faces >= 16 px (stored) in the people subset%n",
        photos.size(),
        faces);
    // Harder copies of the people photos, with the same faces moved where the edit moves them:
    // greyscale, dark (x0.3), and small (the photo at the centre of a canvas 2.5 times its size).
    List<Photo> hard = new ArrayList<>();
    for (Photo p : photos) {
      if (p.referenceInOriginal().isEmpty()) continue;
      Mat grey = new Mat();
      cvtColor(p.original(), grey, COLOR_BGR2GRAY);
      Mat grey3 = new Mat();
      cvtColor(grey, grey3, org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR);
      hard.add(variant(processor, "grey-" + p.name(), grey3, p.referenceInOriginal(), 0, 0));
      Mat dark = new Mat();
      p.original().convertTo(dark, -1, 0.3, 0);
      hard.add(variant(processor, "dark-" + p.name(), dark, p.referenceInOriginal(), 0, 0));
      int cw = (int) (p.original().cols() * 2.5), ch = (int) (p.original().rows() * 2.5);
      int px = (cw - p.original().cols()) / 2, py = (ch - p.original().rows()) / 2;
      Mat canvas =
          new Mat(
              ch,
              cw,
              p.original().type(),
              new org.bytedeco.opencv.opencv_core.Scalar(110, 120, 100, 0));
      p.original()
          .copyTo(new Mat(canvas, new Rect(px, py, p.original().cols(), p.original().rows())));
      hard.add(variant(processor, "small-" + p.name(), canvas, p.referenceInOriginal(), px, py));
    }
    System.out.printf(
        Locale.ROOT,
        "hard copies: %d photos, %d faces >= 16 px%n",
        hard.size(),
        hard.stream().mapToInt(h -> h.reference().size()).sum());
    try (FaceDetector blaze = BlazeFaceDetector.load(BlurFaces.blazeFaceModel(), 0.5);
        FaceDetector ssd = io.winnow.filters.SsdFaceDetector.load(0.5);
        FaceDetector shipped = BlurFaces.open(BlurFaces.DEFAULT_DETECTOR, 0.5)) {
      for (String kind : List.of("grey-", "dark-", "small-", "")) {
        List<Photo> subset = hard.stream().filter(h -> h.name().startsWith(kind)).toList();
        String label = kind.isEmpty() ? "all hard" : kind.substring(0, kind.length() - 1);
        evaluate(
            "[" + label + "] BlazeFace alone",
            subset,
            p -> boxes(blaze.detect(p.stored()), 0, 0, 1));
        evaluate(
            "[" + label + "] shipped default",
            subset,
            p -> boxes(shipped.detect(p.stored()), 0, 0, 1));
        evaluate(
            "[" + label + "] BlazeFace ∪ SSD",
            subset,
            p ->
                union(
                    boxes(blaze.detect(p.stored()), 0, 0, 1),
                    boxes(ssd.detect(p.stored()), 0, 0, 1)));
      }
    }
    System.out.println();
    for (double score : new double[] {0.4, 0.3}) {
      try (FaceDetector b = BlazeFaceDetector.load(BlurFaces.blazeFaceModel(), score)) {
        evaluate(
            "BlazeFace stored, score " + score, photos, p -> boxes(b.detect(p.stored()), 0, 0, 1));
        evaluate("BlazeFace tiles, score " + score, photos, p -> tiles(b, p.stored()));
      }
    }
    try (FaceDetector shipped = BlurFaces.open(BlurFaces.DEFAULT_DETECTOR, 0.5)) {
      evaluate(
          "shipped default (" + BlurFaces.DEFAULT_DETECTOR + ")",
          photos,
          p -> boxes(shipped.detect(p.stored()), 0, 0, 1));
    }
    try (FaceDetector blaze = BlazeFaceDetector.load(BlurFaces.blazeFaceModel(), 0.5)) {
      for (double score : new double[] {0.5, 0.4, 0.3}) {
        try (FaceDetector ssd = io.winnow.filters.SsdFaceDetector.load(score)) {
          evaluate(
              "SSD MobileNetV1, score " + score,
              photos,
              p -> boxes(ssd.detect(p.stored()), 0, 0, 1));
          evaluate(
              "BlazeFace, + SSD " + score + " where it found a face",
              photos,
              p -> {
                List<Box> first = boxes(blaze.detect(p.stored()), 0, 0, 1);
                return first.isEmpty()
                    ? first
                    : union(first, boxes(ssd.detect(p.stored()), 0, 0, 1));
              });
          evaluate(
              "BlazeFace ∪ SSD " + score,
              photos,
              p ->
                  union(
                      boxes(blaze.detect(p.stored()), 0, 0, 1),
                      boxes(ssd.detect(p.stored()), 0, 0, 1)));
        }
      }
    }
    try (FaceDetector blaze = BlazeFaceDetector.load(BlurFaces.blazeFaceModel(), 0.5);
        FaceDetector haar = HaarFaceDetector.load()) {
      Function<Mat, List<Box>> whole = m -> boxes(blaze.detect(m), 0, 0, 1);
      Function<Mat, List<Box>> tiled = m -> tiles(blaze, m);
      Function<Mat, List<Box>> haarF = m -> boxes(haar.detect(m), 0, 0, 1);
      evaluate("BlazeFace alone on the stored image", photos, p -> whole.apply(p.stored()));
      evaluate("BlazeFace, stored + 2x2 tiles", photos, p -> tiled.apply(p.stored()));
      evaluate("Haar alt2 on stored", photos, p -> haarF.apply(p.stored()));
      evaluate(
          "BlazeFace stored ∪ Haar alt2",
          photos,
          p -> union(whole.apply(p.stored()), haarF.apply(p.stored())));
      evaluate(
          "BlazeFace tiles ∪ Haar alt2",
          photos,
          p -> union(tiled.apply(p.stored()), haarF.apply(p.stored())));
      evaluate(
          "BlazeFace on 768px decode + tiles",
          photos,
          p -> {
            Mat big = scaled(p.original(), 768);
            double k =
                (double) Math.max(p.stored().cols(), p.stored().rows())
                    / Math.max(big.cols(), big.rows());
            double ox = (p.stored().cols() - big.cols() * k) / 2,
                oy = (p.stored().rows() - big.rows() * k) / 2;
            List<Box> out = new ArrayList<>();
            for (Box b : tiles(blaze, big))
              out.add(new Box(b.x * k + ox, b.y * k + oy, b.w * k, b.h * k));
            return out;
          });
    }
  }

  /**
   * A copy as the pipeline stores it, with the faces' boxes (given in {@code image} less the
   * offset).
   */
  static Photo variant(
      ImageProcessor processor, String name, Mat image, List<Box> faces, int ox, int oy) {
    BytePointer encoded = new BytePointer();
    org.bytedeco.opencv.global.opencv_imgcodecs.imencode(".jpg", image, encoded);
    byte[] bytes = new byte[(int) encoded.limit()];
    encoded.get(bytes);
    ImageProcessor.Processed p = processor.process(bytes).image();
    Mat stored =
        imdecode(new Mat(1, p.jpeg().length, CV_8UC1, new BytePointer(p.jpeg())), IMREAD_COLOR);
    double k =
        (double) Math.max(stored.cols(), stored.rows()) / Math.max(image.cols(), image.rows());
    double offX = (stored.cols() - image.cols() * k) / 2,
        offY = (stored.rows() - image.rows() * k) / 2;
    List<Box> reference = new ArrayList<>();
    for (Box b : faces) {
      Box m = new Box((b.x + ox) * k + offX, (b.y + oy) * k + offY, b.w * k, b.h * k);
      if (m.w >= 16) reference.add(m);
    }
    return new Photo(name, true, stored, image, reference, List.of());
  }

  static Mat scaled(Mat m, int longSide) {
    double k = (double) longSide / Math.max(m.cols(), m.rows());
    if (k >= 1) return m;
    Mat out = new Mat();
    resize(m, out, new Size((int) (m.cols() * k), (int) (m.rows() * k)), 0, 0, INTER_AREA);
    return out;
  }

  static List<Box> tiles(FaceDetector d, Mat m) {
    List<Box> out = new ArrayList<>(boxes(d.detect(m), 0, 0, 1));
    int w = m.cols(), h = m.rows();
    int tw = (int) Math.ceil(w * 0.6), th = (int) Math.ceil(h * 0.6);
    for (int ty = 0; ty < 2; ty++)
      for (int tx = 0; tx < 2; tx++) {
        int x0 = tx == 0 ? 0 : w - tw, y0 = ty == 0 ? 0 : h - th;
        Mat tile = new Mat(m, new Rect(x0, y0, tw, th)).clone();
        out = union(out, boxes(d.detect(tile), x0, y0, 1));
      }
    return out;
  }

  static List<Box> boxes(List<FaceBox> faces, double ox, double oy, double k) {
    List<Box> out = new ArrayList<>();
    for (FaceBox f : faces)
      out.add(new Box(f.x() * k + ox, f.y() * k + oy, f.width() * k, f.height() * k));
    return out;
  }

  static List<Box> union(List<Box> a, List<Box> b) {
    List<Box> out = new ArrayList<>(a);
    for (Box x : b) if (out.stream().noneMatch(y -> y.iou(x) >= 0.3)) out.add(x);
    return out;
  }

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
        if (r.w < 32) {
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
                new Rect((int) r.x, (int) r.y, (int) r.w, (int) r.h),
                new org.bytedeco.opencv.opencv_core.Scalar(0, 0, 255, 0));
          for (Box f : found)
            org.bytedeco.opencv.global.opencv_imgproc.rectangle(
                canvas,
                new Rect((int) f.x, (int) f.y, (int) f.w, (int) f.h),
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
