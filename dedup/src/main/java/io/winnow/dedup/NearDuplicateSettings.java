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
    long maxEdges,
    boolean exactSearch,
    int partitionSize,
    int examplesPerBand)
    implements Serializable {
  NearDuplicateSettings {
    if (dimension < 1
        || k < 1
        || maxEdges < 1
        || !(threshold > -1 && threshold <= 1)
        || !(candidateFloor > -1 && candidateFloor <= 1)) {
      throw new IllegalArgumentException(
          "dimension, k and max edges must be positive and the "
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
        20_000_000L,
        false,
        2_000,
        2);
  }

  private NearDuplicateSettings copy(
      double floor,
      CopyVerifier.Settings settings,
      int neighbours,
      long edges,
      boolean exact,
      int size,
      int examples) {
    return new NearDuplicateSettings(
        dimension, threshold, floor, settings, verify, neighbours, edges, exact, size, examples);
  }

  NearDuplicateSettings withCandidateFloor(double floor) {
    return copy(floor, verification, k, maxEdges, exactSearch, partitionSize, examplesPerBand);
  }

  /** The verifier's fallback cosine is always this transform's threshold. */
  NearDuplicateSettings withVerification(CopyVerifier.Settings settings) {
    return copy(
        candidateFloor,
        settings.withFallbackCosine(threshold),
        k,
        maxEdges,
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
        maxEdges,
        exactSearch,
        partitionSize,
        examplesPerBand);
  }

  NearDuplicateSettings withK(int neighbours) {
    return copy(
        candidateFloor,
        verification,
        neighbours,
        maxEdges,
        exactSearch,
        partitionSize,
        examplesPerBand);
  }

  NearDuplicateSettings withMaxEdges(long edges) {
    return copy(
        candidateFloor, verification, k, edges, exactSearch, partitionSize, examplesPerBand);
  }

  NearDuplicateSettings withExactSearch(boolean exact) {
    return copy(candidateFloor, verification, k, maxEdges, exact, partitionSize, examplesPerBand);
  }

  NearDuplicateSettings withExamplesPerBand(int count) {
    return copy(candidateFloor, verification, k, maxEdges, exactSearch, partitionSize, count);
  }

  NearDuplicateSettings withPartitionSize(int size) {
    return copy(candidateFloor, verification, k, maxEdges, exactSearch, size, examplesPerBand);
  }
}
