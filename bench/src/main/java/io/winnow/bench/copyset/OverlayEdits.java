package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.Edited.DEFAULT_QUALITY;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_COMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_DUPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_TRIPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** The edits that draw over the picture: captions (overlaid or on a bar) and a corner logo. */
final class OverlayEdits {
  private static final List<String> CAPTIONS =
      List.of(
          "SALE 50% OFF",
          "(c) stock photo",
          "when you see it",
          "#nofilter",
          "DO NOT COPY",
          "Best of 2019",
          "follow for more",
          "wallpaper HD 4K",
          "me on monday",
          "free download",
          "Posted by anon",
          "LIMITED EDITION");
  private static final int[] FONTS = {
    FONT_HERSHEY_SIMPLEX, FONT_HERSHEY_DUPLEX, FONT_HERSHEY_TRIPLEX, FONT_HERSHEY_COMPLEX
  };

  private OverlayEdits() {}

  /** Overlaid caption text, or a caption bar with text across the bottom. */
  static Edited text(Mat in, Random random) {
    Mat out = in.clone();
    int font = FONTS[random.nextInt(FONTS.length)];
    String caption = CAPTIONS.get(random.nextInt(CAPTIONS.size()));
    if (random.nextBoolean()) {
      // A bar of 10-18 % of the height, drawn over the bottom of the picture.
      int bar = (int) Math.round(in.rows() * (0.10 + 0.08 * random.nextDouble()));
      Colour colour =
          List.of(Colour.WHITE, Colour.BLACK, Colour.random(random)).get(random.nextInt(3));
      rectangle(
          out, new Rect(0, in.rows() - bar, in.cols(), bar), colour.scalar(), FILLED, LINE_AA, 0);
      Scalar ink = colour.brightness() > 128 ? Colour.BLACK.scalar() : Colour.WHITE.scalar();
      double scale = fitText(caption, font, in.cols() * 0.9, bar * 0.6);
      int thickness = Math.max(1, (int) Math.round(scale * 2));
      Size size = getTextSize(caption, font, scale, thickness, (IntPointer) null);
      putText(
          out,
          caption,
          new Point((in.cols() - size.width()) / 2, in.rows() - (bar - size.height()) / 2),
          font,
          scale,
          ink,
          thickness,
          LINE_AA,
          false);
      return new Edited(out, DEFAULT_QUALITY, "caption bar " + colour.name() + ": " + caption);
    }
    int lines = 1 + random.nextInt(2);
    List<String> written = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      String line = i == 0 ? caption : CAPTIONS.get(random.nextInt(CAPTIONS.size()));
      double scale =
          fitText(line, font, in.cols() * (0.4 + 0.5 * random.nextDouble()), in.rows() * 0.12);
      int thickness = Math.max(1, (int) Math.round(scale * 2));
      Size size = getTextSize(line, font, scale, thickness, (IntPointer) null);
      Point at =
          new Point(
              random.nextInt(Math.max(1, in.cols() - size.width())),
              size.height() + random.nextInt(Math.max(1, in.rows() - 2 * size.height())));
      Colour ink =
          List.of(Colour.WHITE, Colour.YELLOW, Colour.BLACK, Colour.random(random))
              .get(random.nextInt(4));
      Scalar outline = ink.brightness() > 128 ? Colour.BLACK.scalar() : Colour.WHITE.scalar();
      putText(out, line, at, font, scale, outline, thickness + 2, LINE_AA, false);
      putText(out, line, at, font, scale, ink.scalar(), thickness, LINE_AA, false);
      written.add(line);
    }
    return new Edited(out, DEFAULT_QUALITY, "overlaid text: " + String.join(" / ", written));
  }

  /** The largest font scale at which the text fits the box. */
  private static double fitText(String text, int font, double width, double height) {
    Size unit = getTextSize(text, font, 1.0, 2, (IntPointer) null);
    return Math.max(0.3, Math.min(width / unit.width(), height / unit.height()));
  }

  private static final List<String> LOGO_LETTERS = List.of("W", "TV", "HD", "24", "N", "AB");

  /** A small badge (circle, square, triangle or diamond with letters) in a corner. */
  static Edited logo(Mat in, Random random) {
    int shortSide = Math.min(in.cols(), in.rows());
    int size = (int) Math.round(shortSide * (0.08 + 0.07 * random.nextDouble()));
    int margin = (int) Math.round(shortSide * (0.02 + 0.03 * random.nextDouble()));
    int corner = random.nextInt(4);
    int x = corner % 2 == 0 ? margin : in.cols() - margin - size;
    int y = corner < 2 ? margin : in.rows() - margin - size;
    Colour fill = Colour.random(random);
    Mat layer = in.clone();
    String shape = List.of("circle", "square", "triangle", "diamond").get(random.nextInt(4));
    switch (shape) {
      case "circle" ->
          circle(
              layer,
              new Point(x + size / 2, y + size / 2),
              size / 2,
              fill.scalar(),
              FILLED,
              LINE_AA,
              0);
      case "square" ->
          rectangle(layer, new Rect(x, y, size, size), fill.scalar(), FILLED, LINE_AA, 0);
      case "triangle" ->
          polygon(layer, fill.scalar(), x + size / 2, y, x + size, y + size, x, y + size);
      default ->
          polygon(
              layer,
              fill.scalar(),
              x + size / 2,
              y,
              x + size,
              y + size / 2,
              x + size / 2,
              y + size,
              x,
              y + size / 2);
    }
    String letters = LOGO_LETTERS.get(random.nextInt(LOGO_LETTERS.size()));
    double scale = fitText(letters, FONT_HERSHEY_DUPLEX, size * 0.55, size * 0.45);
    int thickness = Math.max(1, (int) Math.round(scale * 2));
    Size text = getTextSize(letters, FONT_HERSHEY_DUPLEX, scale, thickness, (IntPointer) null);
    Scalar ink = fill.brightness() > 128 ? Colour.BLACK.scalar() : Colour.WHITE.scalar();
    putText(
        layer,
        letters,
        new Point(
            x + (size - text.width()) / 2,
            y + (size + text.height()) / 2 + (shape.equals("triangle") ? size / 8 : 0)),
        FONT_HERSHEY_DUPLEX,
        scale,
        ink,
        thickness,
        LINE_AA,
        false);
    double opacity = 0.6 + 0.4 * random.nextDouble();
    Mat out = new Mat();
    addWeighted(layer, opacity, in, 1 - opacity, 0, out);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(
            Locale.ROOT, "logo %s %d px, corner %d, opacity %.2f", shape, size, corner, opacity));
  }

  private static void polygon(Mat image, Scalar colour, int... xy) {
    Point points = new Point(xy.length / 2);
    for (int i = 0; i < xy.length / 2; i++) {
      points.position(i).x(xy[2 * i]).y(xy[2 * i + 1]);
    }
    fillConvexPoly(image, points.position(0), xy.length / 2, colour, LINE_AA, 0);
  }
}
