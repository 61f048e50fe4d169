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
 * the two keys). {@code PairMeasurer} takes the measurements, {@code CopyDecision} judges them.
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
      return toBuilder().minQuickMatches(quick).build();
    }

    public Settings withFallbackCosine(double cosine) {
      return toBuilder().fallbackCosine(cosine).build();
    }

    public Settings withMinInliers(int inliers) {
      return toBuilder().minInliers(inliers).build();
    }

    public Settings withPhotometric(double pixelShare, double correlation) {
      return toBuilder().minPixelShare(pixelShare).minCorrelation(correlation).build();
    }

    public Settings withPdqDistance(int distance) {
      return toBuilder().pdqDistance(distance).build();
    }

    /** Fits under {@code inliers} inliers must correlate at least {@code correlation}. */
    public Settings withWeakFits(int inliers, double correlation) {
      return toBuilder().confidentInliers(inliers).weakFitCorrelation(correlation).build();
    }

    /** A copy to change by name: {@code settings.toBuilder().x(...).build()}. */
    public Builder toBuilder() {
      return new Builder(this);
    }

    /** Named setters over a copy; the record's own checks run in {@link #build}. */
    public static final class Builder {
      private int minQuickMatches;
      private int minInliers;
      private double minCoverage;
      private double minPixelShare;
      private double minCorrelation;
      private int pdqDistance;
      private int minKeypoints;
      private double fallbackCosine;
      private int confidentInliers;
      private double weakFitCorrelation;

      private Builder(Settings from) {
        minQuickMatches = from.minQuickMatches;
        minInliers = from.minInliers;
        minCoverage = from.minCoverage;
        minPixelShare = from.minPixelShare;
        minCorrelation = from.minCorrelation;
        pdqDistance = from.pdqDistance;
        minKeypoints = from.minKeypoints;
        fallbackCosine = from.fallbackCosine;
        confidentInliers = from.confidentInliers;
        weakFitCorrelation = from.weakFitCorrelation;
      }

      public Builder minQuickMatches(int value) {
        minQuickMatches = value;
        return this;
      }

      public Builder minInliers(int value) {
        minInliers = value;
        return this;
      }

      public Builder minCoverage(double value) {
        minCoverage = value;
        return this;
      }

      public Builder minPixelShare(double value) {
        minPixelShare = value;
        return this;
      }

      public Builder minCorrelation(double value) {
        minCorrelation = value;
        return this;
      }

      public Builder pdqDistance(int value) {
        pdqDistance = value;
        return this;
      }

      public Builder minKeypoints(int value) {
        minKeypoints = value;
        return this;
      }

      public Builder fallbackCosine(double value) {
        fallbackCosine = value;
        return this;
      }

      public Builder confidentInliers(int value) {
        confidentInliers = value;
        return this;
      }

      public Builder weakFitCorrelation(double value) {
        weakFitCorrelation = value;
        return this;
      }

      public Settings build() {
        return new Settings(
            minQuickMatches,
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
    return PairMeasurer.measure(settings, a, b, cosine, seed, everything);
  }

  /** The verdict these settings give on a pair's measurements. */
  public Verdict decide(Measurements m) {
    return CopyDecision.decide(settings, m);
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
}
