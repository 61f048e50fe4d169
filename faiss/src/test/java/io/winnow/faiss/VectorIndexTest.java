package io.winnow.faiss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.faiss.jni.IndexFlatL2;
import io.winnow.faiss.jni.IndexHNSWFlat;
import io.winnow.faiss.jni.IndexIVFFlat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VectorIndexTest {
  private static final int D = 32;
  private static final float[] BASE = Vectors.gaussian(3000, D, 1);
  private static final float[] QUERIES = Vectors.gaussian(40, D, 2);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Metric.class)
  void flatSearchEqualsBruteForce(Metric metric) {
    try (VectorIndex index = VectorIndex.flat(D, metric)) {
      index.add(BASE);
      assertThat(index.size()).isEqualTo(3000);
      Neighbors found = index.search(QUERIES, 10);
      assertSameAs(found, Vectors.bruteForce(BASE, QUERIES, D, 10, metric));
      // Scores are FAISS's: inner products or squared L2 distances.
      long best = found.label(0, 0);
      assertThat((double) found.score(0, 0))
          .isCloseTo(
              Vectors.score(BASE, (int) best, QUERIES, 0, D, metric),
              org.assertj.core.data.Offset.offset(1e-3));
    }
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void ivfFlatVisitingEveryCellEqualsBruteForce(Metric metric) {
    try (VectorIndex index = VectorIndex.ivfFlat(D, 16, metric)) {
      assertThat(index.isTrained()).isFalse();
      index.train(BASE);
      index.add(BASE);
      index.setNprobe(16);
      assertThat(index.nprobe()).isEqualTo(16);
      assertSameAs(index.search(QUERIES, 10), Vectors.bruteForce(BASE, QUERIES, D, 10, metric));
      index.setNprobe(1);
      assertThat(
              Vectors.recall(
                  index.search(QUERIES, 10), Vectors.bruteForce(BASE, QUERIES, D, 10, metric)))
          .isLessThan(1.0);
    }
  }

  @Test
  void hnswReachesRecallAtTenOfNinetyPercent() {
    float[] base = Vectors.gaussian(5000, D, 3);
    try (VectorIndex index = VectorIndex.hnswFlat(D, 32, Metric.L2)) {
      index.setEfConstruction(80);
      index.add(base);
      index.setEfSearch(64);
      assertThat(index.efSearch()).isEqualTo(64);
      double recall =
          Vectors.recall(
              index.search(QUERIES, 10), Vectors.bruteForce(base, QUERIES, D, 10, Metric.L2));
      assertThat(recall).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void ivfPqTrainsSearchesAndBeatsChance() {
    try (VectorIndex index = VectorIndex.ivfPq(D, 16, 8, 8, Metric.L2)) {
      index.train(BASE);
      index.add(BASE);
      index.setNprobe(8);
      double recall =
          Vectors.recall(
              index.search(QUERIES, 10), Vectors.bruteForce(BASE, QUERIES, D, 10, Metric.L2));
      assertThat(recall).isGreaterThan(0.25); // chance is 10 / 3000
    }
  }

  @Test
  void idMapsKeepCallerIdsAndRemoveThem() {
    long[] ids = new long[3000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1_000_000_007L * (i + 1);
    }
    try (VectorIndex index = VectorIndex.withIdsAndReconstruct(D, "Flat", Metric.L2)) {
      index.addWithIds(BASE, ids);
      Neighbors found = index.search(QUERIES, 5);
      long[][] truth = Vectors.bruteForce(BASE, QUERIES, D, 5, Metric.L2);
      for (int q = 0; q < 40; q++) {
        assertThat(found.label(q, 0)).isEqualTo(ids[(int) truth[q][0]]);
      }
      float[] back = new float[D];
      index.unwrap().reconstruct(ids[7], back);
      assertThat(back).containsExactly(java.util.Arrays.copyOfRange(BASE, 7 * D, 8 * D));
      assertThat(index.removeIds(new long[] {ids[(int) truth[0][0]]})).isEqualTo(1);
      assertThat(index.size()).isEqualTo(2999);
      assertThat(index.search(QUERIES, 1).label(0, 0)).isNotEqualTo(ids[(int) truth[0][0]]);
    }
    try (VectorIndex index = VectorIndex.withIds(D, "HNSW16", Metric.L2)) {
      index.addWithIds(BASE, ids);
      assertThat(
              java.util.Arrays.stream(index.search(QUERIES, 1).labels())
                  .allMatch(l -> l % 1_000_000_007L == 0))
          .isTrue();
    }
  }

  @Test
  void writtenIndexesReadBackWithTheSameResults() {
    for (String factory :
        new String[] {"Flat", "HNSW16", "IVF16,Flat", "IVF16,PQ8np", "IDMap,Flat"}) {
      Path file = dir.resolve(factory.replace(',', '_') + ".faiss");
      Neighbors before;
      try (VectorIndex index = VectorIndex.create(D, factory, Metric.INNER_PRODUCT)) {
        index.train(BASE);
        if (factory.startsWith("IDMap")) {
          long[] ids = new long[3000];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = i * 3L;
          }
          index.addWithIds(BASE, ids);
        } else {
          index.add(BASE);
        }
        before = index.search(QUERIES, 10);
        index.write(file);
      }
      try (VectorIndex back = VectorIndex.read(file)) {
        assertThat(back.dimension()).isEqualTo(D);
        assertThat(back.metric()).isEqualTo(Metric.INNER_PRODUCT);
        assertThat(back.size()).isEqualTo(3000);
        Neighbors after = back.search(QUERIES, 10);
        assertThat(after.labels()).as(factory).containsExactly(before.labels());
        assertThat(after.scores()).as(factory).containsExactly(before.scores());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void rangeSearchFindsExactlyTheVectorsWithinTheRadius(Metric metric) {
    float radius = metric == Metric.L2 ? 40f : 8f;
    try (VectorIndex index = VectorIndex.flat(D, metric)) {
      index.add(BASE);
      RangeNeighbors found = index.rangeSearch(QUERIES, radius);
      assertThat(found.queries()).isEqualTo(40);
      int total = 0;
      for (int q = 0; q < 40; q++) {
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
          double s = Vectors.score(BASE, i, QUERIES, q, D, metric);
          if (metric == Metric.L2 ? s < radius : s > radius) {
            expected.add((long) i);
          }
        }
        Set<Long> actual = new HashSet<>();
        for (long j = found.limits()[q]; j < found.limits()[q + 1]; j++) {
          actual.add(found.labels()[(int) j]);
        }
        assertThat(actual).as("query " + q).isEqualTo(expected);
        total += actual.size();
      }
      assertThat(total).as("the radius selects some, not all").isBetween(1, 40 * 3000 - 1);
    }
  }

  @Test
  void directBuffersGiveTheSameResultsWithoutCopies() {
    FloatBuffer base = floats(BASE);
    FloatBuffer queries = floats(QUERIES);
    FloatBuffer scores =
        ByteBuffer.allocateDirect(40 * 10 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    LongBuffer labels =
        ByteBuffer.allocateDirect(40 * 10 * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    try (VectorIndex index = VectorIndex.flat(D, Metric.L2)) {
      index.add(base, 3000);
      index.search(queries, 40, 10, scores, labels);
      Neighbors arrays = index.search(QUERIES, 10);
      long[] fromBuffer = new long[400];
      labels.get(fromBuffer);
      assertThat(fromBuffer).containsExactly(arrays.labels());
      assertThatThrownBy(() -> index.search(FloatBuffer.wrap(QUERIES), 40, 10, scores, labels))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("direct");
    }
  }

  @Test
  void generatedBindingsWorkDirectlyToo() {
    try (IndexHNSWFlat hnsw = new IndexHNSWFlat(D, 16)) {
      hnsw.add(3000, BASE);
      float[] scores = new float[40];
      long[] labels = new long[40];
      hnsw.search(40, QUERIES, 1, scores, labels);
      assertThat(hnsw.ntotal()).isEqualTo(3000);
      assertThat(java.util.Arrays.stream(labels).allMatch(l -> l >= 0 && l < 3000)).isTrue();
    }
    try (IndexFlatL2 quantizer = new IndexFlatL2(D);
        IndexIVFFlat ivf = new IndexIVFFlat(quantizer, D, 8)) {
      ivf.train(3000, BASE);
      ivf.add(3000, BASE);
      assertThat(io.winnow.faiss.jni.global.faiss.as_level1_quantizer(ivf).nlist()).isEqualTo(8);
      assertThat(ivf.ntotal()).isEqualTo(3000);
    }
  }

  @Test
  void refusesBadInputWithClearErrorsInsteadOfCrashing() {
    try (VectorIndex flat = VectorIndex.flat(D, Metric.L2);
        VectorIndex ivf = VectorIndex.ivfFlat(D, 16, Metric.L2)) {
      assertThatThrownBy(() -> flat.add(new float[D + 1]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dimension 32");
      assertThatThrownBy(() -> flat.search(new float[D], 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ivf.add(BASE))
          .isInstanceOf(FaissException.class)
          .hasMessageContaining("not trained");
      assertThatThrownBy(() -> flat.setNprobe(4))
          .isInstanceOf(FaissException.class)
          .hasMessageContaining("IVF indexes only");
      assertThatThrownBy(() -> ivf.train(new float[D * 3]))
          .as("FAISS's own refusal comes back with its message")
          .isInstanceOf(FaissException.class)
          .hasMessageContaining("train");
    }
    assertThatThrownBy(() -> VectorIndex.create(D, "NoSuchIndex", Metric.L2))
        .isInstanceOf(FaissException.class)
        .hasMessageContaining("NoSuchIndex");
    assertThatThrownBy(() -> VectorIndex.read(dir.resolve("missing.faiss")))
        .isInstanceOf(FaissException.class)
        .hasMessageContaining("missing.faiss");
    VectorIndex closed = VectorIndex.flat(D, Metric.L2);
    closed.close();
    closed.close(); // closing twice is harmless
    assertThatThrownBy(() -> closed.add(BASE)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(closed::size).isInstanceOf(IllegalStateException.class);
  }

  private static void assertSameAs(Neighbors found, long[][] truth) {
    for (int q = 0; q < truth.length; q++) {
      long[] row = new long[found.k()];
      for (int r = 0; r < found.k(); r++) {
        row[r] = found.label(q, r);
      }
      assertThat(row).as("query " + q).containsExactly(truth[q]);
    }
  }

  static FloatBuffer floats(float[] values) {
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(values).flip();
    return buffer;
  }
}
