package io.winnow.copydetect;

/**
 * Finds the picture inside uniform borders and letterbox bars, so that a copy with a frame added is
 * compared by its picture and two different pictures in the same frame are not.
 *
 * <p>A side is trimmed line by line while the line is uniform: at least {@link #UNIFORM_SHARE} of
 * its pixels lie within {@link #TOLERANCE} (per channel) of the colour of that side's outermost
 * line, and the line's own spread is small. Trimming never leaves less than a quarter of either
 * dimension: an image that is mostly one colour (a sky, a page) keeps its size rather than being
 * cut to a sliver, and then both a copy and its original are treated alike.
 */
public final class UniformBorder {
  /** Per-channel distance from the border colour that still counts as the border. */
  static final int TOLERANCE = 24;

  /** Share of a line's pixels that must be border-coloured for the line to be border. */
  static final double UNIFORM_SHARE = 0.97;

  /** Borders thinner than this (in pixels) are left: an edge row of a photo is often flat. */
  static final int MIN_BORDER = 2;

  private UniformBorder() {}

  /** A box in pixels: left, top, width, height. */
  public record Box(int x, int y, int width, int height) {
    public Box {
      if (width < 1 || height < 1 || x < 0 || y < 0) {
        throw new IllegalArgumentException("a box needs a positive size and a non-negative origin");
      }
    }
  }

  /**
   * The picture inside {@code within} (or the whole image when null) of an interleaved 8-bit image
   * with {@code channels} channels (1 or 3), row-major, {@code width * channels} bytes a row.
   */
  public static Box contentBox(byte[] pixels, int width, int height, int channels, Box within) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("1 or 3 channels, not " + channels);
    }
    if (pixels.length < (long) width * height * channels) {
      throw new IllegalArgumentException("the pixel array is smaller than " + width + "x" + height);
    }
    Box box = within == null ? new Box(0, 0, width, height) : within;
    int left = box.x();
    int top = box.y();
    int right = box.x() + box.width(); // exclusive
    int bottom = box.y() + box.height(); // exclusive
    int minWidth = Math.max(1, box.width() / 4);
    int minHeight = Math.max(1, box.height() / 4);
    Line line = new Line(pixels, width, channels);

    int[] colour = line.colourAt(left, top);
    int t = top;
    while (bottom - t > minHeight && line.rowUniform(t, left, right, colour)) {
      t++;
    }
    colour = line.colourAt(left, bottom - 1);
    int b = bottom;
    while (b - t > minHeight && line.rowUniform(b - 1, left, right, colour)) {
      b--;
    }
    colour = line.colourAt(left, t);
    int l = left;
    while (right - l > minWidth && line.columnUniform(l, t, b, colour)) {
      l++;
    }
    colour = line.colourAt(right - 1, t);
    int r = right;
    while (r - l > minWidth && line.columnUniform(r - 1, t, b, colour)) {
      r--;
    }
    // A flat first or last line is the picture's own edge more often than a frame.
    if (t - top < MIN_BORDER) {
      t = top;
    }
    if (bottom - b < MIN_BORDER) {
      b = bottom;
    }
    if (l - left < MIN_BORDER) {
      l = left;
    }
    if (right - r < MIN_BORDER) {
      r = right;
    }
    return new Box(l, t, r - l, b - t);
  }

  /** Reads lines of an interleaved image and decides whether they are border. */
  private static final class Line {
    private final byte[] pixels;
    private final int stride;
    private final int channels;

    Line(byte[] pixels, int width, int channels) {
      this.pixels = pixels;
      this.stride = width * channels;
      this.channels = channels;
    }

    int[] colourAt(int x, int y) {
      int[] c = new int[channels];
      int at = y * stride + x * channels;
      for (int k = 0; k < channels; k++) {
        c[k] = pixels[at + k] & 0xff;
      }
      return c;
    }

    boolean rowUniform(int y, int from, int to, int[] colour) {
      int at = y * stride + from * channels;
      return uniform(at, channels, to - from, colour);
    }

    boolean columnUniform(int x, int from, int to, int[] colour) {
      int at = from * stride + x * channels;
      return uniform(at, stride, to - from, colour);
    }

    private boolean uniform(int start, int step, int count, int[] colour) {
      int allowedOff = (int) Math.floor(count * (1 - UNIFORM_SHARE));
      int off = 0;
      for (int i = 0, at = start; i < count; i++, at += step) {
        for (int k = 0; k < channels; k++) {
          if (Math.abs((pixels[at + k] & 0xff) - colour[k]) > TOLERANCE) {
            if (++off > allowedOff) {
              return false;
            }
            break;
          }
        }
      }
      return true;
    }
  }
}
