package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.Edited.DEFAULT_QUALITY;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import io.winnow.bench.copyset.CopyEdits.Backgrounds;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The edits that move or reframe the picture: crop, border, letterbox, flip, rotate, rescale,
 * aspect and paste. Each draws its parameters from the copy's generator and records them in the
 * detail.
 */
final class GeometricEdits {
  private GeometricEdits() {}

  /** Keeps 50-90 % of the width and of the height, at a random position. */
  static Edited crop(Mat in, Random random) {
    double fw = 0.5 + 0.4 * random.nextDouble();
    double fh = 0.5 + 0.4 * random.nextDouble();
    int w = Math.max(1, (int) Math.round(in.cols() * fw));
    int h = Math.max(1, (int) Math.round(in.rows() * fh));
    int x = random.nextInt(in.cols() - w + 1);
    int y = random.nextInt(in.rows() - h + 1);
    return new Edited(
        new Mat(in, new Rect(x, y, w, h)).clone(),
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "crop %.2f x %.2f at %d,%d", fw, fh, x, y));
  }

  /** A uniform border, 5-25 % of the short side wide, white, black, grey or a random colour. */
  static Edited border(Mat in, Random random) {
    double f = 0.05 + 0.20 * random.nextDouble();
    int t = (int) Math.round(f * Math.min(in.cols(), in.rows()));
    Colour colour =
        List.of(Colour.WHITE, Colour.BLACK, Colour.GREY, Colour.random(random))
            .get(random.nextInt(4));
    Mat out = new Mat();
    copyMakeBorder(in, out, t, t, t, t, BORDER_CONSTANT, colour.scalar());
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "border %.0f %% %s", f * 100, colour.name()));
  }

  /** Bars to make the picture 16:9 or 1:1, black or white. */
  static Edited letterbox(Mat in, Random random) {
    double target = random.nextBoolean() ? 16 / 9.0 : 1.0;
    double aspect = (double) in.cols() / in.rows();
    if (Math.abs(aspect / target - 1) < 0.05) {
      target = target == 1.0 ? 16 / 9.0 : 1.0;
    }
    Colour colour = random.nextBoolean() ? Colour.BLACK : Colour.WHITE;
    int top = 0;
    int bottom = 0;
    int left = 0;
    int right = 0;
    if (aspect < target) {
      int pad = (int) Math.round(in.rows() * target) - in.cols();
      left = pad / 2;
      right = pad - left;
    } else {
      int pad = (int) Math.round(in.cols() / target) - in.rows();
      top = pad / 2;
      bottom = pad - top;
    }
    Mat out = new Mat();
    copyMakeBorder(in, out, top, bottom, left, right, BORDER_CONSTANT, colour.scalar());
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(
            Locale.ROOT, "letterbox %s %s", target == 1.0 ? "1:1" : "16:9", colour.name()));
  }

  /** Mirrored left to right. */
  static Edited flipped(Mat in) {
    Mat out = new Mat();
    flip(in, out, 1);
    return new Edited(out, DEFAULT_QUALITY, "horizontal flip");
  }

  /** Turned by 3-15 degrees either way; the corners filled with a colour, or cropped away. */
  static Edited rotate(Mat in, Random random) {
    double angle = (random.nextBoolean() ? 1 : -1) * (3 + 12 * random.nextDouble());
    double rad = Math.toRadians(Math.abs(angle));
    double cos = Math.cos(rad);
    double sin = Math.sin(rad);
    int w = in.cols();
    int h = in.rows();
    Mat rotation = getRotationMatrix2D(new Point2f(w / 2f, h / 2f), angle, 1.0);
    Mat out = new Mat();
    if (random.nextBoolean()) {
      Colour colour =
          List.of(Colour.BLACK, Colour.WHITE, Colour.random(random)).get(random.nextInt(3));
      int nw = (int) Math.round(w * cos + h * sin);
      int nh = (int) Math.round(w * sin + h * cos);
      try (DoubleIndexer m = rotation.createIndexer()) {
        m.put(0, 2, m.get(0, 2) + (nw - w) / 2.0);
        m.put(1, 2, m.get(1, 2) + (nh - h) / 2.0);
      }
      warpAffine(
          in, out, rotation, new Size(nw, nh), INTER_LINEAR, BORDER_CONSTANT, colour.scalar());
      return new Edited(
          out,
          DEFAULT_QUALITY,
          String.format(Locale.ROOT, "rotate %.1f deg, corners %s", angle, colour.name()));
    }
    // The largest centred rectangle of the same shape inside the turned picture.
    double s = 0.99 * Math.min(w / (w * cos + h * sin), h / (w * sin + h * cos));
    Mat turned = new Mat();
    warpAffine(in, turned, rotation, in.size(), INTER_LINEAR, BORDER_CONSTANT, new Scalar());
    int cw = (int) Math.floor(w * s);
    int ch = (int) Math.floor(h * s);
    out = new Mat(turned, new Rect((w - cw) / 2, (h - ch) / 2, cw, ch)).clone();
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "rotate %.1f deg, cropped to %.0f %%", angle, s * 100));
  }

  /** Scaled by 0.25-0.6. */
  static Edited rescale(Mat in, Random random) {
    double f = 0.25 + 0.35 * random.nextDouble();
    Mat out = new Mat();
    resize(
        in,
        out,
        new Size(
            Math.max(16, (int) Math.round(in.cols() * f)),
            Math.max(16, (int) Math.round(in.rows() * f))),
        0,
        0,
        INTER_AREA);
    return new Edited(out, DEFAULT_QUALITY, String.format(Locale.ROOT, "rescale %.2f", f));
  }

  /** One axis stretched or squeezed by 0.7-0.9 or 1.1-1.4. */
  static Edited aspect(Mat in, Random random) {
    double f =
        random.nextBoolean() ? 0.7 + 0.2 * random.nextDouble() : 1.1 + 0.3 * random.nextDouble();
    boolean horizontal = random.nextBoolean();
    int w = horizontal ? (int) Math.round(in.cols() * f) : in.cols();
    int h = horizontal ? in.rows() : (int) Math.round(in.rows() * f);
    Mat out = new Mat();
    resize(in, out, new Size(w, h), 0, 0, f < 1 ? INTER_AREA : INTER_LINEAR);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "%s x %.2f", horizontal ? "width" : "height", f));
  }

  /** Scaled to 50-80 % and pasted into a canvas of the original size: a colour or another photo. */
  static Edited paste(Mat in, Random random, Backgrounds backgrounds) throws IOException {
    double f = 0.5 + 0.3 * random.nextDouble();
    int w = in.cols();
    int h = in.rows();
    Mat canvas;
    String background;
    if (random.nextBoolean()) {
      Colour colour = Colour.random(random);
      canvas = new Mat(h, w, CV_8UC3, colour.scalar());
      background = colour.name();
    } else {
      Photo other = backgrounds.pick(random);
      canvas = cover(backgrounds.load(other), w, h);
      background = "photo " + other.id();
    }
    Mat small = new Mat();
    int sw = (int) Math.round(w * f);
    int sh = (int) Math.round(h * f);
    resize(in, small, new Size(sw, sh), 0, 0, INTER_AREA);
    int x = random.nextInt(w - sw + 1);
    int y = random.nextInt(h - sh + 1);
    small.copyTo(new Mat(canvas, new Rect(x, y, sw, sh)));
    return new Edited(
        canvas,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "pasted at %.2f scale, %d,%d, on %s", f, x, y, background));
  }

  /** Resized to cover w x h, then cut to it around the centre. */
  private static Mat cover(Mat in, int w, int h) {
    double s = Math.max((double) w / in.cols(), (double) h / in.rows());
    Mat scaled = new Mat();
    resize(
        in,
        scaled,
        new Size(
            Math.max(w, (int) Math.ceil(in.cols() * s)),
            Math.max(h, (int) Math.ceil(in.rows() * s))),
        0,
        0,
        INTER_AREA);
    return new Mat(scaled, new Rect((scaled.cols() - w) / 2, (scaled.rows() - h) / 2, w, h))
        .clone();
  }
}
