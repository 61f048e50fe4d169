package io.winnow.bench;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A copy-detection set with ground truth, made from the bundled public-domain photos: each photo
 * and a fixed list of edited copies (crops, rescales, JPEG re-encodes, flips, colour shifts,
 * overlaid text, small rotations and combinations), seeded so every run makes the same set. Two
 * images are a true copy pair when they come from the same photo.
 */
public final class SyntheticCopies {
  /** The demo photos that are distinct originals (no near-duplicates, no broken files). */
  public static final List<String> PHOTOS =
      List.of(
          "astronaut.jpg",
          "brick.jpg",
          "camera.jpg",
          "chelsea.jpg",
          "clock_motion.jpg",
          "coffee.jpg",
          "gradient.png",
          "grass.jpg",
          "gravel.jpg",
          "horse.png",
          "hubble_deep_field.jpg",
          "retina.jpg",
          "rocket.jpg",
          "shapes.jpg");

  public static final List<String> EDITS =
      List.of(
          "original",
          "crop",
          "crop-small",
          "rescale",
          "jpeg-q20",
          "flip",
          "colour-shift",
          "text",
          "rotate",
          "crop+jpeg",
          "flip+text",
          "rotate+colour",
          "rescale+crop+jpeg");

  /** One image of the set: its photo (the ground truth), the edit, and the encoded bytes. */
  public record Image(String photo, String edit, byte[] jpeg) {}

  private SyntheticCopies() {}

  public static List<Image> generate(long seed) throws IOException {
    List<Image> images = new ArrayList<>();
    Random random = new Random(seed);
    for (String photo : PHOTOS) {
      Mat original = load(photo);
      for (String edit : EDITS) {
        Mat edited = original;
        for (String step : edit.split("\\+")) {
          edited = apply(step, edited, random);
        }
        int quality = edit.contains("jpeg") ? 20 : 90;
        images.add(new Image(photo, edit, encode(edited, quality)));
      }
    }
    return images;
  }

  private static Mat apply(String step, Mat in, Random random) {
    int w = in.cols();
    int h = in.rows();
    return switch (step) {
      case "original", "jpeg-q20", "jpeg" -> in;
      case "crop" -> crop(in, 0.6 + 0.25 * random.nextDouble(), random);
      case "crop-small" -> crop(in, 0.35 + 0.15 * random.nextDouble(), random);
      case "rescale" -> {
        double s = 0.3 + 0.3 * random.nextDouble();
        Mat out = new Mat();
        resize(in, out, new Size((int) (w * s), (int) (h * s)), 0, 0, INTER_AREA);
        yield out;
      }
      case "flip" -> {
        Mat out = new Mat();
        flip(in, out, 1);
        yield out;
      }
      case "colour", "colour-shift" -> {
        Mat out = new Mat();
        double gain = 0.75 + 0.5 * random.nextDouble();
        in.convertTo(out, -1, gain, -30 + 60 * random.nextDouble());
        // Tint: shift one channel more than the others.
        Mat tinted = out.clone();
        org.bytedeco.opencv.global.opencv_core.add(
            out,
            new Mat(
                out.size(), out.type(), new Scalar(random.nextInt(40), 0, random.nextInt(40), 0)),
            tinted);
        yield tinted;
      }
      case "text" -> {
        Mat out = in.clone();
        String[] words = {"SALE 50%", "(c) stock photo", "winnow", "#nofilter", "DO NOT COPY"};
        for (int i = 0; i < 2; i++) {
          putText(
              out,
              words[random.nextInt(words.length)],
              new Point(
                  random.nextInt(Math.max(1, w / 2)), h / 4 + random.nextInt(Math.max(1, h / 2))),
              FONT_HERSHEY_SIMPLEX,
              Math.max(0.6, w / 300.0),
              new Scalar(255, 255, 255, 0),
              Math.max(1, w / 150),
              16,
              false);
        }
        yield out;
      }
      case "rotate" -> {
        double angle = (random.nextBoolean() ? 1 : -1) * (4 + 8 * random.nextDouble());
        Mat rotation = getRotationMatrix2D(new Point2f(w / 2f, h / 2f), angle, 1.0);
        Mat out = new Mat();
        warpAffine(in, out, rotation, in.size(), INTER_LINEAR, BORDER_REFLECT, new Scalar());
        yield out;
      }
      default -> throw new IllegalArgumentException("unknown edit " + step);
    };
  }

  private static Mat crop(Mat in, double areaShare, Random random) {
    double side = Math.sqrt(areaShare);
    int cw = Math.max(8, (int) (in.cols() * side));
    int ch = Math.max(8, (int) (in.rows() * side));
    int x = random.nextInt(in.cols() - cw + 1);
    int y = random.nextInt(in.rows() - ch + 1);
    return new Mat(in, new Rect(x, y, cw, ch)).clone();
  }

  private static Mat load(String photo) throws IOException {
    try (InputStream in = SyntheticCopies.class.getResourceAsStream("/demo/images/" + photo)) {
      if (in == null) {
        throw new IOException("bundled photo " + photo + " is not on the classpath");
      }
      byte[] bytes = in.readAllBytes();
      return imdecode(
          new Mat(
              1,
              bytes.length,
              org.bytedeco.opencv.global.opencv_core.CV_8UC1,
              new BytePointer(bytes)),
          IMREAD_COLOR);
    }
  }

  private static byte[] encode(Mat image, int quality) {
    BytePointer out = new BytePointer();
    imencode(".jpg", image, out, new IntPointer(IMWRITE_JPEG_QUALITY, quality));
    byte[] bytes = new byte[(int) out.limit()];
    out.get(bytes);
    return bytes;
  }
}
