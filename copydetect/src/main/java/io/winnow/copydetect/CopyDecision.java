package io.winnow.copydetect;

import io.winnow.copydetect.CopyVerifier.Evidence;
import io.winnow.copydetect.CopyVerifier.Measurements;
import io.winnow.copydetect.CopyVerifier.Settings;
import io.winnow.copydetect.CopyVerifier.Verdict;
import java.util.Locale;

/**
 * {@link CopyVerifier}'s decision model: the verdict that a pair's {@link Measurements} earn under
 * given {@link Settings}, keypoints first, then PDQ, then the embedding alone, with the reason for
 * a rejection. Stateless, so benches can re-decide stored measurements under other settings.
 */
final class CopyDecision {

  /**
   * Least share of the shared keypoints' extent the inliers must span: inliers bunched in one spot
   * (a shared logo, the rim of two round pictures, a few bright dots) prove only that spot.
   */
  static final double MIN_SPREAD = 0.03;

  private CopyDecision() {}

  /** See {@link CopyVerifier#decide}. */
  static Verdict decide(Settings settings, Measurements m) {
    PhotometricMatch.Result none = PhotometricMatch.Result.NONE;
    PhotometricMatch.Result look = m.keypointLook() == null ? none : m.keypointLook();
    // 1. Keypoints.
    boolean weak =
        weakFit(settings, m.inliers(), m.pdqDistance())
            && look.correlation() < settings.weakFitCorrelation();
    if (m.keypointLook() != null
        && m.quickMatches() >= settings.minQuickMatches()
        && m.inliers() >= settings.minInliers()
        && m.spread() >= MIN_SPREAD
        && agrees(settings, look)
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
                    : weak && agrees(settings, look)
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
  static boolean weakFit(Settings settings, int inliers, int pdqDistance) {
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

  static boolean agrees(Settings settings, PhotometricMatch.Result look) {
    return look.coverage() >= settings.minCoverage()
        && look.pixelShare() >= settings.minPixelShare()
        && look.correlation() >= settings.minCorrelation();
  }
}
