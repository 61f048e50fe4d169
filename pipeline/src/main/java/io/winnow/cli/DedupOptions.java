package io.winnow.cli;

import io.winnow.pipeline.DedupSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** The run options of dedup and decontamination against eval sets: its {@link DedupSettings}. */
final class DedupOptions {
  @Option(
      names = "--no-dedup",
      defaultValue = "false",
      description = "Keep exact and near duplicates.")
  boolean noDedup;

  @Option(
      names = "--dedup-threshold",
      paramLabel = "COSINE",
      description =
          "Near-duplicate cosine similarity (pairs at or above it). Default: the "
              + "model's duplicate_threshold.")
  double dedupThreshold;

  @Option(
      names = "--dedup-candidate-floor",
      paramLabel = "COSINE",
      description =
          "Embedding neighbours at or above this cosine are verified as copies "
              + "(keypoints, PDQ, photometric check). Default: 0.5, or the threshold if lower.")
  double dedupCandidateFloor;

  @Option(
      names = "--no-dedup-verify",
      defaultValue = "false",
      description =
          "Decide near-duplicates by the embedding's cosine alone (the threshold), "
              + "without verifying candidate pairs.")
  boolean noDedupVerify;

  @Option(
      names = "--dedup-k",
      paramLabel = "K",
      description =
          "Neighbours per image in the k-NN graph, each pair verified. Default: ${DEFAULT-VALUE} "
              + "(DINOv2 used 64 without verification; 64 costs four times as much).")
  int dedupK;

  @Option(
      names = "--dedup-component-rounds",
      paramLabel = "N",
      description =
          "Rounds of large-star/small-star that find near-duplicate groups across the "
              + "cluster; a graph that needs more fails the run saying so. Default: ${DEFAULT-VALUE}.")
  int dedupComponentRounds;

  @Option(
      names = "--dedup-partition-size",
      paramLabel = "N",
      description =
          "About how many embeddings each k-NN partition holds; larger cells are split again on "
              + "the workers, so this holds at any size. Default: ${DEFAULT-VALUE}.")
  int dedupPartitionSize;

  @Option(
      names = "--dedup-probes",
      paramLabel = "N",
      description =
          "First-level k-NN cells each image's neighbours are looked for in (more: higher "
              + "recall, proportionally more search). Default: ${DEFAULT-VALUE}.")
  int dedupProbes;

  @Option(
      names = "--eval-set",
      paramLabel = "NAME=LOCATION",
      description =
          "An evaluation set to remove pool images too similar to: a folder or glob "
              + "of image files, or a URL list file (.txt/.csv/.tsv/.jsonl/.parquet), fetched like "
              + "the pool. Repeatable.")
  List<String> evalSets = List.of();

  @Option(
      names = "--eval-threshold",
      paramLabel = "COSINE",
      description =
          "Pool images at or above this similarity to an eval image are removed. "
              + "Default: the model's eval_threshold.")
  double evalThreshold;

  /**
   * The dedup settings, or null with {@code --no-dedup}. Without embeddings a run has no dedup; a
   * refresh of a dataset still drops byte copies.
   */
  DedupSettings settings() {
    return noDedup
        ? null
        : new DedupSettings(
            dedupThreshold,
            dedupCandidateFloor,
            !noDedupVerify,
            dedupK,
            dedupComponentRounds,
            dedupPartitionSize,
            dedupProbes,
            evalSets,
            evalThreshold);
  }
}
