package io.winnow.pipeline;

import java.io.Serializable;
import java.util.List;

/**
 * How duplicates are removed (see {@code DropNearDuplicates}).
 *
 * @param threshold cosine similarity at or above which the embedding alone makes two images
 *     near-duplicates (pictures too featureless to verify, or {@code verify} off); NaN takes the
 *     model descriptor's {@code duplicate_threshold}
 * @param candidateFloor cosine from which embedding neighbours are verified as copies; NaN takes
 *     {@code DropNearDuplicates.DEFAULT_CANDIDATE_FLOOR} (or the threshold, if lower)
 * @param verify whether candidate pairs are verified (keypoints, PDQ, photometric check); off, the
 *     embedding's cosine decides alone at {@code threshold}
 * @param k neighbours per image in the k-NN graph, each pair verified (DINOv2 used 64, without
 *     verification)
 * @param componentRounds rounds of the distributed connected components (large-star/small-star)
 * @param partitionSize about how many vectors each k-NN partition holds (see {@code KnnJoin})
 * @param probes first-level k-NN cells each image's neighbours are looked for in
 * @param evalSets evaluation sets to decontaminate against, each {@code NAME=LOCATION}: a folder or
 *     glob of image files, or a URL list (see {@link io.winnow.crawl.read.ReadImageSet})
 * @param evalThreshold cosine at or above which a pool image is too close to an eval image; NaN
 *     takes the model descriptor's {@code eval_threshold}
 */
public record DedupSettings(
    double threshold,
    double candidateFloor,
    boolean verify,
    int k,
    int componentRounds,
    int partitionSize,
    int probes,
    List<String> evalSets,
    double evalThreshold)
    implements Serializable {
  public DedupSettings {
    evalSets = List.copyOf(evalSets);
    for (String set : evalSets) {
      int eq = set.indexOf('=');
      if (eq < 1 || eq == set.length() - 1) {
        throw new IllegalArgumentException(
            "an eval set is NAME=FOLDER_GLOB_OR_URL_LIST, got '" + set + "'");
      }
    }
    if (!Double.isNaN(evalThreshold) && !(evalThreshold > -1 && evalThreshold <= 1)) {
      throw new IllegalArgumentException("the eval threshold is a cosine within (-1, 1]");
    }
    if (!Double.isNaN(threshold) && !(threshold > -1 && threshold <= 1)) {
      throw new IllegalArgumentException("the dedup threshold is a cosine within (-1, 1]");
    }
    if (!Double.isNaN(candidateFloor) && !(candidateFloor > -1 && candidateFloor <= 1)) {
      throw new IllegalArgumentException("the dedup candidate floor is a cosine within (-1, 1]");
    }
    if (k < 1 || componentRounds < 1 || partitionSize < 1 || probes < 1) {
      throw new IllegalArgumentException(
          "dedup k, component rounds, partition size and probes must be positive");
    }
  }

  public static DedupSettings defaults() {
    return new DedupSettings(
        Double.NaN,
        Double.NaN,
        true,
        io.winnow.dedup.DropNearDuplicates.DEFAULT_VERIFIED_NEIGHBOURS,
        io.winnow.dedup.ConnectedComponents.DEFAULT_ROUNDS,
        io.winnow.dedup.DropNearDuplicates.DEFAULT_PARTITION_SIZE,
        io.winnow.dedup.DropNearDuplicates.DEFAULT_PROBES,
        List.of(),
        Double.NaN);
  }

  public double thresholdFor(double modelDefault) {
    return Double.isNaN(threshold) ? modelDefault : threshold;
  }

  public double evalThresholdFor(double modelDefault) {
    return Double.isNaN(evalThreshold) ? modelDefault : evalThreshold;
  }

  public DedupSettings withComponentRounds(int rounds) {
    return new DedupSettings(
        threshold,
        candidateFloor,
        verify,
        k,
        rounds,
        partitionSize,
        probes,
        evalSets,
        evalThreshold);
  }

  public DedupSettings withEvalSets(List<String> sets, double threshold) {
    return new DedupSettings(
        this.threshold,
        candidateFloor,
        verify,
        k,
        componentRounds,
        partitionSize,
        probes,
        sets,
        threshold);
  }
}
