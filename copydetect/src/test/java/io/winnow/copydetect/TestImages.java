package io.winnow.copydetect;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.io.IOException;
import java.io.InputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Photos, the edits copies are made with, and the pipeline's storage (256 px, black border). */
public final class TestImages {
  public static final int STORED = 256;

  private TestImages() {}

  public static Mat photo(String name) throws IOException {
    try (InputStream in = TestImages.class.getResourceAsStream("/photos/" + name)) {
      byte[] bytes = in.readAllBytes();
      return imdecode(new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)), IMREAD_COLOR);
    }
  }

  /** As the pipeline stores an image by default: long side 256, padded to a square with black. */
  public static Fingerprint stored(Mat image) {
    double scale = (double) STORED / Math.max(image.cols(), image.rows());
    int w = Math.max(1, (int) Math.round(image.cols() * scale));
    int h = Math.max(1, (int) Math.round(image.rows() * scale));
    Mat small = new Mat();
    resize(image, small, new Size(w, h), 0, 0, INTER_AREA);
    Mat jpeg = jpeg(small, 95);
    Mat padded = new Mat();
    int left = (STORED - w) / 2;
    int top = (STORED - h) / 2;
    copyMakeBorder(
        jpeg,
        padded,
        top,
        STORED - h - top,
        left,
        STORED - w - left,
        BORDER_CONSTANT,
        new Scalar(0, 0, 0, 0));
    return Fingerprint.of(padded, new UniformBorder.Box(left, top, w, h));
  }

  public static Mat jpeg(Mat image, int quality) {
    BytePointer out = new BytePointer();
    imencode(".jpg", image, out, new IntPointer(IMWRITE_JPEG_QUALITY, quality));
    byte[] bytes = new byte[(int) out.limit()];
    out.get(bytes);
    return imdecode(new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)), IMREAD_COLOR);
  }

  public static Mat crop(Mat in, double x, double y, double w, double h) {
    return new Mat(
            in,
            new Rect(
                (int) (in.cols() * x),
                (int) (in.rows() * y),
                (int) (in.cols() * w),
                (int) (in.rows() * h)))
        .clone();
  }

  public static Mat border(Mat in, double share, Scalar colour) {
    int b = (int) (Math.max(in.cols(), in.rows()) * share);
    Mat out = new Mat();
    copyMakeBorder(in, out, b, b, b, b, BORDER_CONSTANT, colour);
    return out;
  }

  public static Mat mirror(Mat in) {
    Mat out = new Mat();
    flip(in, out, 1);
    return out;
  }

  public static Mat rotate(Mat in, double degrees) {
    Mat rotation = getRotationMatrix2D(new Point2f(in.cols() / 2f, in.rows() / 2f), degrees, 1.0);
    Mat out = new Mat();
    warpAffine(in, out, rotation, in.size(), INTER_LINEAR, BORDER_CONSTANT, new Scalar());
    return out;
  }

  public static Mat grey(Mat in) {
    Mat g = new Mat();
    cvtColor(in, g, COLOR_BGR2GRAY);
    Mat out = new Mat();
    cvtColor(g, out, COLOR_GRAY2BGR);
    return out;
  }

  public static Mat blur(Mat in, double sigma) {
    Mat out = new Mat();
    GaussianBlur(in, out, new Size(0, 0), sigma);
    return out;
  }

  public static Mat scale(Mat in, double sx, double sy) {
    Mat out = new Mat();
    resize(
        in,
        out,
        new Size((int) (in.cols() * sx), (int) (in.rows() * sy)),
        0,
        0,
        sx < 1 ? INTER_AREA : INTER_LINEAR);
    return out;
  }

  public static Mat brighter(Mat in, double gain, double offset) {
    Mat out = new Mat();
    in.convertTo(out, -1, gain, offset);
    return out;
  }

  public static Mat caption(Mat in, String text) {
    Mat out = in.clone();
    int bar = in.rows() / 7;
    rectangle(
        out, new Rect(0, in.rows() - bar, in.cols(), bar), new Scalar(20, 20, 20, 0), -1, 8, 0);
    putText(
        out,
        text,
        new Point(in.cols() / 20, in.rows() - bar / 3),
        FONT_HERSHEY_SIMPLEX,
        in.cols() / 500.0,
        new Scalar(255, 255, 255, 0),
        Math.max(1, in.cols() / 250),
        16,
        false);
    return out;
  }

  /** The picture scaled to {@code share} and pasted at an offset into a plain canvas. */
  public static Mat paste(Mat in, double share, Scalar colour) {
    Mat small = scale(in, share, share);
    Mat canvas = new Mat(in.size(), in.type(), colour);
    small.copyTo(
        new Mat(canvas, new Rect(in.cols() / 10, in.rows() / 8, small.cols(), small.rows())));
    return canvas;
  }
}
