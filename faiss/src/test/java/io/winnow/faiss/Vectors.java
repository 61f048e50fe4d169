package io.winnow.faiss;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/** Fixed test data and a brute-force reference to check FAISS against. */
final class Vectors {
  private Vectors() {}

  static float[] gaussian(int n, int d, long seed) {
    Random random = new Random(seed);
    float[] out = new float[n * d];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }

  static float[] normalized(float[] vectors, int d) {
    float[] out = vectors.clone();
    for (int row = 0; row < out.length / d; row++) {
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += out[row * d + j] * out[row * d + j];
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < d; j++) {
        out[row * d + j] *= scale;
      }
    }
    return out;
  }

  static double score(float[] base, int i, float[] queries, int q, int d, Metric metric) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double a = base[i * d + j];
      double b = queries[q * d + j];
      s += metric == Metric.INNER_PRODUCT ? a * b : (a - b) * (a - b);
    }
    return s;
  }

  /** Exact top-k labels per query, computed in double precision. */
  static long[][] bruteForce(float[] base, float[] queries, int d, int k, Metric metric) {
    int n = base.length / d;
    int nq = queries.length / d;
    long[][] out = new long[nq][];
    for (int q = 0; q < nq; q++) {
      final int query = q;
      double[] scores = new double[n];
      for (int i = 0; i < n; i++) {
        scores[i] = score(base, i, queries, q, d, metric);
      }
      Comparator<Integer> order = Comparator.comparingDouble(i -> scores[i]);
      if (metric == Metric.INNER_PRODUCT) {
        order = order.reversed();
      }
      out[query] =
          IntStream.range(0, n)
              .boxed()
              .sorted(order)
              .limit(k)
              .mapToLong(Integer::longValue)
              .toArray();
    }
    return out;
  }

  static double recall(Neighbors found, long[][] truth) {
    int hits = 0;
    int total = 0;
    for (int q = 0; q < truth.length; q++) {
      long[] expected = truth[q];
      for (int r = 0; r < found.k(); r++) {
        long label = found.label(q, r);
        if (Arrays.stream(expected).anyMatch(e -> e == label)) {
          hits++;
        }
      }
      total += expected.length;
    }
    return (double) hits / total;
  }
}
