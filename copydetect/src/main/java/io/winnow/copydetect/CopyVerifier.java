package io.winnow.copydetect;

import java.io.Serializable;
import java.util.Locale;

/**
 * Decides whether a candidate pair is a copy: an edited version of the same picture, not another
 * photo of the same thing. Evidence, strongest first:
 *
 * <ol>
 *   <li><b>keypoints</b>: ORB keypoints (of B, or of its mirror image) agree with one affine
 *       transform ({@link Settings#minInliers} RANSAC inliers), and with that transform the two
 *       pictures agree photometrically over the overlap (the share of pixels that agree once
 *       brightness and contrast are matched, and the correlation) and the overlap covers enough of
 *       the smaller one;
 *   <li><b>pdq</b>: the PDQ hashes (any rotation or flip) are within {@link Settings#pdqDistance}
 *       at quality ≥ {@link Pdq#MIN_QUALITY} on both sides, and the photometric check holds for
 *       that rotation or flip (blur and heavy JPEG erase keypoints but not PDQ);
 *   <li><b>embedding only</b>: when a picture is too featureless for either (fewer than {@link
 *       Settings#minKeypoints} keypoints and a PDQ quality under the minimum), the embedding's
 *       cosine must reach {@link Settings#fallbackCosine}; the detail says so.
 * </ol>
 *
 * <p>Thread-safe and deterministic: the RANSAC seed comes from the caller (dedup derives it from
 * the two keys).
 */
public final class CopyVerifier implements Serializable {
  /** How a pair was judged. */
  public enum Evidence {
    KEYPOINTS,
    PDQ,
    EMBEDDING,
    NONE
  }

  /**
   * The decision's thresholds; {@link #defaults()} are measured on the copy-detection dev set. A
   * keypoint fit with fewer than {@code confidentInliers} inliers is weak evidence (unrelated
   * pictures of straight edges and corners, drawings and graphics, find ten or twenty chance
   * inliers), so its photometric correlation must also reach {@code weakFitCorrelation}, unless the
   * PDQ hashes are within twice {@code pdqDistance}.
   */
  public record Settings(
      int minQuickMatches,
      int minInliers,
      double minCoverage,
      double minPixelShare,
      double minCorrelation,
      int pdqDistance,
      int minKeypoints,
      double fallbackCosine,
      int confidentInliers,
      double weakFitCorrelation)
      implements Serializable {
    public static Settings defaults() {
      return new Settings(0, 10, 0.25, 0.8, 0.3, 31, 25, 0.95, 30, 0.85);
    }

    public Settings withMinQuickMatches(int quick) {
      return new Settings(
          quick,
          minInliers,
          minCoverage,
          minPixelShare,
          minCorrelation,
          pdqDistance,
          minKeypoints,
          fallbackCosine,
          confidentInliers,
          weakFitCorrelation);
    }

    public Settings withFallbackCosine(double cosine) {
      return new Settings(
          minQuickMatches,
          minInliers,
          minCoverage,
          minPixelShare,
          minCorrelation,
          pdqDistance,
          minKeypoints,
          cosine,
          confidentInliers,
          weakFitCorrelation);
    }

    public Settings withMinInliers(int inliers) {
      return new Settings(
          minQuickMatches,
          inliers,
          minCoverage,
          minPixelShare,
          minCorrelation,
          pdqDistance,
          minKeypoints,
          fallbackCosine,
          confidentInliers,
          weakFitCorrelation);
    }

    public Settings withPhotometric(double pixelShare, double correlation) {
      return new Settings(
          minQuickMatches,
          minInliers,
          minCoverage,
          pixelShare,
          correlation,
          pdqDistance,
          minKeypoints,
          fallbackCosine,
          confidentInliers,
          weakFitCorrelation);
    }

    public Settings withPdqDistance(int distance) {
      return new Settings(
          minQuickMatches,
          minInliers,
          minCoverage,
          minPixelShare,
          minCorrelation,
          distance,
          minKeypoints,
          fallbackCosine,
          confidentInliers,
          weakFitCorrelation);
    }

    /** Fits under {@code inliers} inliers must correlate at least {@code correlation}. */
    public Settings withWeakFits(int inliers, double correlation) {
      return new Settings(
          minQuickMatches,
          minInliers,
          minCoverage,
          minPixelShare,
          minCorrelation,
          pdqDistance,
          minKeypoints,
          fallbackCosine,
          inliers,
          correlation);
    }
  }

  /**
   * What verification found. {@code pdqDistance} is -1 when either PDQ hash is too featureless to
   * trust; {@code coverage}, {@code agreement} and {@code correlation} are those of the photometric
   * check of the evidence that decided (or of the best geometric fit).
   */
  public record Verdict(
      boolean copy,
      Evidence evidence,
      int inliers,
      int matches,
      double spread,
      boolean mirrored,
      double coverage,
      double agreement,
      double correlation,
      double pixelShare,
      int pdqDistance,
      float cosine,
      String reason)
      implements Serializable {

    /** The rejection detail's evidence, e.g. {@code cosine 0.9100, 64 inliers, pdq 12}. */
    public String describe() {
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "cosine %.4f", cosine));
      switch (evidence) {
        case KEYPOINTS ->
            s.append(", ").append(inliers).append(" inliers").append(mirrored ? " mirrored" : "");
        case PDQ -> s.append(", pdq match");
        case EMBEDDING -> s.append(", embedding only: ").append(reason);
        case NONE -> s.append(", not verified: ").append(reason);
      }
      if (pdqDistance >= 0) {
        s.append(", pdq ").append(pdqDistance);
      }
      if (evidence == Evidence.KEYPOINTS || evidence == Evidence.PDQ) {
        s.append(String.format(Locale.ROOT, ", pixels agree %.2f", pixelShare));
      }
      return s.toString();
    }
  }

  private final Settings settings;

  private CopyVerifier(Settings settings) {
    this.settings = settings;
  }

  public static CopyVerifier with(Settings settings) {
    return new CopyVerifier(settings);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * What verification measured of a pair: the embedding's cosine, the PDQ distance (-1 when either
   * hash is too featureless), the best keypoint fit (B straight or mirrored) with the spread of its
   * inliers, and the photometric checks of the keypoint fit and of the PDQ turn (null where not
   * measured). {@link #decide} makes the verdict; benches re-decide the same measurements under
   * other settings.
   */
  public record Measurements(
      float cosine,
      int pdqDistance,
      int fewestKeypoints,
      int lowestPdqQuality,
      int quickMatches,
      int inliers,
      int matches,
      double spread,
      boolean mirrored,
      PhotometricMatch.Result keypointLook,
      PhotometricMatch.Result pdqLook)
      implements Serializable {}

  /**
   * Judges the pair (A, B), whose embeddings have cosine similarity {@code cosine}. A's mirror view
   * is not used (B's is), so A may be {@link Fingerprint#withoutMirror()}.
   */
  public Verdict verify(Fingerprint a, Fingerprint b, float cosine, long seed) {
    return decide(measure(a, b, cosine, seed, false));
  }

  /**
   * Measures the pair. With {@code everything} false, a check whose outcome cannot change the
   * verdict under this verifier's settings is skipped (the PDQ photometric check once keypoints
   * have proved a copy, checks below the minimum inliers).
   */
  public Measurements measure(
      Fingerprint a, Fingerprint b, float cosine, long seed, boolean everything) {
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
    if (fit.transform() != null && fit.inliers() >= minInliers && spread >= MIN_SPREAD) {
      double[] toA =
          mirrored ? PhotometricMatch.unmirror(fit.transform(), fb.width()) : fit.transform();
      double needed =
          weakFit(fit.inliers(), pdqDistance)
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
            && agrees(look)
            && (!weakFit(fit.inliers(), pdqDistance)
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

  /** The verdict these settings give on a pair's measurements. */
  public Verdict decide(Measurements m) {
    PhotometricMatch.Result none = PhotometricMatch.Result.NONE;
    PhotometricMatch.Result look = m.keypointLook() == null ? none : m.keypointLook();
    // 1. Keypoints.
    boolean weak =
        weakFit(m.inliers(), m.pdqDistance()) && look.correlation() < settings.weakFitCorrelation();
    if (m.keypointLook() != null
        && m.quickMatches() >= settings.minQuickMatches()
        && m.inliers() >= settings.minInliers()
        && m.spread() >= MIN_SPREAD
        && agrees(look)
        && !weak) {
      return verdict(true, Evidence.KEYPOINTS, m, look, "");
    }
    // 2. PDQ.
    if (m.pdqLook() != null
        && m.pdqDistance() >= 0
        && m.pdqDistance() <= settings.pdqDistance()
        && m.pdqLook().pixelShare() >= settings.minPixelShare()
        && m.pdqLook().correlation() >= settings.minCorrelation()) {
      return verdict(true, Evidence.PDQ, m, m.pdqLook(), "");
    }
    // 3. Too featureless to verify: the embedding decides alone, strictly.
    if (m.pdqDistance() < 0 && m.fewestKeypoints() < settings.minKeypoints()) {
      String why =
          String.format(
              Locale.ROOT,
              "too featureless to verify (%d keypoints, pdq " + "quality %d)",
              m.fewestKeypoints(),
              m.lowestPdqQuality());
      return verdict(m.cosine() >= settings.fallbackCosine(), Evidence.EMBEDDING, m, look, why);
    }
    String why =
        m.quickMatches() < settings.minQuickMatches()
            ? m.quickMatches() + " of the strongest keypoints found in the other picture"
            : m.inliers() < settings.minInliers()
                ? m.inliers() + " inliers of " + m.matches() + " matches"
                : m.spread() < MIN_SPREAD
                    ? String.format(
                        Locale.ROOT,
                        "%d inliers bunched in %.0f %% of " + "the shared keypoints' extent",
                        m.inliers(),
                        100 * m.spread())
                    : weak && agrees(look)
                        ? String.format(
                            Locale.ROOT,
                            "a weak fit (%d inliers) whose " + "pictures correlate only %.2f",
                            m.inliers(),
                            look.correlation())
                        : String.format(
                            Locale.ROOT,
                            "%d inliers but the pictures disagree (pixels agree %.2f, "
                                + "correlation %.2f, coverage %.2f)",
                            m.inliers(),
                            look.pixelShare(),
                            look.correlation(),
                            look.coverage());
    return verdict(false, Evidence.NONE, m, look, why);
  }

  /**
   * A fit of fewer than {@link Settings#confidentInliers} inliers is weak, unless PDQ backs it
   * (within twice its match distance: unrelated pictures sit near 128 bits).
   */
  private boolean weakFit(int inliers, int pdqDistance) {
    return inliers < settings.confidentInliers()
        && !(pdqDistance >= 0 && pdqDistance <= 2 * settings.pdqDistance());
  }

  private static Verdict verdict(
      boolean copy, Evidence evidence, Measurements m, PhotometricMatch.Result look, String why) {
    return new Verdict(
        copy,
        evidence,
        m.inliers(),
        m.matches(),
        m.spread(),
        m.mirrored(),
        look.coverage(),
        look.agreement(),
        look.correlation(),
        look.pixelShare(),
        m.pdqDistance(),
        m.cosine(),
        why);
  }

  /** The verdict when only the embedding is known (a sample without fingerprint). */
  public Verdict embeddingOnly(float cosine, String why) {
    return new Verdict(
        cosine >= settings.fallbackCosine(),
        Evidence.EMBEDDING,
        0,
        0,
        0,
        false,
        0,
        0,
        0,
        0,
        -1,
        cosine,
        why);
  }

  /**
   * Least share of the shared keypoints' extent the inliers must span: inliers bunched in one spot
   * (a shared logo, the rim of two round pictures, a few bright dots) prove only that spot.
   */
  static final double MIN_SPREAD = 0.03;

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

  private boolean agrees(PhotometricMatch.Result look) {
    return look.coverage() >= settings.minCoverage()
        && look.pixelShare() >= settings.minPixelShare()
        && look.correlation() >= settings.minCorrelation();
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
