package io.winnow.cli;

import io.winnow.pipeline.RetrievalSettings;
import io.winnow.retrieval.BalancedSpec;
import io.winnow.retrieval.SeedSetSpec;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The run options of seed retrieval and balanced sampling: its {@link RetrievalSettings}. */
final class RetrievalOptions {
  @Option(
      names = "--seed-set",
      paramLabel = "NAME=LOCATION[;key=value...]",
      description =
          "A curated seed set (folder, glob or URL list): keep the pool images it "
              + "selects. Options: mode=knn|cluster, k (4), min-similarity, clusters, per-cluster "
              + "(10000), min-seeds (3), cap (1000000), sampling-seed. Repeatable.")
  List<String> seedSets = List.of();

  @Option(
      names = "--balanced",
      paramLabel = "clusters=K1,K2,...;target=N",
      description =
          "Seed-free curation: hierarchical k-means of the pool and balanced sampling "
              + "to N images (with seed sets: their union).")
  String balanced;

  /** The retrieval settings, or null when neither seed sets nor balanced sampling are asked. */
  RetrievalSettings settings() {
    return seedSets.isEmpty() && balanced == null
        ? null
        : new RetrievalSettings(
            seedSets.stream().map(SeedSetSpec::parse).map(RetrievalOptions::absolute).toList(),
            balanced == null ? null : BalancedSpec.parse(balanced));
  }

  /** A local seed set by its absolute path, as the workers may run in another directory. */
  private static SeedSetSpec absolute(SeedSetSpec spec) {
    return spec.location().contains("://")
        ? spec
        : new SeedSetSpec(
            spec.name(),
            Path.of(spec.location()).toAbsolutePath().toString(),
            spec.mode(),
            spec.k(),
            spec.minSimilarity(),
            spec.clusters(),
            spec.perCluster(),
            spec.minSeeds(),
            spec.cap(),
            spec.samplingSeed());
  }
}
