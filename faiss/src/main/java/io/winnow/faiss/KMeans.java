package io.winnow.faiss;

import io.winnow.faiss.jni.Clustering;
import io.winnow.faiss.jni.ClusteringParameters;
import io.winnow.faiss.jni.FaissIndex;
import io.winnow.faiss.jni.FloatVector;
import io.winnow.faiss.jni.IndexFlatIP;
import io.winnow.faiss.jni.IndexFlatL2;
import io.winnow.faiss.jni.global.faiss;

/**
 * FAISS k-means ({@code faiss::Clustering}): centroids for coarse quantizers, cluster sampling and
 * balanced curation. Seeded, so the same data and settings give the same centroids.
 *
 * @param spherical normalise centroids after each iteration (for cosine / inner product)
 */
public record KMeans(
    int dimension, int k, int iterations, int seed, boolean spherical, int maxPointsPerCentroid) {

  public KMeans {
    if (dimension < 1 || k < 1 || iterations < 1) {
      throw new IllegalArgumentException("dimension, k and iterations must be at least 1");
    }
  }

  /** FAISS's defaults: 25 iterations, at most 256 training points per centroid. */
  public static KMeans of(int dimension, int k) {
    return new KMeans(dimension, k, 25, 1234, false, 256);
  }

  public KMeans withSeed(int seed) {
    return new KMeans(dimension, k, iterations, seed, spherical, maxPointsPerCentroid);
  }

  public KMeans withIterations(int iterations) {
    return new KMeans(dimension, k, iterations, seed, spherical, maxPointsPerCentroid);
  }

  public KMeans asSpherical() {
    return new KMeans(dimension, k, iterations, seed, true, maxPointsPerCentroid);
  }

  /**
   * Trains on {@code vectors} (row-major, {@code n * dimension}); returns {@code k * dimension}
   * centroids.
   */
  public float[] train(float[] vectors) {
    if (vectors.length % dimension != 0) {
      throw new IllegalArgumentException(
          "expected a multiple of the dimension " + dimension + " floats, got " + vectors.length);
    }
    long n = vectors.length / dimension;
    if (n < k) {
      throw new IllegalArgumentException("k-means needs at least k = " + k + " points, got " + n);
    }
    try (ClusteringParameters parameters =
            new ClusteringParameters()
                .niter(iterations)
                .seed(seed)
                .spherical(spherical)
                .verbose(false)
                .max_points_per_centroid(maxPointsPerCentroid);
        Clustering clustering = new Clustering(dimension, k, parameters);
        FaissIndex assigner = spherical ? new IndexFlatIP(dimension) : new IndexFlatL2(dimension)) {
      try {
        clustering.train(n, vectors, assigner);
      } catch (RuntimeException e) {
        throw new FaissException("k-means", e);
      }
      FloatVector centroids = clustering.centroids();
      float[] out = new float[(int) centroids.size()];
      faiss.centroids_data(clustering).get(out);
      return out;
    }
  }

  /** The nearest centroid of each vector (by L2, or inner product when spherical). */
  public long[] assign(float[] centroids, float[] vectors) {
    try (VectorIndex index =
        VectorIndex.flat(dimension, spherical ? Metric.INNER_PRODUCT : Metric.L2)) {
      index.add(centroids);
      Neighbors nearest = index.search(vectors, 1);
      return nearest.labels();
    }
  }
}
