package io.winnow.copydetect;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.opencv.opencv_core.KeyPoint;
import org.bytedeco.opencv.opencv_core.KeyPointVector;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_features2d.ORB;

/**
 * What verification needs of one image, small enough to travel with it: ORB keypoints and
 * descriptors of the picture and of its mirror image (ORB is not mirror-invariant, and a flipped
 * copy is one of the commonest edits), and a greyscale thumbnail for the photometric check. About
 * 20 KB for a 256-pixel image; {@link #encode()} is the wire form.
 *
 * <p>{@code width} and {@code height} are those of the analysed picture (after border trimming);
 * points are in its pixels, mirror points in the pixels of its mirror image.
 */
public record LocalFeatures(
    int width,
    int height,
    float[] points,
    long[] descriptors,
    float[] mirrorPoints,
    long[] mirrorDescriptors,
    int thumbWidth,
    int thumbHeight,
    byte[] thumb) {
  /** Keypoints per view: enough for crops to keep a few dozen, few enough to match quickly. */
  public static final int MAX_KEYPOINTS = 300;

  /** Long side of the thumbnail the photometric check compares. */
  public static final int THUMB_SIZE = 64;

  /** Cells per side of the grid keypoints are spread over. */
  static final int GRID = 6;

  private static final int FORMAT = 1;

  // ORB objects are not safe to share between threads; each worker thread keeps its own.
  private static final ThreadLocal<ORB> ORBS =
      ThreadLocal.withInitial(
          () ->
              // Smaller patches and a lower FAST threshold than OpenCV's defaults: stored images
              // are
              // 256 px, and blurred copies have few strong corners.
              ORB.create(4 * MAX_KEYPOINTS, 1.2f, 6, 19, 0, 2, ORB.HARRIS_SCORE, 19, 8));

  /** Keypoints of the picture itself. */
  public int count() {
    return points.length / 2;
  }

  public int mirrorCount() {
    return mirrorPoints.length / 2;
  }

  /** Extracts the features of an 8-bit BGR or greyscale picture (already trimmed). */
  public static LocalFeatures of(Mat picture) {
    if (picture == null || picture.empty()) {
      throw new IllegalArgumentException("no picture to describe");
    }
    Mat grey;
    if (picture.channels() == 1) {
      grey = picture;
    } else {
      grey = new Mat();
      cvtColor(picture, grey, COLOR_BGR2GRAY);
    }
    Mat mirror = new Mat();
    flip(grey, mirror, 1);
    ORB orb = ORBS.get();
    float[][] view = new float[1][];
    long[] descriptors = describe(orb, grey, view);
    float[] points = view[0];
    long[] mirrorDescriptors = describe(orb, mirror, view);
    float[] mirrorPoints = view[0];

    int w = grey.cols();
    int h = grey.rows();
    double scale = (double) THUMB_SIZE / Math.max(w, h);
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    Mat small = new Mat();
    resize(grey, small, new Size(tw, th), 0, 0, INTER_AREA);
    byte[] thumb = new byte[tw * th];
    (small.isContinuous() ? small : small.clone()).data().get(thumb);
    return new LocalFeatures(
        w, h, points, descriptors, mirrorPoints, mirrorDescriptors, tw, th, thumb);
  }

  private static long[] describe(ORB orb, Mat grey, float[][] pointsOut) {
    KeyPointVector detected = new KeyPointVector();
    orb.detect(grey, detected);
    KeyPointVector keypoints = spreadOut(detected, grey.cols(), grey.rows());
    Mat descriptors = new Mat();
    orb.compute(grey, keypoints, descriptors);
    int n = (int) keypoints.size();
    if (n == 0 || descriptors.empty()) {
      pointsOut[0] = new float[0];
      return new long[0];
    }
    float[] points = new float[2 * n];
    for (int i = 0; i < n; i++) {
      KeyPoint k = keypoints.get(i);
      points[2 * i] = k.pt().x();
      points[2 * i + 1] = k.pt().y();
    }
    byte[] raw = new byte[n * 32];
    (descriptors.isContinuous() ? descriptors : descriptors.clone()).data().get(raw);
    long[] packed = new long[n * 4];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(packed);
    pointsOut[0] = points;
    return packed;
  }

  /**
   * At most {@link #MAX_KEYPOINTS} of the detected keypoints, spread over a {@link #GRID} × {@link
   * #GRID} grid: the strongest few of every cell first, then the strongest of the rest. Without
   * this an overlaid caption, whose letters are the strongest corners in the picture, takes every
   * keypoint and the copy shares none with its original.
   */
  static KeyPointVector spreadOut(KeyPointVector detected, int width, int height) {
    int n = (int) detected.size();
    if (n <= MAX_KEYPOINTS) {
      return detected;
    }
    KeyPoint[] all = new KeyPoint[n];
    for (int i = 0; i < n; i++) {
      all[i] = detected.get(i);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Strongest first; ties by position, so the choice never depends on detection order.
    java.util.Arrays.sort(
        order,
        (a, b) -> {
          int byResponse = Float.compare(all[b].response(), all[a].response());
          if (byResponse != 0) {
            return byResponse;
          }
          int byY = Float.compare(all[a].pt().y(), all[b].pt().y());
          return byY != 0 ? byY : Float.compare(all[a].pt().x(), all[b].pt().x());
        });
    int perCell = Math.max(1, MAX_KEYPOINTS / (GRID * GRID) / 2);
    int[] inCell = new int[GRID * GRID];
    boolean[] taken = new boolean[n];
    int count = 0;
    for (int i : order) {
      int cx = Math.min(GRID - 1, (int) (all[i].pt().x() * GRID / width));
      int cy = Math.min(GRID - 1, (int) (all[i].pt().y() * GRID / height));
      int cell = cy * GRID + cx;
      if (inCell[cell] < perCell) {
        inCell[cell]++;
        taken[i] = true;
        count++;
      }
    }
    for (int i : order) {
      if (count >= MAX_KEYPOINTS) {
        break;
      }
      if (!taken[i]) {
        taken[i] = true;
        count++;
      }
    }
    KeyPointVector kept = new KeyPointVector();
    for (int i : order) {
      if (taken[i]) {
        kept.push_back(all[i]);
      }
    }
    return kept;
  }

  /**
   * The wire form, big-endian: a version byte, the picture's size, each view as a count, its points
   * in tenths of a pixel (16 bits each) and its descriptors, then the thumbnail's size and pixels.
   * Read and written with a ByteBuffer: dedup decodes the first member of every candidate pair.
   */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(encodedSize());
    out.put((byte) FORMAT);
    out.putShort((short) width);
    out.putShort((short) height);
    writeView(out, points, descriptors);
    writeView(out, mirrorPoints, mirrorDescriptors);
    out.putShort((short) thumbWidth);
    out.putShort((short) thumbHeight);
    out.put(thumb);
    return out.array();
  }

  private int encodedSize() {
    return 1
        + 4
        + viewSize(points, descriptors)
        + viewSize(mirrorPoints, mirrorDescriptors)
        + 4
        + thumb.length;
  }

  private static int viewSize(float[] points, long[] descriptors) {
    return 2 + 2 * points.length + 8 * descriptors.length;
  }

  public static LocalFeatures decode(byte[] encoded) {
    return decode(ByteBuffer.wrap(encoded));
  }

  /** Decodes the features at {@code in}'s position (a fingerprint's tail), as {@link #decode}. */
  static LocalFeatures decode(ByteBuffer in) {
    try {
      int format = in.get() & 0xff;
      if (format != FORMAT) {
        throw new IllegalArgumentException(
            "local features in format " + format + ", this build " + "reads format " + FORMAT);
      }
      int w = in.getShort() & 0xffff;
      int h = in.getShort() & 0xffff;
      float[][] p = new float[1][];
      long[] d = readView(in, p);
      float[][] mp = new float[1][];
      long[] md = readView(in, mp);
      int tw = in.getShort() & 0xffff;
      int th = in.getShort() & 0xffff;
      byte[] thumb = new byte[tw * th];
      in.get(thumb);
      return new LocalFeatures(w, h, p[0], d, mp[0], md, tw, th, thumb);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("damaged local features: they end early", e);
    }
  }

  private static void writeView(ByteBuffer out, float[] points, long[] descriptors) {
    int n = points.length / 2;
    out.putShort((short) n);
    for (float v : points) {
      // Tenths of a pixel are finer than RANSAC's tolerance and halve the size.
      out.putShort((short) Math.round(v * 10));
    }
    out.asLongBuffer().put(descriptors);
    out.position(out.position() + 8 * descriptors.length);
  }

  private static long[] readView(ByteBuffer in, float[][] pointsOut) {
    int n = in.getShort() & 0xffff;
    float[] points = new float[2 * n];
    for (int i = 0; i < points.length; i++) {
      points[i] = (in.getShort() & 0xffff) / 10f;
    }
    long[] descriptors = new long[4 * n];
    in.asLongBuffer().get(descriptors);
    in.position(in.position() + 8 * descriptors.length);
    pointsOut[0] = points;
    return descriptors;
  }
}
