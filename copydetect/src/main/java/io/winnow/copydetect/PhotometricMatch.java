package io.winnow.copydetect;

/**
 * The photometric half of copy verification: with the transform the keypoints agreed on, B's
 * thumbnail is laid over A's and the two are compared by normalised cross-correlation, block by
 * block. A copy agrees nearly everywhere they overlap (an overlaid caption or logo spoils a block
 * or two; brightness, contrast and greyscale do not change a correlation); another photo of the
 * same scene disagrees where things moved or parallax shifted them.
 */
public final class PhotometricMatch {
  /** Blocks per side of A's thumbnail. */
  static final int GRID = 4;

  /** Correlation at which a block agrees. */
  static final double BLOCK_AGREES = 0.6;

  /**
   * How well B agrees with A. {@code coverage}: the share of the smaller picture that lies in the
   * overlap; {@code correlation}: over the whole overlap; {@code agreement}: share of the textured
   * blocks that agree (1 when there are none to judge).
   */
  public record Result(
      double coverage, double correlation, double agreement, int blocks, double pixelShare)
      implements java.io.Serializable {
    static final Result NONE = new Result(0, 0, 0, 0, 0);
  }

  /** Grey levels (of 255) within which a pixel agrees, once brightness and contrast are matched. */
  static final double PIXEL_TOLERANCE = 12;

  /** Half the grey-level step to a neighbour from which a pixel counts as textured. */
  static final double MIN_TEXTURE = 4;

  private PhotometricMatch() {}

  /** Fewest thumbnail pixels an overlap must have to be judged. */
  static final int MIN_OVERLAP = 256;

  /**
   * Compares A with B through {@code transform}, which maps B's picture onto A's, in analysed
   * pixels (a mirror is part of the transform). The comparison runs over the pixels of whichever
   * thumbnail shows the overlap larger, so a picture shrunk into a corner of the other is judged on
   * its own pixels, not on a few of the other's.
   */
  static Result compare(LocalFeatures a, LocalFeatures b, double[] transform) {
    return compare(a, b, transform, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }

  /**
   * How much nudging the fit by a thumbnail pixel can raise the correlation, at most: the
   * correlation of 64-pixel thumbnails barely moves with a sub-pixel shift (pixel share does).
   */
  static final double NUDGE_CORRELATION_GAIN = 0.2;

  /**
   * As {@link #compare(LocalFeatures, LocalFeatures, double[])}, but without nudging the fit when
   * the verdict cannot change: it already reaches {@code enough} pixel share, or its correlation is
   * more than {@link #NUDGE_CORRELATION_GAIN} under {@code neededCorrelation}.
   */
  static Result compare(
      LocalFeatures a,
      LocalFeatures b,
      double[] transform,
      double enough,
      double neededCorrelation) {
    double det = transform[0] * transform[4] - transform[1] * transform[3];
    double aPixel = (double) a.width() * a.height() / (a.thumbWidth() * a.thumbHeight());
    double bPixel = (double) b.width() * b.height() / (b.thumbWidth() * b.thumbHeight());
    // One thumbnail pixel of B covers |det| * bPixel of A's analysed pixels.
    if (Math.abs(det) * bPixel < aPixel) {
      double[] inverse = invert(transform);
      if (inverse != null) {
        return compareFrom(b, a, inverse, enough, neededCorrelation);
      }
    }
    return compareFrom(a, b, transform, enough, neededCorrelation);
  }

  /** The transform from B's mirror image to A, as one from B itself. */
  static double[] unmirror(double[] t, int widthB) {
    double w = widthB - 1;
    return new double[] {-t[0], t[1], t[0] * w + t[2], -t[3], t[4], t[3] * w + t[5]};
  }

  private static Result compareFrom(
      LocalFeatures a,
      LocalFeatures b,
      double[] transform,
      double enough,
      double neededCorrelation) {
    Result unshifted = compareOnce(a, b, transform);
    if (unshifted.pixelShare() >= enough
        || unshifted.correlation() < neededCorrelation - NUDGE_CORRELATION_GAIN) {
      return unshifted;
    }
    // A keypoint fit is good to a pixel or two of the analysed picture, which is half a pixel of
    // the thumbnail: enough to spoil sharp edges. Nudge the fit by up to a thumbnail pixel,
    // coarse then fine, and keep the best agreement; parallax and moved subjects are not undone
    // by one small shift.
    double stepX = (double) a.width() / a.thumbWidth();
    double stepY = (double) a.height() / a.thumbHeight();
    Result best = unshifted;
    double bestDx = 0;
    double bestDy = 0;
    for (double step : new double[] {0.6, 0.3}) {
      double cx = bestDx;
      double cy = bestDy;
      for (int i = -1; i <= 1; i++) {
        for (int j = -1; j <= 1; j++) {
          if (i == 0 && j == 0) {
            continue;
          }
          double dx = cx + i * step;
          double dy = cy + j * step;
          double[] shifted = transform.clone();
          shifted[2] += dx * stepX;
          shifted[5] += dy * stepY;
          Result r = compareOnce(a, b, shifted);
          if (r.pixelShare() > best.pixelShare()) {
            best = r;
            bestDx = dx;
            bestDy = dy;
            if (r.pixelShare() >= enough) {
              return best;
            }
          }
        }
      }
    }
    return best;
  }

  private static Result compareOnce(LocalFeatures a, LocalFeatures b, double[] transform) {
    double[] inverse = invert(transform);
    if (inverse == null) {
      return Result.NONE;
    }
    int aw = a.thumbWidth();
    int ah = a.thumbHeight();
    double aScaleX = (double) a.width() / aw;
    double aScaleY = (double) a.height() / ah;
    double bScaleX = (double) b.thumbWidth() / b.width();
    double bScaleY = (double) b.thumbHeight() / b.height();
    int blocks = GRID * GRID;
    double[] sa = new double[blocks];
    double[] sb = new double[blocks];
    double[] saa = new double[blocks];
    double[] sbb = new double[blocks];
    double[] sab = new double[blocks];
    int[] n = new int[blocks];
    int[] size = new int[blocks];
    int overlap = 0;
    float[] va = new float[aw * ah];
    float[] vb = new float[aw * ah];
    float[] slack = new float[aw * ah];
    byte[] at = a.thumb();
    for (int v = 0; v < ah; v++) {
      double y = (v + 0.5) * aScaleY - 0.5;
      int blockRow = Math.min(GRID - 1, v * GRID / ah);
      for (int u = 0; u < aw; u++) {
        int block = blockRow * GRID + Math.min(GRID - 1, u * GRID / aw);
        size[block]++;
        double x = (u + 0.5) * aScaleX - 0.5;
        double bx = inverse[0] * x + inverse[1] * y + inverse[2];
        double by = inverse[3] * x + inverse[4] * y + inverse[5];
        double tx = (bx + 0.5) * bScaleX - 0.5;
        double ty = (by + 0.5) * bScaleY - 0.5;
        double value = sample(b, tx, ty);
        if (Double.isNaN(value)) {
          continue;
        }
        double av = a.thumb()[v * aw + u] & 0xff;
        va[overlap] = (float) av;
        vb[overlap] = (float) value;
        // A misalignment of a pixel changes a pixel by about its gradient: forgive that much.
        int left = at[v * aw + Math.max(0, u - 1)] & 0xff;
        int right = at[v * aw + Math.min(aw - 1, u + 1)] & 0xff;
        int up = at[Math.max(0, v - 1) * aw + u] & 0xff;
        int down = at[Math.min(ah - 1, v + 1) * aw + u] & 0xff;
        slack[overlap] = Math.max(Math.abs(right - left), Math.abs(down - up)) / 2f;
        overlap++;
        n[block]++;
        sa[block] += av;
        sb[block] += value;
        saa[block] += av * av;
        sbb[block] += value * value;
        sab[block] += av * value;
      }
    }
    if (overlap < MIN_OVERLAP) {
      return Result.NONE;
    }
    double[] total = new double[5];
    int judged = 0;
    int agreed = 0;
    for (int k = 0; k < blocks; k++) {
      total[0] += sa[k];
      total[1] += sb[k];
      total[2] += saa[k];
      total[3] += sbb[k];
      total[4] += sab[k];
      if (n[k] < Math.max(8, size[k] * 0.4)) {
        continue;
      }
      double r = correlation(n[k], sa[k], sb[k], saa[k], sbb[k], sab[k]);
      if (Double.isNaN(r)) {
        continue; // flat in one image: nothing to judge
      }
      judged++;
      if (r >= BLOCK_AGREES) {
        agreed++;
      }
    }
    double r = correlation(overlap, total[0], total[1], total[2], total[3], total[4]);
    // The overlap's area in analysed pixels of A, and the same area in B (divided by the
    // transform's area change): the share of the smaller picture it covers.
    double areaA = overlap * aScaleX * aScaleY;
    double det = Math.abs(transform[0] * transform[4] - transform[1] * transform[3]);
    double coverA = areaA / ((double) a.width() * a.height());
    double coverB = areaA / det / ((double) b.width() * b.height());
    double coverage = Math.min(1, Math.max(coverA, coverB));
    return new Result(
        coverage,
        Double.isNaN(r) ? 0 : r,
        judged == 0 ? 1 : (double) agreed / judged,
        judged,
        pixelShare(va, vb, slack, overlap));
  }

  /**
   * The share of overlapping pixels that agree once B's tones are matched to A's by their
   * histograms over the overlap (any monotone change: brightness, contrast, gamma, clipping). An
   * overlaid caption spoils only its own pixels; a moved subject or parallax spoils every edge they
   * touch.
   */
  static double pixelShare(float[] a, float[] b, float[] slack, int n) {
    // Only pixels with some texture in A count: flat areas (a sky, a black surround) agree with
    // anything and would make two different dark pictures look alike.
    int textured = 0;
    for (int i = 0; i < n; i++) {
      if (slack[i] >= MIN_TEXTURE) {
        textured++;
      }
    }
    boolean all = textured < 32;
    // Twice: the second mapping is built from the pixels the first found agreeing, so an
    // overlay's own pixels (a black caption bar, white text) do not bend the tone curve.
    boolean[] use = null;
    double share = 0;
    for (int round = 0; round < 2; round++) {
      double[] mapped = toneMap(a, b, n, use);
      boolean[] agreeing = new boolean[n];
      int agree = 0;
      int counted = 0;
      for (int i = 0; i < n; i++) {
        boolean close = Math.abs(a[i] - mapped[grey(b[i])]) <= PIXEL_TOLERANCE + slack[i];
        agreeing[i] = close;
        if (all || slack[i] >= MIN_TEXTURE) {
          counted++;
          if (close) {
            agree++;
          }
        }
      }
      share = Math.max(share, (double) agree / Math.max(1, counted));
      if (agree < 16) {
        break;
      }
      use = agreeing;
    }
    return share;
  }

  private static int grey(float v) {
    return Math.min(255, Math.max(0, Math.round(v)));
  }

  /** B's grey level g mapped to A's level at the same cumulative share, over the pixels used. */
  private static double[] toneMap(float[] a, float[] b, int n, boolean[] use) {
    int[] histA = new int[256];
    int[] histB = new int[256];
    for (int i = 0; i < n; i++) {
      if (use == null || use[i]) {
        histA[grey(a[i])]++;
        histB[grey(b[i])]++;
      }
    }
    double[] mapped = new double[256];
    int below = 0;
    int level = 0;
    int cumulativeA = histA[0];
    for (int g = 0; g < 256; g++) {
      double share = below + histB[g] / 2.0;
      while (level < 255 && cumulativeA < share) {
        level++;
        cumulativeA += histA[level];
      }
      mapped[g] = level;
      below += histB[g];
    }
    return mapped;
  }

  /** Pearson correlation from sums; NaN when either side is flat (spread under 3 grey levels). */
  private static double correlation(
      int n, double sa, double sb, double saa, double sbb, double sab) {
    double va = saa - sa * sa / n;
    double vb = sbb - sb * sb / n;
    if (va < 9.0 * n || vb < 9.0 * n) {
      return Double.NaN;
    }
    return (sab - sa * sb / n) / Math.sqrt(va * vb);
  }

  /** Bilinear sample of B's thumbnail, NaN outside it. */
  private static double sample(LocalFeatures b, double x, double y) {
    int w = b.thumbWidth();
    int h = b.thumbHeight();
    if (x < -0.5 || y < -0.5 || x > w - 0.5 || y > h - 0.5) {
      return Double.NaN;
    }
    double cx = Math.min(Math.max(x, 0), w - 1);
    double cy = Math.min(Math.max(y, 0), h - 1);
    int x0 = (int) cx;
    int y0 = (int) cy;
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    double fx = cx - x0;
    double fy = cy - y0;
    byte[] t = b.thumb();
    double top = (t[y0 * w + x0] & 0xff) * (1 - fx) + (t[y0 * w + x1] & 0xff) * fx;
    double bottom = (t[y1 * w + x0] & 0xff) * (1 - fx) + (t[y1 * w + x1] & 0xff) * fx;
    return top * (1 - fy) + bottom * fy;
  }

  static double[] invert(double[] t) {
    double det = t[0] * t[4] - t[1] * t[3];
    if (Math.abs(det) < 1e-12) {
      return null;
    }
    double a = t[4] / det;
    double b = -t[1] / det;
    double d = -t[3] / det;
    double e = t[0] / det;
    return new double[] {a, b, -(a * t[2] + b * t[5]), d, e, -(d * t[2] + e * t[5])};
  }
}
