package io.winnow.retrieval;

import io.winnow.faiss.Metric;
import io.winnow.faiss.Neighbors;
import io.winnow.faiss.VectorIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Spherical k-means with resampling steps, after Vo et al. 2024: plain k-means puts more centroids
 * where the data is dense, so large concepts are split and small ones merged. Each resampling step
 * keeps only the {@code pointsPerCluster} points closest to each centroid and runs k-means again on
 * that union, in which every cluster weighs the same; repeated, the centroids drift towards an even
 * spread over concepts. Runs on one worker; k-means++ seeded ({@link SphericalKMeans}).
 */
final class ResamplingKMeans {
  static final int STEPS = 10;
  static final int POINTS_PER_CLUSTER = 10;

  private ResamplingKMeans() {}

  /** Centroids (row-major) of {@code n} vectors; fewer than {@code k} if n is small. */
  static float[] train(float[] vectors, int dimension, int k, int seed) {
    int n = vectors.length / dimension;
    k = Math.min(k, n);
    if (k < 2) {
      return new float[0];
    }
    float[] centroids = SphericalKMeans.train(vectors, dimension, k, seed);
    for (int step = 0; step < STEPS; step++) {
      int clusters = centroids.length / dimension;
      try (VectorIndex index = VectorIndex.flat(dimension, Metric.INNER_PRODUCT)) {
        index.add(centroids);
        Neighbors nearest = index.search(vectors, 1);
        List<List<int[]>> members = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
          members.add(new ArrayList<>());
        }
        float[] score = new float[n];
        for (int i = 0; i < n; i++) {
          int c = (int) nearest.label(i, 0);
          score[i] = nearest.score(i, 0);
          members.get(c).add(new int[] {i});
        }
        List<Integer> kept = new ArrayList<>();
        for (List<int[]> cluster : members) {
          cluster.sort(
              Comparator.comparingDouble((int[] m) -> -score[m[0]]).thenComparingInt(m -> m[0]));
          for (int j = 0; j < Math.min(POINTS_PER_CLUSTER, cluster.size()); j++) {
            kept.add(cluster.get(j)[0]);
          }
        }
        if (kept.size() < 2 * clusters) {
          break; // too few points left to cluster again
        }
        float[] sample = new float[kept.size() * dimension];
        for (int j = 0; j < kept.size(); j++) {
          System.arraycopy(vectors, kept.get(j) * dimension, sample, j * dimension, dimension);
        }
        centroids = SphericalKMeans.train(sample, dimension, clusters, seed + step + 1);
      }
    }
    return centroids;
  }
}
