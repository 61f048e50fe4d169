package io.winnow.bench;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.dedup.StarGrouping;
import io.winnow.dedup.UnionFind;
import io.winnow.pipeline.embed.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

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
  record Outcome(int removed, int right, int redundant, int hardNegativeRemovals, int kept) {
    double precision() {
      return removed == 0 ? 1 : (double) right / removed;
    }

    double recall() {
      return redundant == 0 ? 1 : (double) right / redundant;
    }
  }

  private final List<CopyPairs.Stored> stored;
  private final List<CopyPairs.Candidate> candidates;
  private final CopyVerifier.Measurements[] measured;
  private final int redundant;

  /** Rechecks (see {@link StarGrouping}) measured so far, by pair. */
  private final Map<Long, CopyVerifier.Measurements> rechecked =
      new java.util.concurrent.ConcurrentHashMap<>();

  VerifiedCopyCheck(List<CopyPairs.Stored> stored, List<CopyPairs.Candidate> candidates) {
    this.stored = stored;
    this.candidates = candidates;
    CopyVerifier measuring = CopyVerifier.with(CopyVerifier.Settings.defaults());
    this.measured = new CopyVerifier.Measurements[candidates.size()];
    IntStream.range(0, candidates.size())
        .parallel()
        .forEach(
            c -> {
              CopyPairs.Candidate p = candidates.get(c);
              measured[c] =
                  measuring.measure(
                      stored.get(p.i()).fingerprint(),
                      stored.get(p.j()).fingerprint(),
                      p.cosine(),
                      31L * p.i() + p.j(),
                      true);
            });
    Set<String> photos = new HashSet<>();
    stored.forEach(s -> photos.add(s.item().photo()));
    this.redundant = stored.size() - photos.size();
  }

  /** Dedup with verification under {@code settings}. */
  Outcome verified(CopyVerifier.Settings settings) {
    CopyVerifier verifier = CopyVerifier.with(settings);
    List<int[]> edges = new ArrayList<>();
    for (int c = 0; c < candidates.size(); c++) {
      if (verifier.decide(measured[c]).copy()) {
        edges.add(new int[] {candidates.get(c).i(), candidates.get(c).j()});
      }
    }
    return star(edges, verifier);
  }

  /** A recheck as dedup makes it: the pair measured (once, cached) and decided. */
  private StarGrouping.Edge recheck(String member, String kept, CopyVerifier verifier) {
    int i = Math.min(Integer.parseInt(member), Integer.parseInt(kept));
    int j = Math.max(Integer.parseInt(member), Integer.parseInt(kept));
    CopyVerifier.Measurements m =
        rechecked.computeIfAbsent(
            pairKey(i, j),
            p ->
                CopyVerifier.with(CopyVerifier.Settings.defaults())
                    .measure(
                        stored.get(i).fingerprint(),
                        stored.get(j).fingerprint(),
                        CopyPairs.dot(stored.get(i).embedding(), stored.get(j).embedding()),
                        31L * i + j,
                        true));
    return verifier.decide(m).copy() ? new StarGrouping.Edge(key(i), key(j), 0, "") : null;
  }

  /** Pairs measured by rechecks so far. */
  int rechecks() {
    return rechecked.size();
  }

  /** The embedding alone: edges at {@code threshold}, components, the largest image kept. */
  Outcome embeddingOnly(double threshold) {
    UnionFind sets = new UnionFind();
    for (CopyPairs.Candidate p : candidates) {
      if (p.byKnn() && p.cosine() >= threshold) {
        sets.union(key(p.i()), key(p.j()));
      }
    }
    Map<String, List<Integer>> components = new HashMap<>();
    sets.components()
        .forEach(
            (member, root) ->
                components
                    .computeIfAbsent(root, r -> new ArrayList<>())
                    .add(Integer.parseInt(member)));
    int removed = 0;
    int right = 0;
    int hard = 0;
    for (List<Integer> members : components.values()) {
      int keep = members.get(0);
      for (int m : members) {
        if (StarGrouping.PREFERRED.compare(node(m), node(keep)) < 0) {
          keep = m;
        }
      }
      for (int m : members) {
        if (m == keep) {
          continue;
        }
        removed++;
        if (photo(m).equals(photo(keep))) {
          right++;
        } else if (stored.get(m).item().kind().equals("hard-negative")) {
          hard++;
        }
      }
    }
    return new Outcome(removed, right, redundant, hard, stored.size() - removed);
  }

  private Outcome star(List<int[]> edges, CopyVerifier verifier) {
    UnionFind sets = new UnionFind();
    for (int[] e : edges) {
      sets.union(key(e[0]), key(e[1]));
    }
    Map<String, String> componentOf = sets.components();
    Map<String, List<StarGrouping.Node>> nodes = new HashMap<>();
    Map<String, List<StarGrouping.Edge>> byComponent = new HashMap<>();
    componentOf.forEach(
        (member, root) ->
            nodes
                .computeIfAbsent(root, r -> new ArrayList<>())
                .add(node(Integer.parseInt(member))));
    for (int[] e : edges) {
      byComponent
          .computeIfAbsent(componentOf.get(key(e[0])), r -> new ArrayList<>())
          .add(new StarGrouping.Edge(key(e[0]), key(e[1]), 0, ""));
    }
    int removed = 0;
    int right = 0;
    int hard = 0;
    for (Map.Entry<String, List<StarGrouping.Node>> c : nodes.entrySet()) {
      for (StarGrouping.Removal r :
          StarGrouping.removals(
              c.getValue(),
              byComponent.getOrDefault(c.getKey(), List.of()),
              (member, kept) -> recheck(member, kept, verifier),
              io.winnow.dedup.DropNearDuplicates.MAX_RECHECKS)) {
        removed++;
        int m = Integer.parseInt(r.removed());
        if (photo(m).equals(photo(Integer.parseInt(r.representative())))) {
          right++;
        } else if (stored.get(m).item().kind().equals("hard-negative")) {
          hard++;
        }
      }
    }
    return new Outcome(removed, right, redundant, hard, stored.size() - removed);
  }

  /** Keys sort like the indices they are, so ties break the same way in both paths. */
  private static String key(int i) {
    return String.format(Locale.ROOT, "%06d", i);
  }

  private StarGrouping.Node node(int i) {
    return new StarGrouping.Node(key(i), stored.get(i).pixels());
  }

  private String photo(int i) {
    return stored.get(i).item().photo();
  }

  /** Per edit: the share of (original, copy) pairs judged copies; -1 marks no candidate pair. */
  Map<String, double[]> perEdit(CopyVerifier.Settings settings, double embeddingThreshold) {
    CopyVerifier verifier = CopyVerifier.with(settings);
    Map<String, int[]> counts = new TreeMap<>();
    Map<Long, Integer> candidateOf = new HashMap<>();
    for (int c = 0; c < candidates.size(); c++) {
      candidateOf.put(pairKey(candidates.get(c).i(), candidates.get(c).j()), c);
    }
    Map<String, Integer> originals = new HashMap<>();
    for (int i = 0; i < stored.size(); i++) {
      if (stored.get(i).item().edit().equals("original")) {
        originals.put(photo(i), i);
      }
    }
    for (int i = 0; i < stored.size(); i++) {
      CopyPairs.Item item = stored.get(i).item();
      Integer original = originals.get(item.photo());
      if (item.edit().equals("original") || original == null) {
        continue;
      }
      String edit = item.edit().contains("+") ? "combo" : item.edit();
      int[] n = counts.computeIfAbsent(edit, e -> new int[3]);
      n[0]++;
      Integer c = candidateOf.get(pairKey(original, i));
      CopyVerifier.Measurements again = rechecked.get(pairKey(original, i));
      if (c == null && again != null) {
        n[1] += verifier.decide(again).copy() ? 1 : 0;
      }
      if (c != null) {
        n[1] += verifier.decide(measured[c]).copy() ? 1 : 0;
        n[2] +=
            candidates.get(c).byKnn() && candidates.get(c).cosine() >= embeddingThreshold ? 1 : 0;
      }
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    counts.forEach(
        (edit, n) ->
            out.put(edit, new double[] {n[0], (double) n[1] / n[0], (double) n[2] / n[0]}));
    return out;
  }

  /** Hard-negative pairs (different photos of one scene) judged copies, of those compared. */
  int[] hardNegativePairs(CopyVerifier.Settings settings, double embeddingThreshold) {
    CopyVerifier verifier = CopyVerifier.with(settings);
    int total = 0;
    int verifiedWrong = 0;
    int embeddingWrong = 0;
    for (int i = 0; i < stored.size(); i++) {
      for (int j = i + 1; j < stored.size(); j++) {
        String a = stored.get(i).item().scene();
        if (!a.isEmpty()
            && a.equals(stored.get(j).item().scene())
            && stored.get(i).item().edit().equals("original")
            && stored.get(j).item().edit().equals("original")) {
          total++;
        }
      }
    }
    for (int c = 0; c < candidates.size(); c++) {
      CopyPairs.Candidate p = candidates.get(c);
      CopyPairs.Item a = stored.get(p.i()).item();
      CopyPairs.Item b = stored.get(p.j()).item();
      if (!a.scene().isEmpty()
          && a.scene().equals(b.scene())
          && a.edit().equals("original")
          && b.edit().equals("original")) {
        verifiedWrong += verifier.decide(measured[c]).copy() ? 1 : 0;
        embeddingWrong += p.byKnn() && p.cosine() >= embeddingThreshold ? 1 : 0;
      }
    }
    for (Map.Entry<Long, CopyVerifier.Measurements> r : rechecked.entrySet()) {
      CopyPairs.Item a = stored.get((int) (r.getKey() >>> 32)).item();
      CopyPairs.Item b = stored.get((int) (long) r.getKey()).item();
      if (!a.scene().isEmpty()
          && a.scene().equals(b.scene())
          && a.edit().equals("original")
          && b.edit().equals("original")) {
        verifiedWrong += verifier.decide(r.getValue()).copy() ? 1 : 0;
      }
    }
    return new int[] {total, verifiedWrong, embeddingWrong};
  }

  private static long pairKey(int i, int j) {
    return i < j ? ((long) i << 32) | j : ((long) j << 32) | i;
  }

  /** The lowest cosine whose pairs at or above it are at least {@code precision} true copies. */
  double embeddingThresholdAt(double precision) {
    List<CopyPairs.Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort((a, b) -> Float.compare(b.cosine(), a.cosine()));
    int tp = 0;
    int n = 0;
    double best = 1;
    for (CopyPairs.Candidate p : sorted) {
      n++;
      if (photo(p.i()).equals(photo(p.j()))) {
        tp++;
      }
      if ((double) tp / n >= precision) {
        best = p.cosine();
      }
    }
    return best;
  }

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
    VerifiedCopyCheck check = new VerifiedCopyCheck(stored, candidates);
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
    VerifiedCopyCheck synthetic = null;
    if (distinct != null) {
      List<CopyPairs.Stored> pictures =
          CopyPairs.store(distinct.getParent(), CopyPairs.readLabels(distinct), model);
      synthetic = new VerifiedCopyCheck(pictures, CopyPairs.candidates(pictures, k, floor));
    }
    CopyVerifier.Settings defaults = CopyVerifier.Settings.defaults();
    if (pixelShare != null) {
      defaults = defaults.withPhotometric(pixelShare, defaults.minCorrelation());
    }
    double modelThreshold = model.descriptor().duplicateThreshold();
    double embedding95 = check.embeddingThresholdAt(0.95);
    double embedding80 = check.embeddingThresholdAt(0.80);
    long photos = stored.stream().map(s -> s.item().photo()).distinct().count();
    long hardNegatives =
        stored.stream().filter(s -> s.item().kind().equals("hard-negative")).count();
    long copies =
        candidates.stream()
            .filter(p -> stored.get(p.i()).item().photo().equals(stored.get(p.j()).item().photo()))
            .count();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Model `%s`; %d images of %d photos (%d of them hard "
                + "negatives), %d redundant images; %d candidate pairs (k = %d at cosine ≥ %.2f, or "
                + "PDQ ≤ 31), %d of them copies. Stored at %.1f ms/image (decode, fingerprint, "
                + "embed); verified as dedup verifies at %.2f ms/pair, measured in full for the "
                + "curves at %.2f ms/pair (one core).%n%n",
            model.descriptor().name(),
            stored.size(),
            photos,
            hardNegatives,
            check.redundant,
            candidates.size(),
            k,
            floor,
            copies,
            (t1 - t0) / 1e6 / stored.size(),
            verifyMs,
            (t3 - t2)
                / 1e6
                / Math.max(1, candidates.size())
                * Runtime.getRuntime().availableProcessors()));

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
              synthetic.stored.size(),
              synthetic.candidates.size(),
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

    md.append("\n### The curve: verified dedup as the pixel-share threshold moves\n\n");
    md.append("| pixel share ≥ | removed | precision | recall | hard negatives removed |\n");
    md.append("|---|---|---|---|---|\n");
    for (double p : new double[] {0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}) {
      Outcome o = check.verified(defaults.withPhotometric(p, defaults.minCorrelation()));
      md.append(
          String.format(
              Locale.ROOT,
              "| %.2f | %d | %.3f | %.3f | %d |%n",
              p,
              o.removed(),
              o.precision(),
              o.recall(),
              o.hardNegativeRemovals()));
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
          java.util.Arrays.stream(check.measured).filter(m -> m.quickMatches() >= q).count();
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %.3f | %.3f | %d | %.2f |%n",
              q,
              o.removed(),
              o.precision(),
              o.recall(),
              o.hardNegativeRemovals(),
              (double) fitted / check.measured.length));
    }
    md.append("\n### The curve: the embedding alone as its threshold moves\n\n");
    md.append("| cosine ≥ | removed | precision | recall | hard negatives removed |\n");
    md.append("|---|---|---|---|---|\n");
    for (double t : new double[] {0.80, 0.85, 0.90, 0.93, 0.95, 0.97, 0.98, 0.99}) {
      Outcome o = check.embeddingOnly(t);
      md.append(
          String.format(
              Locale.ROOT,
              "| %.2f | %d | %.3f | %.3f | %d |%n",
              t,
              o.removed(),
              o.precision(),
              o.recall(),
              o.hardNegativeRemovals()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nEmbedding-only pair thresholds on this set: %.4f at "
                + "precision ≥ 0.95, %.4f at ≥ 0.80 (the descriptor's duplicate and eval thresholds, "
                + "the fallback for pictures too featureless to verify).%n",
            embedding95,
            embedding80));
    System.out.print(md);
    if (pairs != null) {
      check.writePairs(pairs, defaults);
    }
    if (write) {
      Outcome o = check.verified(defaults);
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

  /** Every candidate with what was measured, as TSV, for a closer look. */
  void writePairs(Path file, CopyVerifier.Settings settings) throws java.io.IOException {
    CopyVerifier verifier = CopyVerifier.with(settings);
    StringBuilder out =
        new StringBuilder(
            "file_i\tfile_j\tcopy\tedit_i\tedit_j\tscene\tcosine"
                + "\tpdq\tinliers\tmatches\tspread\tmirrored\tkp_coverage\tkp_pixels\tkp_corr"
                + "\tpdq_pixels\tpdq_corr\tverdict\tevidence\n");
    for (int c = 0; c < candidates.size(); c++) {
      CopyPairs.Candidate p = candidates.get(c);
      CopyPairs.Item a = stored.get(p.i()).item();
      CopyPairs.Item b = stored.get(p.j()).item();
      CopyVerifier.Measurements m = measured[c];
      CopyVerifier.Verdict v = verifier.decide(m);
      out.append(
              String.join(
                  "\t",
                  a.file(),
                  b.file(),
                  String.valueOf(a.photo().equals(b.photo())),
                  a.edit(),
                  b.edit(),
                  a.scene().equals(b.scene()) ? a.scene() : "",
                  String.format(Locale.ROOT, "%.4f", p.cosine()),
                  String.valueOf(m.pdqDistance()),
                  String.valueOf(m.inliers()),
                  String.valueOf(m.matches()),
                  String.format(Locale.ROOT, "%.3f", m.spread()),
                  String.valueOf(m.mirrored()),
                  m.keypointLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.keypointLook().coverage()),
                  m.keypointLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.keypointLook().pixelShare()),
                  m.keypointLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.keypointLook().correlation()),
                  m.pdqLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.pdqLook().pixelShare()),
                  m.pdqLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.pdqLook().correlation()),
                  String.valueOf(v.copy()),
                  v.evidence().name()))
          .append('\n');
    }
    Files.writeString(file, out);
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
