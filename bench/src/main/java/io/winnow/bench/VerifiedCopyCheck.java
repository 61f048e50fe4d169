package io.winnow.bench;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.inference.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Copy detection on a labelled dev set (see {@code bench/copy-devset/}), as dedup runs it: every
 * image stored as the pipeline stores it, candidates from the embedding's k-NN (the pipeline's k,
 * cosine ≥ the candidate floor) and from PDQ, each candidate verified, then the star rule over the
 * components of the verified edges. Beside it, the embedding alone (edges at a cosine threshold,
 * connected components, the largest image kept), which is what dedup did before verification.
 *
 * <p>A removal is right when the image it names as representative is of the same photo. Recall is
 * the share of redundant images removed (a perfect run keeps one image per photo; hard negatives
 * are each their own photo). Per edit: the share of (original, edited copy) pairs judged copies.
 * Prints markdown; the decision thresholds are swept so the curve shows.
 *
 * <pre>VerifiedCopyCheck LABELS.csv MODEL [--floor COSINE] [--k NEIGHBOURS] [--pixel-share P]
 *     [--pairs FILE.tsv] [--write-thresholds]</pre>
 */
public final class VerifiedCopyCheck {
  private VerifiedCopyCheck() {}

  public static void main(String[] args) throws Exception {
    Path labels = Path.of(args[0]);
    String modelLocation = args[1];
    double floor = 0.5;
    Double pixelShare = null;
    Path pairs = null;
    boolean write = false;
    Path distinct = null;
    // As the pipeline: the nearest DEFAULT_VERIFIED_NEIGHBOURS are verified.
    int k = io.winnow.dedup.DropNearDuplicates.DEFAULT_VERIFIED_NEIGHBOURS;
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--floor" -> floor = Double.parseDouble(args[++i]);
        case "--pixel-share" -> pixelShare = Double.parseDouble(args[++i]);
        case "--pairs" -> pairs = Path.of(args[++i]);
        case "--write-thresholds" -> write = true;
        case "--k" -> k = Integer.parseInt(args[++i]);
        case "--distinct" -> distinct = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    EmbeddingModel model = EmbeddingModel.load(modelLocation);
    List<CopyPairs.Item> items = CopyPairs.readLabels(labels);
    long t0 = System.nanoTime();
    List<CopyPairs.Stored> stored = CopyPairs.store(labels.getParent(), items, model);
    long t1 = System.nanoTime();
    List<CopyPairs.Candidate> candidates = CopyPairs.candidates(stored, k, floor);
    long t2 = System.nanoTime();
    LabelledDedup check = new LabelledDedup(stored, candidates);
    long t3 = System.nanoTime();
    // As dedup verifies (the first picture without its mirror view, checks that cannot change
    // the verdict skipped), on one core.
    CopyVerifier asDedup = CopyVerifier.with(CopyVerifier.Settings.defaults());
    long v0 = System.nanoTime();
    for (CopyPairs.Candidate p : candidates) {
      asDedup.verify(
          stored.get(p.i()).fingerprint().withoutMirror(),
          stored.get(p.j()).fingerprint(),
          p.cosine(),
          31L * p.i() + p.j());
    }
    double verifyMs = (System.nanoTime() - v0) / 1e6 / Math.max(1, candidates.size());
    LabelledDedup synthetic = null;
    if (distinct != null) {
      List<CopyPairs.Stored> pictures =
          CopyPairs.store(distinct.getParent(), CopyPairs.readLabels(distinct), model);
      synthetic = new LabelledDedup(pictures, CopyPairs.candidates(pictures, k, floor));
    }
    CopyVerifier.Settings defaults = CopyVerifier.Settings.defaults();
    if (pixelShare != null) {
      defaults = defaults.withPhotometric(pixelShare, defaults.minCorrelation());
    }
    double modelThreshold = model.descriptor().duplicateThreshold();
    double embedding95 = check.embeddingThresholdAt(0.95);
    double embedding80 = check.embeddingThresholdAt(0.80);
    System.out.print(
        new CopyCheckReport(
                model.descriptor().name(),
                modelThreshold,
                check,
                synthetic,
                k,
                floor,
                defaults,
                (t1 - t0) / 1e6 / stored.size(),
                verifyMs,
                (t3 - t2)
                    / 1e6
                    / Math.max(1, candidates.size())
                    * Runtime.getRuntime().availableProcessors(),
                embedding95,
                embedding80)
            .markdown());
    if (pairs != null) {
      CandidatePairsTsv.write(pairs, check, defaults);
    }
    if (write) {
      writeThresholds(modelLocation, check, defaults, embedding95, embedding80);
    }
  }

  /**
   * {@code --write-thresholds}: the embedding-only thresholds measured here go into the model's
   * descriptor, with where they come from.
   */
  private static void writeThresholds(
      String modelLocation,
      LabelledDedup check,
      CopyVerifier.Settings defaults,
      double embedding95,
      double embedding80)
      throws IOException {
    List<CopyPairs.Stored> stored = check.stored();
    LabelledDedup.Outcome o = check.verified(defaults);
    Path json =
        Files.isDirectory(Path.of(modelLocation))
            ? Path.of(modelLocation).resolve("model.json")
            : Path.of(modelLocation);
    io.winnow.schemas.ModelDescriptor d =
        io.winnow.schemas.Json.mapper()
            .readValue(json.toFile(), io.winnow.schemas.ModelDescriptor.class);
    String source =
        String.format(
            Locale.ROOT,
            "measured %s by bench/copy-detection.sh on the "
                + "copy dev set (%d images): duplicate = the cosine at which the embedding alone is "
                + "95%% precise on candidate pairs (the fallback for pictures too featureless to "
                + "verify), eval = 80%%; verified dedup at the defaults: precision %.3f, recall %.3f",
            java.time.LocalDate.now(),
            stored.size(),
            o.precision(),
            o.recall());
    Files.writeString(
        json,
        io.winnow.schemas.Json.writePretty(
                d.withThresholds(
                    Math.round(embedding95 * 1e4) / 1e4,
                    Math.round(embedding80 * 1e4) / 1e4,
                    source))
            + "\n");
  }
}
