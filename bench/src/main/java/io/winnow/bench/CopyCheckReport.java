package io.winnow.bench;

import io.winnow.bench.LabelledDedup.Outcome;
import io.winnow.copydetect.CopyVerifier;
import java.util.List;
import java.util.Locale;

/**
 * The markdown that {@link VerifiedCopyCheck} prints (docs/copy-detection.md takes it): the set and
 * its candidates, dedup at the defaults beside the embedding alone, per edit, hard negatives, and
 * the curves as each threshold moves. Sections run in this order because later ones count the
 * rechecks that the earlier runs made.
 */
record CopyCheckReport(
    String modelName,
    double modelThreshold,
    LabelledDedup check,
    LabelledDedup synthetic,
    int k,
    double floor,
    CopyVerifier.Settings defaults,
    double storeMs,
    double verifyMs,
    double measureMs,
    double embedding95,
    double embedding80) {
  String markdown() {
    StringBuilder md = new StringBuilder();
    header(md);
    atTheDefaults(md);
    curves(md);
    return md.toString();
  }

  /** The set, its candidates and what storing and verifying cost. */
  private void header(StringBuilder md) {
    List<CopyPairs.Stored> stored = check.stored();
    List<CopyPairs.Candidate> candidates = check.candidates();
    long photos = stored.stream().map(s -> s.item().photo()).distinct().count();
    long hardNegatives =
        stored.stream().filter(s -> s.item().kind().equals("hard-negative")).count();
    long copies =
        candidates.stream()
            .filter(p -> stored.get(p.i()).item().photo().equals(stored.get(p.j()).item().photo()))
            .count();
    md.append(
        String.format(
            Locale.ROOT,
            "Model `%s`; %d images of %d photos (%d of them hard "
                + "negatives), %d redundant images; %d candidate pairs (k = %d at cosine ≥ %.2f, or "
                + "PDQ ≤ 31), %d of them copies. Stored at %.1f ms/image (decode, fingerprint, "
                + "embed); verified as dedup verifies at %.2f ms/pair, measured in full for the "
                + "curves at %.2f ms/pair (one core).%n%n",
            modelName,
            stored.size(),
            photos,
            hardNegatives,
            check.redundant(),
            candidates.size(),
            k,
            floor,
            copies,
            storeMs,
            verifyMs,
            measureMs));

    long[] bySource = new long[4];
    for (CopyPairs.Candidate p : candidates) {
      boolean copy = stored.get(p.i()).item().photo().equals(stored.get(p.j()).item().photo());
      if (p.byKnn()) {
        bySource[0]++;
        bySource[1] += copy ? 1 : 0;
      }
      if (p.byPdq()) {
        bySource[2]++;
        bySource[3] += copy ? 1 : 0;
      }
    }
    md.append(
        String.format(
            Locale.ROOT,
            "Candidates by source (pairs, of them copies): embedding "
                + "k-NN %d (%d), PDQ %d (%d).%n%n",
            bySource[0],
            bySource[1],
            bySource[2],
            bySource[3]));
  }

  /**
   * Dedup at the defaults both ways, the synthetic pictures, rechecks, per edit, hard negatives.
   */
  private void atTheDefaults(StringBuilder md) {
    List<CopyPairs.Candidate> candidates = check.candidates();
    md.append("### Dedup at the defaults\n\n");
    md.append("| path | removed | right | precision | recall | hard negatives removed |\n");
    md.append("|---|---|---|---|---|---|\n");
    row(
        md,
        String.format(
            Locale.ROOT,
            "verified (pixel share ≥ %.2f, ≥ %d inliers)",
            defaults.minPixelShare(),
            defaults.minInliers()),
        check.verified(defaults));
    row(
        md,
        String.format(Locale.ROOT, "embedding only, the model's threshold %.4f", modelThreshold),
        check.embeddingOnly(modelThreshold));
    row(
        md,
        String.format(
            Locale.ROOT, "embedding only, cosine %.4f (P ≥ 0.95 on these pairs)", embedding95),
        check.embeddingOnly(embedding95));

    if (synthetic != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "%nDistinct synthetic pictures (`CopyDevSet scenes`: "
                  + "shapes, text and noise on gradients, no two alike): %d, %d candidate pairs; "
                  + "removed at the defaults (every one wrong): %d.%n",
              synthetic.stored().size(),
              synthetic.candidates().size(),
              synthetic.verified(defaults).removed()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nRechecks (a member verified against kept members of "
                + "its component it had no candidate pair with, at most %d each): %d pairs, %.1f %% of "
                + "the candidates.%n",
            io.winnow.dedup.DropNearDuplicates.MAX_RECHECKS,
            check.rechecks(),
            100.0 * check.rechecks() / candidates.size()));
    md.append("\n### Per edit: share of (original, copy) pairs found\n\n");
    md.append(
        String.format(
            Locale.ROOT, "| edit | copies | verified | embedding ≥ %.4f |%n", modelThreshold));
    md.append("|---|---|---|---|\n");
    check
        .perEdit(defaults, modelThreshold)
        .forEach(
            (edit, v) ->
                md.append(
                    String.format(
                        Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", edit, (int) v[0], v[1], v[2])));
    int[] hard = check.hardNegativePairs(defaults, modelThreshold);
    md.append(
        String.format(
            Locale.ROOT,
            "%nHard-negative pairs (different photos of one scene): "
                + "%d; judged copies: %d verified, %d by the embedding at %.4f.%n",
            hard[0],
            hard[1],
            hard[2],
            modelThreshold));
  }

  /** One row of a threshold curve: the threshold, then what dedup removed at it. */
  private static void curveRow(StringBuilder md, double threshold, Outcome o) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %.2f | %d | %.3f | %.3f | %d |%n",
            threshold,
            o.removed(),
            o.precision(),
            o.recall(),
            o.hardNegativeRemovals()));
  }

  /** Verified dedup as each decision threshold moves, then the embedding alone. */
  private void curves(StringBuilder md) {
    md.append("\n### The curve: verified dedup as the pixel-share threshold moves\n\n");
    md.append("| pixel share ≥ | removed | precision | recall | hard negatives removed |\n");
    md.append("|---|---|---|---|---|\n");
    for (double p : new double[] {0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}) {
      curveRow(md, p, check.verified(defaults.withPhotometric(p, defaults.minCorrelation())));
    }
    md.append(
        "\n| weak fits (< "
            + defaults.confidentInliers()
            + " inliers) correlate ≥ | removed "
            + "| precision | recall | hard negatives removed | synthetic pictures removed |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (double c : new double[] {0.3, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9}) {
      CopyVerifier.Settings s = defaults.withWeakFits(defaults.confidentInliers(), c);
      Outcome o = check.verified(s);
      md.append(
          String.format(
              Locale.ROOT,
              "| %.2f | %d | %.3f | %.3f | %d | %s |%n",
              c,
              o.removed(),
              o.precision(),
              o.recall(),
              o.hardNegativeRemovals(),
              synthetic == null ? "" : String.valueOf(synthetic.verified(s).removed())));
    }
    md.append("\n| min inliers | removed | precision | recall | hard negatives removed |\n");
    md.append("|---|---|---|---|---|\n");
    for (int n : new int[] {6, 8, 10, 15, 20, 30}) {
      Outcome o = check.verified(defaults.withMinInliers(n));
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %.3f | %.3f | %d |%n",
              n,
              o.removed(),
              o.precision(),
              o.recall(),
              o.hardNegativeRemovals()));
    }
    md.append(
        "\n| quick matches ≥ | removed | precision | recall | hard negatives removed | pairs "
            + "fitted |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (int q : new int[] {0, 2, 3, 4, 6, 8}) {
      Outcome o = check.verified(defaults.withMinQuickMatches(q));
      long fitted =
          java.util.Arrays.stream(check.measured()).filter(m -> m.quickMatches() >= q).count();
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %.3f | %.3f | %d | %.2f |%n",
              q,
              o.removed(),
              o.precision(),
              o.recall(),
              o.hardNegativeRemovals(),
              (double) fitted / check.measured().length));
    }
    md.append("\n### The curve: the embedding alone as its threshold moves\n\n");
    md.append("| cosine ≥ | removed | precision | recall | hard negatives removed |\n");
    md.append("|---|---|---|---|---|\n");
    for (double t : new double[] {0.80, 0.85, 0.90, 0.93, 0.95, 0.97, 0.98, 0.99}) {
      curveRow(md, t, check.embeddingOnly(t));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nEmbedding-only pair thresholds on this set: %.4f at "
                + "precision ≥ 0.95, %.4f at ≥ 0.80 (the descriptor's duplicate and eval thresholds, "
                + "the fallback for pictures too featureless to verify).%n",
            embedding95,
            embedding80));
  }

  private static void row(StringBuilder md, String name, Outcome o) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %.3f | %.3f | %d |%n",
            name,
            o.removed(),
            o.right(),
            o.precision(),
            o.recall(),
            o.hardNegativeRemovals()));
  }
}
