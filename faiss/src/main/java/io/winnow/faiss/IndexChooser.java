package io.winnow.faiss;

import java.util.Locale;

/**
 * Picks an index for {@code n} vectors of dimension {@code d} within a memory budget, the way
 * autofaiss does, from the most exact to the most compact:
 *
 * <ol>
 *   <li><b>Flat</b> (exact) when n ≤ 50,000 and the raw vectors fit: brute force is fast enough and
 *       nothing is approximate;
 *   <li><b>HNSW32</b> when the vectors plus the graph (32 × 2 links of 4 bytes per vector) fit and
 *       n ≤ 10 M: best recall per query time in memory;
 *   <li><b>IVF{nlist},Flat</b> when n < 1 M and the vectors fit: cheap to build, exact within the
 *       visited cells;
 *   <li><b>IVF{nlist}_HNSW32,PQ{m}np</b> otherwise: product-quantized codes of m bytes, with the
 *       largest m (a divisor of d, at most d / 2) whose codes fit, and an HNSW coarse quantizer so
 *       that large nlist stays fast to assign ({@code np}: no polysemous training, which costs much
 *       and helps only polysemous search).
 * </ol>
 *
 * nlist is the power of two nearest 4·√n (at least 16, at most 65,536), the usual rule; nprobe
 * defaults to nlist / 64 (at least 8), efSearch to 64.
 */
public final class IndexChooser {
  private static final long FLAT_LIMIT = 50_000;
  private static final long HNSW_LIMIT = 10_000_000;
  private static final long IVF_FLAT_LIMIT = 1_000_000;
  private static final int HNSW_M = 32;

  private IndexChooser() {}

  /** A choice: a factory string, search parameters, the memory it needs, and why. */
  public record Choice(String factory, int nprobe, int efSearch, long bytes, String reason) {
    /** Builds the chosen (empty) index with its search parameters set. */
    public VectorIndex create(int dimension, Metric metric) {
      VectorIndex index = VectorIndex.create(dimension, factory, metric);
      if (nprobe > 0) {
        index.setNprobe(nprobe);
      }
      if (efSearch > 0) {
        index.setEfSearch(efSearch);
      }
      return index;
    }

    /** Whether the index must be trained (IVF and PQ indexes) before vectors are added. */
    public boolean needsTraining() {
      return factory.startsWith("IVF");
    }
  }

  public static Choice choose(long n, int d, long memoryBudgetBytes) {
    if (n < 1 || d < 1 || memoryBudgetBytes < 1) {
      throw new IllegalArgumentException("n, d and the memory budget must be positive");
    }
    long raw = n * d * 4L;
    if (n <= FLAT_LIMIT && raw <= memoryBudgetBytes) {
      return new Choice("Flat", 0, 0, raw, "small enough for exact search");
    }
    long hnsw = raw + n * (2L * HNSW_M * 4 + 16);
    if (n <= HNSW_LIMIT && hnsw <= memoryBudgetBytes) {
      return new Choice("HNSW" + HNSW_M, 0, 64, hnsw, "vectors and graph fit in memory");
    }
    int nlist = nlist(n);
    int nprobe = Math.max(8, nlist / 64);
    long ivfFlat = raw + n * 8L + (long) nlist * d * 4;
    if (n < IVF_FLAT_LIMIT && ivfFlat <= memoryBudgetBytes) {
      return new Choice(
          "IVF" + nlist + ",Flat",
          nprobe,
          0,
          ivfFlat,
          "under 1M vectors: inverted lists over full vectors fit");
    }
    long quantizer = (long) nlist * (d * 4L + 2L * HNSW_M * 4);
    for (int m = d / 2; m >= 1; m--) {
      if (d % m != 0) {
        continue;
      }
      long pq = n * (m + 8L) + quantizer;
      if (pq <= memoryBudgetBytes) {
        return new Choice(
            String.format(Locale.ROOT, "IVF%d_HNSW%d,PQ%dnp", nlist, HNSW_M, m),
            nprobe,
            64,
            pq,
            "compressed to " + m + " bytes per vector to fit the budget");
      }
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "%,d vectors cannot fit in %,d bytes even at 1 byte per vector; shard the data",
            n,
            memoryBudgetBytes));
  }

  static int nlist(long n) {
    double target = 4 * Math.sqrt(n);
    int power = (int) Math.round(Math.log(target) / Math.log(2));
    return Math.max(16, Math.min(65_536, 1 << Math.max(0, power)));
  }
}
