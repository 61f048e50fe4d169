package io.winnow.retrieval;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One curated seed set and how it retrieves from the pool.
 *
 * <p>Written on the command line as {@code NAME=LOCATION[;key=value...]}, for example {@code
 * imagenet=/data/in1k-urls.txt;mode=knn;k=32} or {@code
 * birds=/data/birds;mode=cluster;clusters=2000;per-cluster=500;min-seeds=3;cap=100000}.
 *
 * @param mode {@code knn}: each seed's {@code k} nearest pool images (DINOv2: 4, 32 for
 *     ImageNet-1k); {@code cluster}: k-means of the pool, then up to {@code perCluster} images from
 *     each cluster holding more than {@code minSeeds} seeds, at most {@code cap} in all
 * @param minSimilarity neighbours below this cosine are not taken (knn); NaN: no floor
 * @param clusters k-means clusters of the pool (cluster); 0: about one per 500 pool images
 * @param samplingSeed makes the cluster sampling reproducible, and different when changed
 */
public record SeedSetSpec(
    String name,
    String location,
    Mode mode,
    int k,
    double minSimilarity,
    int clusters,
    int perCluster,
    int minSeeds,
    long cap,
    long samplingSeed)
    implements Serializable {

  public enum Mode {
    KNN,
    CLUSTER
  }

  public SeedSetSpec {
    if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("a seed set name is letters, digits, '_', '.', '-'");
    }
    if (k < 1 || clusters < 0 || perCluster < 1 || minSeeds < 0 || cap < 1) {
      throw new IllegalArgumentException(
          "seed set "
              + name
              + ": k, per-cluster and cap must be"
              + " positive, clusters and min-seeds not negative");
    }
    if (clusters > io.winnow.knn.TwoLevelClusters.MAX_CLUSTERS) {
      // Refused rather than quietly trained with fewer.
      throw new IllegalArgumentException(
          "seed set "
              + name
              + ": clusters="
              + clusters
              + " cannot be honoured: two-step k-means makes at most "
              + io.winnow.knn.TwoLevelClusters.MAX_CLUSTERS
              + " clusters ("
              + io.winnow.knn.TwoLevelClusters.MAX_FIRST_LEVEL
              + " first-level cells of at most "
              + (io.winnow.knn.TwoLevelClusters.MAX_CLUSTERS
                  / io.winnow.knn.TwoLevelClusters.MAX_FIRST_LEVEL)
              + " each)");
    }
    if (!Double.isNaN(minSimilarity) && !(minSimilarity >= -1 && minSimilarity <= 1)) {
      throw new IllegalArgumentException("seed set " + name + ": min-similarity is a cosine");
    }
  }

  public static SeedSetSpec knn(String name, String location, int k) {
    return new SeedSetSpec(name, location, Mode.KNN, k, Double.NaN, 0, 10_000, 3, 1_000_000L, 0);
  }

  public static SeedSetSpec cluster(
      String name, String location, int clusters, int perCluster, int minSeeds, long cap) {
    return new SeedSetSpec(
        name, location, Mode.CLUSTER, 4, Double.NaN, clusters, perCluster, minSeeds, cap, 0);
  }

  public SeedSetSpec withMinSimilarity(double floor) {
    return new SeedSetSpec(
        name, location, mode, k, floor, clusters, perCluster, minSeeds, cap, samplingSeed);
  }

  /** Parses {@code NAME=LOCATION[;key=value...]}; unknown keys are errors. */
  public static SeedSetSpec parse(String text) {
    String[] parts = text.split(";");
    int eq = parts[0].indexOf('=');
    if (eq <= 0 || eq == parts[0].length() - 1) {
      throw new IllegalArgumentException(
          "a seed set is NAME=LOCATION[;key=value...], got '" + text + "'");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new IllegalArgumentException("seed set option '" + parts[i] + "' is not key=value");
      }
      options.put(kv[0].strip().toLowerCase(Locale.ROOT), kv[1].strip());
    }
    String name = parts[0].substring(0, eq).strip();
    String location = parts[0].substring(eq + 1).strip();
    Mode mode = Mode.valueOf(options.getOrDefault("mode", "knn").toUpperCase(Locale.ROOT));
    SeedSetSpec spec =
        new SeedSetSpec(
            name,
            location,
            mode,
            Integer.parseInt(take(options, "k", "4")),
            Double.parseDouble(take(options, "min-similarity", "NaN")),
            Integer.parseInt(take(options, "clusters", "0")),
            Integer.parseInt(take(options, "per-cluster", "10000")),
            Integer.parseInt(take(options, "min-seeds", "3")),
            Long.parseLong(take(options, "cap", "1000000")),
            Long.parseLong(take(options, "sampling-seed", "0")));
    options.remove("mode");
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "seed set "
              + name
              + ": unknown option(s) "
              + options.keySet()
              + "; known: mode, k, min-similarity, clusters, per-cluster, "
              + "min-seeds, cap, sampling-seed");
    }
    return spec;
  }

  private static String take(Map<String, String> options, String key, String otherwise) {
    String v = options.remove(key);
    return v == null ? otherwise : v;
  }
}
