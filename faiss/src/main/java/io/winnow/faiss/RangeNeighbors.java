package io.winnow.faiss;

/**
 * All neighbours within a radius, per query: query {@code q}'s hits are entries {@code limits[q]}
 * (inclusive) to {@code limits[q + 1]} (exclusive) of labels and scores, in no particular order.
 */
public record RangeNeighbors(long[] limits, long[] labels, float[] scores) {
  public int queries() {
    return limits.length - 1;
  }

  public int count(int query) {
    return (int) (limits[query + 1] - limits[query]);
  }
}
