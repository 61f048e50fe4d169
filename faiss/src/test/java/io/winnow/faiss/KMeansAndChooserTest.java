package io.winnow.faiss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

class KMeansAndChooserTest {
  @Test
  void kMeansFindsSeparatedBlobsAndIsDeterministic() {
    int d = 8;
    float[][] centres = {
      {10, 0, 0, 0, 0, 0, 0, 0}, {0, 10, 0, 0, 0, 0, 0, 0}, {0, 0, 10, 0, 0, 0, 0, 0}
    };
    Random random = new Random(5);
    float[] points = new float[900 * d];
    for (int i = 0; i < 900; i++) {
      for (int j = 0; j < d; j++) {
        points[i * d + j] = centres[i % 3][j] + (float) random.nextGaussian() * 0.3f;
      }
    }
    KMeans kmeans = KMeans.of(d, 3).withSeed(7);
    float[] centroids = kmeans.train(points);
    assertThat(centroids).hasSize(3 * d);
    for (float[] centre : centres) {
      double best = Double.MAX_VALUE;
      for (int c = 0; c < 3; c++) {
        double dist = 0;
        for (int j = 0; j < d; j++) {
          dist += Math.pow(centroids[c * d + j] - centre[j], 2);
        }
        best = Math.min(best, dist);
      }
      assertThat(best).as("a centroid near " + Arrays.toString(centre)).isLessThan(0.1);
    }
    assertThat(kmeans.train(points)).containsExactly(centroids);
    long[] assignment = kmeans.assign(centroids, points);
    assertThat(assignment[0]).isNotEqualTo(assignment[1]);
    assertThat(assignment[0]).isEqualTo(assignment[3]);
    assertThatThrownBy(() -> KMeans.of(d, 3).train(new float[2 * d]))
        .hasMessageContaining("at least k = 3");
  }

  @Test
  void choosesIndexesLikeAutofaiss() {
    long gib = 1L << 30;
    assertThat(IndexChooser.choose(10_000, 384, gib).factory()).isEqualTo("Flat");
    assertThat(IndexChooser.choose(500_000, 384, 4 * gib).factory()).isEqualTo("HNSW32");
    // 768 MB of vectors: the HNSW graph would not fit in 850 MiB, inverted lists do.
    IndexChooser.Choice ivf = IndexChooser.choose(500_000, 384, 850L << 20);
    assertThat(ivf.factory()).isEqualTo("IVF2048,Flat");
    assertThat(ivf.nprobe()).isEqualTo(32);
    IndexChooser.Choice pq = IndexChooser.choose(100_000_000, 384, 8 * gib);
    assertThat(pq.factory()).isEqualTo("IVF32768_HNSW32,PQ64np");
    assertThat(pq.bytes()).isLessThanOrEqualTo(8 * gib);
    assertThatThrownBy(() -> IndexChooser.choose(1_000_000_000L, 384, 1L << 20))
        .hasMessageContaining("shard");
  }

  @Test
  void everyChoiceIsAnIndexFaissBuilds() {
    long[][] cases = {
      {1000, 1L << 30}, {200_000, 1L << 30}, {200_000, 120L << 20}, {5_000_000, 200L << 20}
    };
    for (long[] c : cases) {
      IndexChooser.Choice choice = IndexChooser.choose(c[0], 64, c[1]);
      try (VectorIndex index = choice.create(64, Metric.INNER_PRODUCT)) {
        assertThat(index.dimension()).as(choice.factory()).isEqualTo(64);
        assertThat(index.isTrained()).isEqualTo(!choice.needsTraining());
      }
    }
  }

  @Test
  void closingFreesNativeMemory() {
    long trackedBefore = Pointer.totalBytes();
    float[] data = Vectors.gaussian(250_000, 128, 9); // 128 MB of vectors inside FAISS
    long rssBefore = Pointer.physicalBytes();
    VectorIndex index = VectorIndex.flat(128, Metric.L2);
    index.add(data);
    long rssFull = Pointer.physicalBytes();
    index.close();
    long rssAfter = Pointer.physicalBytes();
    assertThat(rssFull - rssBefore).as("the index holds its vectors").isGreaterThan(100L << 20);
    assertThat(rssFull - rssAfter).as("close() gives them back").isGreaterThan(100L << 20);
    try (VectorIndex small = VectorIndex.flat(8, Metric.L2)) {
      small.add(new float[80]);
      small.rangeSearch(new float[8], 1f);
    }
    assertThat(Pointer.totalBytes()).as("JavaCPP's own allocations").isEqualTo(trackedBefore);
  }
}
