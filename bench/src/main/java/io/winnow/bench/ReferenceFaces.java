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

import io.winnow.decode.ImageProcessor;
import io.winnow.filters.HaarFaceDetector;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * {@link FaceBlurRecall}'s ground truth: each dev-set photo as the pipeline stores it, with the
 * faces that two of the independent OpenCV cascades agree on (in stored pixels, and in the original
 * for the hard copies), and the hard copies of the people photos with their faces moved where the
 * edit moves them.
 */
final class ReferenceFaces {
  /** A face's box in pixels, with the overlap tests the scoring uses. */
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

  /** A photo as stored, its original, and its reference faces in each. */
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

  private ReferenceFaces() {}

  /** One photo of the dev set as stored, with its reference faces (none in {@code other}). */
  static Photo photo(ImageProcessor processor, CascadeClassifier[] refs, Path file, String subset)
      throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ImageProcessor.Processed p = processor.process(bytes).image();
    Mat stored =
        imdecode(new Mat(1, p.jpeg().length, CV_8UC1, new BytePointer(p.jpeg())), IMREAD_COLOR);
    Mat full = imdecode(new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)), IMREAD_COLOR);
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
    double s = (double) Math.max(stored.cols(), stored.rows()) / Math.max(ref.cols(), ref.rows());
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
          inOriginal.add(new Box(b.x / refScale, b.y / refScale, b.w / refScale, b.h / refScale));
        }
      }
    }
    if (subset.equals("other")) { // no people: every detection is false
      reference.clear();
      inOriginal.clear();
    }
    return new Photo(
        file.getFileName().toString(),
        subset.equals("people"),
        stored,
        full,
        reference,
        inOriginal);
  }

  /**
   * Harder copies of the people photos, with the same faces moved where the edit moves them:
   * greyscale, dark (x0.3), and small (the photo at the centre of a canvas 2.5 times its size).
   */
  static List<Photo> hardCopies(ImageProcessor processor, List<Photo> photos) {
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
    return hard;
  }

  /**
   * A copy as the pipeline stores it, with the faces' boxes (given in {@code image} less the
   * offset).
   */
  private static Photo variant(
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
}
