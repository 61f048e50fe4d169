package io.winnow.retrieval;

import io.winnow.faiss.Metric;
import io.winnow.faiss.Neighbors;
import io.winnow.faiss.VectorIndex;
import java.util.Random;

/**
 * Spherical k-means with k-means++ seeding (as the reference implementation of Vo et al. 2024
 * uses), for the single-worker steps of balanced curation. FAISS 1.7.3's k-means seeds with random
 * points, which puts seeds in proportion to density: large concepts get split and small ones
 * merged, the bias balanced curation exists to remove. k-means++ seeds far from the seeds already
 * chosen. Assignment steps use a FAISS flat index; seeding costs n·k·d in Java, fine for the ≤
 * 100,000-point samples this runs on.
 */
final class SphericalKMeans {
  static final int ITERATIONS = 25;

  private SphericalKMeans() {}

  static float[] train(float[] x, int dimension, int k, long seed) {
    int n = x.length / dimension;
    k = Math.min(k, n);
    if (k < 2) {
      return new float[0];
    }
    Random random = new Random(seed);
    float[] centroids = new float[k * dimension];
    // k-means++: each next seed drawn with probability proportional to its squared distance
    // (2 - 2 cos, on the unit sphere) to the nearest seed so far.
    double[] dist = new double[n];
    int first = random.nextInt(n);
    System.arraycopy(x, first * dimension, centroids, 0, dimension);
    for (int i = 0; i < n; i++) {
      dist[i] = Math.max(0, 2 - 2 * dot(x, i, centroids, 0, dimension));
    }
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (double d : dist) {
        total += d;
      }
      int pick;
      if (total <= 0) {
        pick = random.nextInt(n);
      } else {
        double r = random.nextDouble() * total;
        pick = 0;
        for (double acc = dist[0]; acc < r && pick < n - 1; acc += dist[++pick]) {
          // walk to the chosen point
        }
      }
      System.arraycopy(x, pick * dimension, centroids, c * dimension, dimension);
      for (int i = 0; i < n; i++) {
        dist[i] = Math.min(dist[i], Math.max(0, 2 - 2 * dot(x, i, centroids, c, dimension)));
      }
    }
    // Lloyd iterations: assign by cosine, centroids are normalised means.
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      int[] label = assign(x, centroids, dimension, n);
      double[] sums = new double[k * dimension];
      int[] sizes = new int[k];
      for (int i = 0; i < n; i++) {
        sizes[label[i]]++;
        for (int j = 0; j < dimension; j++) {
          sums[label[i] * dimension + j] += x[i * dimension + j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (sizes[c] == 0) {
          // An empty cluster takes a random point: rare with k-means++ seeding.
          System.arraycopy(x, random.nextInt(n) * dimension, centroids, c * dimension, dimension);
          continue;
        }
        double norm = 0;
        for (int j = 0; j < dimension; j++) {
          norm += sums[c * dimension + j] * sums[c * dimension + j];
        }
        double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (int j = 0; j < dimension; j++) {
          centroids[c * dimension + j] = (float) (sums[c * dimension + j] * inv);
        }
      }
    }
    return centroids;
  }

  static int[] assign(float[] x, float[] centroids, int dimension, int n) {
    int[] label = new int[n];
    try (VectorIndex index = VectorIndex.flat(dimension, Metric.INNER_PRODUCT)) {
      index.add(centroids);
      Neighbors nearest = index.search(x, 1);
      for (int i = 0; i < n; i++) {
        label[i] = (int) Math.max(0, nearest.label(i, 0));
      }
    }
    return label;
  }

  private static double dot(float[] x, int i, float[] c, int j, int dimension) {
    double s = 0;
    int a = i * dimension;
    int b = j * dimension;
    for (int t = 0; t < dimension; t++) {
      s += x[a + t] * c[b + t];
    }
    return s;
  }
}
