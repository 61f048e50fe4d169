package io.winnow.faiss;

/**
 * The k nearest neighbours of each query, row-major: query {@code q}'s {@code i}-th neighbour is at
 * {@code q * k + i}. Missing neighbours (fewer than k vectors reachable) have label -1. Scores are
 * FAISS's: inner products, or squared L2 distances.
 */
public record Neighbors(int queries, int k, long[] labels, float[] scores) {
  public long label(int query, int rank) {
    return labels[query * k + rank];
  }

  public float score(int query, int rank) {
    return scores[query * k + rank];
  }
}
