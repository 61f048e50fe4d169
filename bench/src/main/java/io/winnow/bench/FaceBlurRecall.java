package io.winnow.bench;

import static io.winnow.bench.FaceBlurScore.evaluate;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.bench.ReferenceFaces.Box;
import io.winnow.bench.ReferenceFaces.Photo;
import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ImageProcessor;
import io.winnow.filters.BlazeFaceDetector;
import io.winnow.filters.BlurFaces;
import io.winnow.filters.FaceDetector;
import io.winnow.filters.HaarFaceDetector;
import io.winnow.schemas.FaceBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
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
 * misses and false blurs of the shipped pass as pictures. The reference faces and the hard copies
 * come from {@link ReferenceFaces}, each variant's line from {@link FaceBlurScore}.
 *
 * <pre>FaceBlurRecall DEVSET_DIR   (with people/ and other/ inside)</pre>
 */
public final class FaceBlurRecall {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "bench/target/safe-devset");
    DecodeSettings decode = DecodeSettings.defaults();
    ImageProcessor processor = new ImageProcessor(decode);
    org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
    CascadeClassifier[] refs = {
      ReferenceFaces.load("haarcascades/haarcascade_frontalface_default.xml"),
      ReferenceFaces.load("haarcascades/haarcascade_frontalface_alt.xml"),
      ReferenceFaces.load("haarcascades/haarcascade_profileface.xml"),
      ReferenceFaces.load("lbpcascades/lbpcascade_frontalface_improved.xml")
    };
    List<Photo> photos = new ArrayList<>();
    int faces = 0;
    for (String subset : List.of("people", "other")) {
      List<Path> files;
      try (var l = Files.list(root.resolve(subset))) {
        files = l.sorted().toList();
      }
      for (Path file : files) {
        Photo photo = ReferenceFaces.photo(processor, refs, file, subset);
        faces += photo.reference().size();
        photos.add(photo);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%d photos, %d reference faces >= 16 px (stored) in the people subset%n",
        photos.size(),
        faces);
    List<Photo> hard = ReferenceFaces.hardCopies(processor, photos);
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
              out.add(new Box(b.x() * k + ox, b.y() * k + oy, b.w() * k, b.h() * k));
            return out;
          });
    }
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
}
