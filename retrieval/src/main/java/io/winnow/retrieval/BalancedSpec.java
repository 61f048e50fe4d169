package io.winnow.retrieval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seed-free curation (Vo et al. 2024, "Automatic data curation for self-supervised learning"):
 * hierarchical k-means of the pool, then balanced sampling down the hierarchy to a target size.
 *
 * <p>Written as {@code clusters=1000,100,10;target=100000[;sampling-seed=N]}: level 1 clusters the
 * pool into 1000, level 2 clusters those 1000 centroids into 100, level 3 into 10.
 *
 * @param clusters cluster counts per level, bottom (the pool) first; each level has fewer
 */
public record BalancedSpec(List<Integer> clusters, long target, long samplingSeed)
    implements Serializable {
  public static final String NAME = "balanced";

  public BalancedSpec {
    clusters = List.copyOf(clusters);
    if (clusters.isEmpty() || target < 1) {
      throw new IllegalArgumentException("balanced sampling needs cluster counts and a target");
    }
    if (clusters.get(0) > BalancedSampling.MAX_LEVEL1_CLUSTERS) {
      // Refused rather than quietly degenerate (issue 15's distributed k-means lifts it).
      throw new IllegalArgumentException(
          "balanced level 1 of "
              + clusters.get(0)
              + " clusters cannot be honoured: it is trained on one worker from a sample of "
              + BalancedSampling.TRAINING_SAMPLE
              + " vectors, at least 39 per centroid, so at most "
              + BalancedSampling.MAX_LEVEL1_CLUSTERS);
    }
    for (int i = 0; i < clusters.size(); i++) {
      if (clusters.get(i) < 1 || (i > 0 && clusters.get(i) >= clusters.get(i - 1))) {
        throw new IllegalArgumentException(
            "balanced cluster counts go down level by level, "
                + "bottom first (e.g. 1000,100,10); got "
                + clusters);
      }
    }
  }

  public static BalancedSpec parse(String text) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String part : text.split(";")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("balanced option '" + part + "' is not key=value");
      }
      options.put(kv[0].strip().toLowerCase(Locale.ROOT), kv[1].strip());
    }
    String clusters = options.remove("clusters");
    String target = options.remove("target");
    String seed = options.remove("sampling-seed");
    if (clusters == null || target == null || !options.isEmpty()) {
      throw new IllegalArgumentException(
          "balanced takes clusters=K1,K2,...;target=N" + "[;sampling-seed=S], got '" + text + "'");
    }
    List<Integer> counts = new ArrayList<>();
    for (String c : clusters.split(",")) {
      counts.add(Integer.parseInt(c.strip()));
    }
    return new BalancedSpec(
        counts, Long.parseLong(target), seed == null ? 0 : Long.parseLong(seed));
  }
}
