package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import java.io.Serializable;

/**
 * The settings of one {@link DropNearDuplicates}: checked once, here, and copied with one change by
 * each of its withers (which document them).
 */
record NearDuplicateSettings(
    int dimension,
    double threshold,
    double candidateFloor,
    CopyVerifier.Settings verification,
    boolean verify,
    int k,
    int componentRounds,
    boolean exactSearch,
    int partitionSize,
    int probes,
    boolean splitCells,
    int examplesPerBand)
    implements Serializable {
  NearDuplicateSettings {
    if (dimension < 1
        || k < 1
        || componentRounds < 1
        || partitionSize < 1
        || probes < 1
        || !(threshold > -1 && threshold <= 1)
        || !(candidateFloor > -1 && candidateFloor <= 1)) {
      throw new IllegalArgumentException(
          "dimension, k, component rounds, partition size and probes must be positive and the "
              + "threshold and candidate floor cosines within (-1, 1]");
    }
  }

  /** The defaults of {@link DropNearDuplicates#with}. */
  static NearDuplicateSettings of(int dimension, double threshold) {
    return new NearDuplicateSettings(
        dimension,
        threshold,
        Math.min(threshold, DropNearDuplicates.DEFAULT_CANDIDATE_FLOOR),
        CopyVerifier.Settings.defaults().withFallbackCosine(threshold),
        true,
        DropNearDuplicates.DEFAULT_VERIFIED_NEIGHBOURS,
        ConnectedComponents.DEFAULT_ROUNDS,
        false,
        DropNearDuplicates.DEFAULT_PARTITION_SIZE,
        DropNearDuplicates.DEFAULT_PROBES,
        false,
        2);
  }

  private NearDuplicateSettings copy(
      double floor,
      CopyVerifier.Settings settings,
      int neighbours,
      int rounds,
      boolean exact,
      int size,
      int examples) {
    return new NearDuplicateSettings(
        dimension,
        threshold,
        floor,
        settings,
        verify,
        neighbours,
        rounds,
        exact,
        size,
        probes,
        splitCells,
        examples);
  }

  NearDuplicateSettings withCandidateFloor(double floor) {
    return copy(
        floor, verification, k, componentRounds, exactSearch, partitionSize, examplesPerBand);
  }

  /** The verifier's fallback cosine is always this transform's threshold. */
  NearDuplicateSettings withVerification(CopyVerifier.Settings settings) {
    return copy(
        candidateFloor,
        settings.withFallbackCosine(threshold),
        k,
        componentRounds,
        exactSearch,
        partitionSize,
        examplesPerBand);
  }

  /** Candidates from the threshold itself: without verification nothing below it can be a copy. */
  NearDuplicateSettings withoutVerification() {
    return new NearDuplicateSettings(
        dimension,
        threshold,
        threshold,
        verification,
        false,
        k,
        componentRounds,
        exactSearch,
        partitionSize,
        probes,
        splitCells,
        examplesPerBand);
  }

  NearDuplicateSettings withK(int neighbours) {
    return copy(
        candidateFloor,
        verification,
        neighbours,
        componentRounds,
        exactSearch,
        partitionSize,
        examplesPerBand);
  }

  NearDuplicateSettings withComponentRounds(int rounds) {
    return copy(
        candidateFloor, verification, k, rounds, exactSearch, partitionSize, examplesPerBand);
  }

  NearDuplicateSettings withExactSearch(boolean exact) {
    return copy(
        candidateFloor, verification, k, componentRounds, exact, partitionSize, examplesPerBand);
  }

  NearDuplicateSettings withExamplesPerBand(int count) {
    return copy(
        candidateFloor, verification, k, componentRounds, exactSearch, partitionSize, count);
  }

  NearDuplicateSettings withPartitionSize(int size) {
    return withKnn(size, probes, splitCells);
  }

  NearDuplicateSettings withProbes(int count) {
    return withKnn(partitionSize, count, splitCells);
  }

  NearDuplicateSettings withSplitCells(boolean split) {
    return withKnn(partitionSize, probes, split);
  }

  /** The k-NN join's settings changed, everything else kept. */
  private NearDuplicateSettings withKnn(int size, int count, boolean split) {
    return new NearDuplicateSettings(
        dimension,
        threshold,
        candidateFloor,
        verification,
        verify,
        k,
        componentRounds,
        exactSearch,
        size,
        count,
        split,
        examplesPerBand);
  }
}
