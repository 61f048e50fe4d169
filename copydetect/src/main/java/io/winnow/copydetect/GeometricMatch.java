package io.winnow.copydetect;

import java.util.Random;

/**
 * Keypoint matching and a RANSAC affine fit between two views: the geometric half of copy
 * verification. An edited copy (crop, rescale, rotation, aspect change, border, paste) is an affine
 * image of its original, so its keypoints agree with one transform to within a few pixels; another
 * photo of the same scene agrees only roughly (parallax, motion), or only on a part. Pure Java and
 * deterministic for a given seed.
 */
final class GeometricMatch {
  /** Descriptor bits that may differ for a match (of 256). */
  static final int MAX_DESCRIPTOR_DISTANCE = 80;

  /** Lowe's ratio test: best match clearly better than the second best. */
  static final double RATIO = 0.9;

  /** Reprojection tolerance in pixels of the analysed (about 256 px) pictures. */
  static final double INLIER_PIXELS = 3.0;

  static final int MAX_ITERATIONS = 600;
  static final int MIN_MATCHES = 6;

  /** The fit: inliers, correspondences tried, and B→A as x' = a x + b y + c, y' = d x + e y + f. */
  record Fit(int inliers, int matches, double[] transform, float[] inlierPointsA) {
    static final Fit NONE = new Fit(0, 0, null, new float[0]);
  }

  private GeometricMatch() {}

  /** Matches B's keypoints to A's and fits an affine map from B's picture to A's. */
  static Fit fit(float[] pointsA, long[] descA, float[] pointsB, long[] descB, long seed) {
    int na = pointsA.length / 2;
    int nb = pointsB.length / 2;
    if (na < MIN_MATCHES || nb < MIN_MATCHES) {
      return Fit.NONE;
    }
    int[] match = new int[nb];
    int m = 0;
    int[] from = new int[nb];
    for (int j = 0; j < nb; j++) {
      int best = Integer.MAX_VALUE;
      int second = Integer.MAX_VALUE;
      int bestI = -1;
      for (int i = 0; i < na; i++) {
        int d = hamming(descB, j, descA, i);
        if (d < best) {
          second = best;
          best = d;
          bestI = i;
        } else if (d < second) {
          second = d;
        }
      }
      if (best <= MAX_DESCRIPTOR_DISTANCE && best < RATIO * second) {
        from[m] = j;
        match[m] = bestI;
        m++;
      }
    }
    if (m < MIN_MATCHES) {
      return new Fit(0, m, null, new float[0]);
    }
    double[] ax = new double[m];
    double[] ay = new double[m];
    double[] bx = new double[m];
    double[] by = new double[m];
    for (int k = 0; k < m; k++) {
      ax[k] = pointsA[2 * match[k]];
      ay[k] = pointsA[2 * match[k] + 1];
      bx[k] = pointsB[2 * from[k]];
      by[k] = pointsB[2 * from[k] + 1];
    }
    return ransac(ax, ay, bx, by, m, seed);
  }

  /** Descriptors of B's strongest keypoints the quick check looks up. */
  static final int QUICK_KEYPOINTS = 64;

  /** Bits within which a descriptor counts as found by the quick check. */
  static final int QUICK_DISTANCE = 24;

  /**
   * How many of B's {@link #QUICK_KEYPOINTS} strongest keypoints have a descriptor within {@link
   * #QUICK_DISTANCE} bits among A's: a look-up a tenth the cost of a fit, and a copy passes it
   * easily while most unrelated pairs find almost none.
   */
  static int quickMatches(long[] descA, long[] descB) {
    int na = descA.length / 4;
    int nb = Math.min(QUICK_KEYPOINTS, descB.length / 4);
    int found = 0;
    for (int j = 0; j < nb; j++) {
      for (int i = 0; i < na; i++) {
        if (hamming(descB, j, descA, i) <= QUICK_DISTANCE) {
          found++;
          break;
        }
      }
    }
    return found;
  }

  static int hamming(long[] a, int i, long[] b, int j) {
    int ai = 4 * i;
    int bj = 4 * j;
    return Long.bitCount(a[ai] ^ b[bj])
        + Long.bitCount(a[ai + 1] ^ b[bj + 1])
        + Long.bitCount(a[ai + 2] ^ b[bj + 2])
        + Long.bitCount(a[ai + 3] ^ b[bj + 3]);
  }

  private static Fit ransac(double[] ax, double[] ay, double[] bx, double[] by, int m, long seed) {
    Random random = new Random(seed);
    double tolerance = INLIER_PIXELS * INLIER_PIXELS;
    double[] best = null;
    int bestCount = 0;
    int iterations = MAX_ITERATIONS;
    double[] t = new double[6];
    for (int it = 0; it < iterations; it++) {
      int p = random.nextInt(m);
      int q = random.nextInt(m);
      int r = random.nextInt(m);
      if (p == q || q == r || p == r || !solve(bx, by, ax, ay, new int[] {p, q, r}, t)) {
        continue;
      }
      if (!plausible(t)) {
        continue;
      }
      int count = count(t, ax, ay, bx, by, m, tolerance, null);
      if (count > bestCount) {
        bestCount = count;
        best = t.clone();
        // Enough samples to have drawn an all-inlier triple with probability 0.999.
        double w = (double) count / m;
        double miss = 1 - w * w * w;
        if (miss <= 1e-9) {
          break;
        }
        iterations =
            Math.min(MAX_ITERATIONS, (int) Math.ceil(Math.log(1e-3) / Math.log(miss)) + it + 1);
      }
    }
    if (best == null || bestCount < 3) {
      return new Fit(0, m, null, new float[0]);
    }
    // Refine on the inliers by least squares and count again, a few rounds: RANSAC's triple is
    // only as precise as three keypoints, and the photometric check needs a pixel's accuracy.
    boolean[] inlier = new boolean[m];
    count(best, ax, ay, bx, by, m, tolerance, inlier);
    for (int round = 0; round < 3; round++) {
      double[] refined = leastSquares(bx, by, ax, ay, inlier, m);
      if (refined == null || !plausible(refined)) {
        break;
      }
      boolean[] next = new boolean[m];
      int c = count(refined, ax, ay, bx, by, m, tolerance, next);
      if (c < bestCount) {
        break;
      }
      best = refined;
      bestCount = c;
      inlier = next;
    }
    float[] points = new float[2 * bestCount];
    for (int k = 0, n = 0; k < m; k++) {
      if (inlier[k]) {
        points[n++] = (float) ax[k];
        points[n++] = (float) ay[k];
      }
    }
    return new Fit(bestCount, m, best, points);
  }

  /**
   * A copy's transform: orientation kept (mirrors are matched against the mirror view), scale
   * between 1/8 and 8, and an aspect change of at most 2.5 (stretching is a real edit, shearing a
   * picture flat is not).
   */
  static boolean plausible(double[] t) {
    double a = t[0];
    double b = t[1];
    double d = t[3];
    double e = t[4];
    double det = a * e - b * d;
    if (!(det > 0)) {
      return false;
    }
    double s = a * a + b * b + d * d + e * e;
    double root = Math.sqrt(Math.max(0, s * s - 4 * det * det));
    double big = Math.sqrt((s + root) / 2);
    double small = Math.sqrt(Math.max(0, (s - root) / 2));
    return small >= 0.125 && big <= 8 && big / small <= 2.5;
  }

  private static int count(
      double[] t,
      double[] ax,
      double[] ay,
      double[] bx,
      double[] by,
      int m,
      double tolerance,
      boolean[] inlier) {
    int c = 0;
    for (int k = 0; k < m; k++) {
      double x = t[0] * bx[k] + t[1] * by[k] + t[2] - ax[k];
      double y = t[3] * bx[k] + t[4] * by[k] + t[5] - ay[k];
      boolean in = x * x + y * y <= tolerance;
      if (in) {
        c++;
      }
      if (inlier != null) {
        inlier[k] = in;
      }
    }
    return c;
  }

  /** The affine map sending three source points onto three targets; false if collinear. */
  private static boolean solve(
      double[] sx, double[] sy, double[] tx, double[] ty, int[] idx, double[] out) {
    double x1 = sx[idx[0]];
    double y1 = sy[idx[0]];
    double x2 = sx[idx[1]];
    double y2 = sy[idx[1]];
    double x3 = sx[idx[2]];
    double y3 = sy[idx[2]];
    double det = x1 * (y2 - y3) - y1 * (x2 - x3) + (x2 * y3 - x3 * y2);
    if (Math.abs(det) < 1e-3) {
      return false;
    }
    for (int row = 0; row < 2; row++) {
      double[] v = row == 0 ? tx : ty;
      double v1 = v[idx[0]];
      double v2 = v[idx[1]];
      double v3 = v[idx[2]];
      // Cramer's rule on [x y 1] * (p q r)^T = v.
      double p = (v1 * (y2 - y3) - y1 * (v2 - v3) + (v2 * y3 - v3 * y2)) / det;
      double q = (x1 * (v2 - v3) - v1 * (x2 - x3) + (x2 * v3 - x3 * v2)) / det;
      double r =
          (x1 * (y2 * v3 - y3 * v2) - y1 * (x2 * v3 - x3 * v2) + v1 * (x2 * y3 - x3 * y2)) / det;
      out[3 * row] = p;
      out[3 * row + 1] = q;
      out[3 * row + 2] = r;
    }
    return true;
  }

  private static double[] leastSquares(
      double[] sx, double[] sy, double[] tx, double[] ty, boolean[] use, int m) {
    double sxx = 0, sxy = 0, sx1 = 0, syy = 0, sy1 = 0, n = 0;
    double[] bxv = new double[2];
    double[] byv = new double[2];
    double[] b1 = new double[2];
    for (int k = 0; k < m; k++) {
      if (!use[k]) {
        continue;
      }
      double x = sx[k];
      double y = sy[k];
      sxx += x * x;
      sxy += x * y;
      sx1 += x;
      syy += y * y;
      sy1 += y;
      n++;
      for (int row = 0; row < 2; row++) {
        double v = row == 0 ? tx[k] : ty[k];
        bxv[row] += x * v;
        byv[row] += y * v;
        b1[row] += v;
      }
    }
    double[][] a = {{sxx, sxy, sx1}, {sxy, syy, sy1}, {sx1, sy1, n}};
    double det = det3(a);
    if (Math.abs(det) < 1e-9) {
      return null;
    }
    double[] out = new double[6];
    for (int row = 0; row < 2; row++) {
      double[] rhs = {bxv[row], byv[row], b1[row]};
      for (int col = 0; col < 3; col++) {
        double[][] c = {a[0].clone(), a[1].clone(), a[2].clone()};
        for (int i = 0; i < 3; i++) {
          c[i][col] = rhs[i];
        }
        out[3 * row + col] = det3(c) / det;
      }
    }
    return out;
  }

  private static double det3(double[][] a) {
    return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  }
}
