package io.winnow.copydetect;

import io.winnow.copydetect.CopyVerifier.Measurements;
import io.winnow.copydetect.CopyVerifier.Settings;

/**
 * What {@link CopyVerifier} measures of a pair of fingerprints: the PDQ distance, the keypoint fits
 * of B straight and mirrored, the spread of their inliers, and the photometric checks of the fit
 * and of the PDQ rotation or flip. The thresholds that let it skip checks come from {@link
 * CopyDecision}, so that a skipped check is one that could not change the verdict.
 */
final class PairMeasurer {
  private PairMeasurer() {}

  /** See {@link CopyVerifier#measure}. */
  static Measurements measure(
      Settings settings,
      Fingerprint a,
      Fingerprint b,
      float cosine,
      long seed,
      boolean everything) {
    LocalFeatures fa = a.features();
    LocalFeatures fb = b.features();
    boolean pdqUsable = a.pdqQuality() >= Pdq.MIN_QUALITY && b.pdqQuality() >= Pdq.MIN_QUALITY;
    int pdqDistance = pdqUsable ? Pdq.minDihedralDistance(a.pdq().original(), b.pdq()) : -1;

    // Keypoints, in both orientations of B. The quick look-up can spare unrelated pairs a fit,
    // but it costs copies too (crops and pastes lose their strongest keypoints), so by default
    // every pair is fitted (docs/copy-detection.md has the trade-off) and it is not computed.
    int quick =
        everything || settings.minQuickMatches() > 0
            ? Math.max(
                GeometricMatch.quickMatches(fa.descriptors(), fb.descriptors()),
                GeometricMatch.quickMatches(fa.descriptors(), fb.mirrorDescriptors()))
            : 0;
    boolean fitting = everything || quick >= settings.minQuickMatches();
    GeometricMatch.Fit straight =
        fitting
            ? GeometricMatch.fit(fa.points(), fa.descriptors(), fb.points(), fb.descriptors(), seed)
            : GeometricMatch.Fit.NONE;
    GeometricMatch.Fit mirror =
        fitting
            ? GeometricMatch.fit(
                fa.points(),
                fa.descriptors(),
                fb.mirrorPoints(),
                fb.mirrorDescriptors(),
                seed ^ 0x9E3779B97F4A7C15L)
            : GeometricMatch.Fit.NONE;
    boolean mirrored = mirror.inliers() > straight.inliers();
    GeometricMatch.Fit fit = mirrored ? mirror : straight;
    double spread = fit.transform() == null ? 0 : spread(fit, fa, fb);
    PhotometricMatch.Result look = null;
    int minInliers = everything ? GeometricMatch.MIN_MATCHES : settings.minInliers();
    if (fit.transform() != null
        && fit.inliers() >= minInliers
        && spread >= CopyDecision.MIN_SPREAD) {
      double[] toA =
          mirrored ? PhotometricMatch.unmirror(fit.transform(), fb.width()) : fit.transform();
      double needed =
          CopyDecision.weakFit(settings, fit.inliers(), pdqDistance)
              ? Math.max(settings.minCorrelation(), settings.weakFitCorrelation())
              : settings.minCorrelation();
      look =
          everything
              ? PhotometricMatch.compare(fa, fb, toA)
              : PhotometricMatch.compare(fa, fb, toA, settings.minPixelShare(), needed);
    }
    // PDQ, checked photometrically in the rotation or flip that matched.
    PhotometricMatch.Result pdqLook = null;
    boolean settled =
        look != null
            && fit.inliers() >= settings.minInliers()
            && CopyDecision.agrees(settings, look)
            && (!CopyDecision.weakFit(settings, fit.inliers(), pdqDistance)
                || look.correlation() >= settings.weakFitCorrelation());
    if (pdqUsable && pdqDistance <= Pdq.MATCH_DISTANCE && (everything || !settled)) {
      double[] turn = dihedralTransform(closestDihedral(a, b), fa, fb);
      pdqLook =
          everything
              ? PhotometricMatch.compare(fa, fb, turn)
              : PhotometricMatch.compare(
                  fa, fb, turn, settings.minPixelShare(), settings.minCorrelation());
    }
    return new Measurements(
        cosine,
        pdqDistance,
        Math.min(fa.count(), fb.count()),
        Math.min(a.pdqQuality(), b.pdqQuality()),
        quick,
        fit.inliers(),
        fit.matches(),
        spread,
        mirrored,
        look,
        pdqLook);
  }

  /**
   * The area of the inliers' bounding box in A over that of all A's keypoints lying where B
   * overlaps A: a copy's inliers span the textured part of what the two share.
   */
  static double spread(GeometricMatch.Fit fit, LocalFeatures a, LocalFeatures b) {
    float[] p = fit.inlierPointsA();
    if (p.length < 6) {
      return 0;
    }
    double inliers = boxArea(p, null);
    double[] inverse = PhotometricMatch.invert(fit.transform());
    float[] all = a.points();
    boolean[] inside = new boolean[all.length / 2];
    for (int i = 0; i < inside.length; i++) {
      double x = all[2 * i];
      double y = all[2 * i + 1];
      double bx = inverse[0] * x + inverse[1] * y + inverse[2];
      double by = inverse[3] * x + inverse[4] * y + inverse[5];
      inside[i] = bx >= 0 && by >= 0 && bx < b.width() && by < b.height();
    }
    double shared = boxArea(all, inside);
    return shared <= 0 ? 0 : Math.min(1, inliers / shared);
  }

  private static double boxArea(float[] points, boolean[] use) {
    float minX = Float.MAX_VALUE;
    float minY = Float.MAX_VALUE;
    float maxX = -Float.MAX_VALUE;
    float maxY = -Float.MAX_VALUE;
    for (int i = 0; i < points.length / 2; i++) {
      if (use != null && !use[i]) {
        continue;
      }
      minX = Math.min(minX, points[2 * i]);
      maxX = Math.max(maxX, points[2 * i]);
      minY = Math.min(minY, points[2 * i + 1]);
      maxY = Math.max(maxY, points[2 * i + 1]);
    }
    return maxX < minX ? 0 : (double) (maxX - minX) * (maxY - minY);
  }

  private static Pdq.Dihedral closestDihedral(Fingerprint a, Fingerprint b) {
    Pdq.Dihedral best = Pdq.Dihedral.ORIGINAL;
    int distance = Integer.MAX_VALUE;
    for (Pdq.Dihedral d : Pdq.Dihedral.values()) {
      int dd = a.pdq().original().distance(b.pdq().get(d));
      if (dd < distance) {
        distance = dd;
        best = d;
      }
    }
    return best;
  }

  /**
   * The affine map from B's picture to A's when A is {@code turn} applied to B, both pictures
   * stretched to each other's frame (PDQ compares whole pictures whatever their sizes).
   */
  static double[] dihedralTransform(Pdq.Dihedral turn, LocalFeatures a, LocalFeatures b) {
    // In unit coordinates (u, v) of B, A's unit coordinates are (p u + q v + r, s u + t v + w).
    double[] unit =
        switch (turn) {
          case ORIGINAL -> new double[] {1, 0, 0, 0, 1, 0};
          case FLIP_Y -> new double[] {-1, 0, 1, 0, 1, 0};
          case FLIP_X -> new double[] {1, 0, 0, 0, -1, 1};
          case ROTATE_180 -> new double[] {-1, 0, 1, 0, -1, 1};
          case FLIP_MAIN_DIAGONAL -> new double[] {0, 1, 0, 1, 0, 0};
          case ROTATE_90 -> new double[] {0, 1, 0, -1, 0, 1};
          case ROTATE_270 -> new double[] {0, -1, 1, 1, 0, 0};
          case FLIP_ANTI_DIAGONAL -> new double[] {0, -1, 1, -1, 0, 1};
        };
    double bw = b.width();
    double bh = b.height();
    double aw = a.width();
    double ah = a.height();
    return new double[] {
      aw * unit[0] / bw, aw * unit[1] / bh, aw * unit[2],
      ah * unit[3] / bw, ah * unit[4] / bh, ah * unit[5]
    };
  }
}
