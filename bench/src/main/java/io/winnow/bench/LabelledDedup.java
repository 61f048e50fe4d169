package io.winnow.bench;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.dedup.StarGrouping;
import io.winnow.dedup.UnionFind;
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
 * Dedup on a labelled set, both ways, scored against the labels: with verification (every candidate
 * measured once up front, decided under the settings asked for, then the star rule with rechecks
 * over the components of the verified edges) and by the embedding alone (edges at a cosine,
 * connected components, the largest image kept). Rechecks are measured once and kept, so what the
 * per-pair views see depends on the runs made before them.
 */
final class LabelledDedup {
  /** What one run removed, scored against the labels. */
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

  LabelledDedup(List<CopyPairs.Stored> stored, List<CopyPairs.Candidate> candidates) {
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

  List<CopyPairs.Stored> stored() {
    return stored;
  }

  List<CopyPairs.Candidate> candidates() {
    return candidates;
  }

  /** Each candidate's measurements, in candidate order. */
  CopyVerifier.Measurements[] measured() {
    return measured;
  }

  /** Images beyond one per photo: what a perfect run removes. */
  int redundant() {
    return redundant;
  }
}
