package io.winnow.knn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

public class KnnJoinTest {
  public static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--targetParallelism=2").create());
  }

  /** Brute force, best first, ties by key: what every mode must agree with. */
  static Map<String, List<Neighbor>> bruteForce(
      List<KeyedVector> queries, List<KeyedVector> base, int k, boolean self) {
    HashMap<String, List<Neighbor>> out = new HashMap<>();
    for (KeyedVector q : queries) {
      List<Neighbor> all = new java.util.ArrayList<>();
      for (KeyedVector b : base) {
        if (!(self && b.key().equals(q.key()))) {
          all.add(new Neighbor(b.key(), KeyedVector.dot(q.vector(), b.vector())));
        }
      }
      all.sort(Neighbor.BEST_FIRST);
      out.put(q.key(), List.copyOf(all.subList(0, Math.min(k, all.size()))));
    }
    return out;
  }

  /** Sub-cells trained by the last {@link #run}. */
  private static long lastSubCells;

  private static Map<String, List<Neighbor>> run(List<KeyedVector> data, KnnJoin join) {
    Pipeline p = pipeline();
    PCollection<KV<String, List<Neighbor>>> result =
        p.apply(Create.of(data).withCoder(new KeyedVector.Coder())).apply(join);
    Map<String, List<Neighbor>> collected = new java.util.concurrent.ConcurrentHashMap<>();
    PAssert.that(result)
        .satisfies(
            rows -> {
              rows.forEach(r -> Collected.put(r.getKey(), r.getValue()));
              return null;
            });
    org.apache.beam.sdk.PipelineResult done = p.run();
    done.waitUntilFinish();
    lastSubCells = 0;
    for (org.apache.beam.sdk.metrics.MetricResult<Long> c :
        done.metrics()
            .queryMetrics(
                org.apache.beam.sdk.metrics.MetricsFilter.builder()
                    .addNameFilter(
                        org.apache.beam.sdk.metrics.MetricNameFilter.named("knn", "sub_cells"))
                    .build())
            .getCounters()) {
      lastSubCells += c.getAttempted();
    }
    collected.putAll(Collected.take());
    return collected;
  }

  @Test
  void exactModeEqualsBruteForce() {
    List<KeyedVector> data = TestVectors.clustered(600, 32, 20, 0.6, 1);
    Map<String, List<Neighbor>> got = run(data, KnnJoin.self(32, 5).exact());
    Map<String, List<Neighbor>> want = bruteForce(data, data, 5, true);
    assertThat(got.keySet()).isEqualTo(want.keySet());
    want.forEach((key, neighbours) -> assertSameNeighbours(got.get(key), neighbours));
  }

  @Test
  void aSimilarityFloorDropsWeakerNeighboursBeforeTheMerge() {
    List<KeyedVector> data = TestVectors.clustered(400, 16, 10, 0.8, 6);
    Map<String, List<Neighbor>> got = run(data, KnnJoin.self(16, 5).exact().withMinSimilarity(0.9));
    Map<String, List<Neighbor>> want = new HashMap<>();
    bruteForce(data, data, 5, true)
        .forEach(
            (key, neighbours) -> {
              List<Neighbor> kept =
                  neighbours.stream().filter(n -> n.similarity() >= 0.9f).toList();
              if (!kept.isEmpty()) {
                want.put(key, kept);
              }
            });
    assertThat(want).isNotEmpty();
    assertThat(got.keySet()).isEqualTo(want.keySet());
    want.forEach((key, neighbours) -> assertSameNeighbours(got.get(key), neighbours));
  }

  @Test
  void partitionedModeAgreesWithExactWhenItProbesEveryPartition() {
    List<KeyedVector> data = TestVectors.clustered(2_000, 32, 40, 0.6, 2);
    Map<String, List<Neighbor>> exact = run(data, KnnJoin.self(32, 8).exact());
    Map<String, List<Neighbor>> partitioned = run(data, KnnJoin.self(32, 8).withPartitions(10, 10));
    assertThat(partitioned.keySet()).isEqualTo(exact.keySet());
    exact.forEach((key, neighbours) -> assertSameNeighbours(partitioned.get(key), neighbours));
  }

  @Test
  void partitionedModeWithFewProbesFindsNearlyAllOfTheTrueNeighbours() {
    List<KeyedVector> data = TestVectors.clustered(3_000, 32, 30, 0.6, 3);
    Map<String, List<Neighbor>> exact = run(data, KnnJoin.self(32, 5).exact());
    Map<String, List<Neighbor>> approximate = run(data, KnnJoin.self(32, 5).withPartitions(16, 3));
    assertThat(recall(exact, approximate))
        .as("recall@5 with 3 of 16 partitions probed")
        .isGreaterThan(0.95);
  }

  @Test
  void aVectorAtTheCentreOfManyCopiesSpillsIntoEachOfTheirPartitions() {
    // One centre and 400 copies at cosine 0.92 to it (about 0.85 to one another) in 128-d, cut by
    // k-means into 10 partitions probed once: the centre sits in one of them, so most copies miss
    // it; spilled (it is ~0.99 to every copy cell's centroid, the copies ~0.93), every copy finds
    // it as its nearest, and no copy is spilled.
    List<KeyedVector> data = centreAndCopies(5);
    long without = copiesFindingTheCentre(run(data, KnnJoin.self(128, 1).withPartitions(10, 1)));
    Map<String, List<Neighbor>> spilled =
        run(data, KnnJoin.self(128, 1).withPartitions(10, 1).withSpill(0.95));
    assertThat(without).as("copies that find the centre without spilling").isLessThan(200);
    assertThat(copiesFindingTheCentre(spilled)).as("copies that find it spilled").isEqualTo(400);
  }

  @Test
  void largeCellsAreSplitAgainAndAgreeWithExactWhenEverySubCellIsProbed() {
    // 3 first-level cells of ~400 vectors, target 50: each is split into ~8 sub-cells.
    List<KeyedVector> data = TestVectors.clustered(1_200, 32, 24, 0.6, 7);
    Map<String, List<Neighbor>> exact = run(data, KnnJoin.self(32, 5).exact());
    KnnJoin split =
        KnnJoin.self(32, 5).withPartitions(3, 3).withTargetPartitionSize(50).withSplitCells(true);
    Map<String, List<Neighbor>> all = run(data, split.withSubProbes(SubPartitions.MAX_SUB_CELLS));
    assertThat(lastSubCells).as("sub-cells trained").isGreaterThan(12);
    assertThat(all.keySet()).isEqualTo(exact.keySet());
    exact.forEach((key, neighbours) -> assertSameNeighbours(all.get(key), neighbours));

    double nearestSubCell = recall(exact, run(data, split));
    System.out.printf(
        "recall@5 with the nearest sub-cell of each of 3 cells: %.4f%n", nearestSubCell);
    assertThat(nearestSubCell).as("recall@5, nearest sub-cell of each cell").isGreaterThan(0.95);
  }

  @Test
  void theCentreOfManyCopiesSpillsIntoSubCellsToo() {
    List<KeyedVector> data = centreAndCopies(8);
    // Two cells of ~200, target 20: each is split into ~10 sub-cells, each probed once.
    KnnJoin join =
        KnnJoin.self(128, 1)
            .withPartitions(2, 2)
            .withTargetPartitionSize(20)
            .withSubProbes(1)
            .withSplitCells(true);
    long without = copiesFindingTheCentre(run(data, join));
    assertThat(lastSubCells).as("sub-cells trained").isGreaterThan(10);
    Map<String, List<Neighbor>> spilled = run(data, join.withSpill(0.95));
    assertThat(without).as("copies that find the centre without spilling").isLessThan(200);
    assertThat(copiesFindingTheCentre(spilled)).as("copies that find it spilled").isEqualTo(400);
  }

  private static long copiesFindingTheCentre(Map<String, List<Neighbor>> nearest) {
    return nearest.entrySet().stream()
        .filter(e -> !e.getKey().equals("centre"))
        .filter(e -> e.getValue().get(0).key().equals("centre"))
        .count();
  }

  /** One centre and 400 copies at cosine 0.92 to it (about 0.85 to one another), 128-d. */
  private static List<KeyedVector> centreAndCopies(long seed) {
    Random r = new Random(seed);
    float[] centre = TestVectors.random(128, r);
    List<KeyedVector> data = new ArrayList<>();
    data.add(new KeyedVector("centre", centre));
    for (int i = 0; i < 400; i++) {
      data.add(
          new KeyedVector(
              String.format(java.util.Locale.ROOT, "c%03d", i),
              TestVectors.atCosine(centre, 0.92, TestVectors.random(128, r))));
    }
    return data;
  }

  private static double recall(Map<String, List<Neighbor>> exact, Map<String, List<Neighbor>> got) {
    long found = 0;
    long total = 0;
    for (Map.Entry<String, List<Neighbor>> e : exact.entrySet()) {
      java.util.Set<String> truth = new java.util.HashSet<>();
      e.getValue().forEach(n -> truth.add(n.key()));
      total += truth.size();
      found +=
          got.getOrDefault(e.getKey(), List.of()).stream()
              .filter(n -> truth.contains(n.key()))
              .count();
    }
    return (double) found / total;
  }

  @Test
  void joinsQueriesAgainstAnotherCollection() {
    List<KeyedVector> base = TestVectors.clustered(300, 16, 10, 0.5, 4);
    List<KeyedVector> queries =
        TestVectors.clustered(50, 16, 10, 0.5, 5).stream()
            .map(v -> new KeyedVector("q" + v.key(), v.vector()))
            .toList();
    Pipeline p = pipeline();
    PCollection<KeyedVector> database =
        p.apply("Base", Create.of(base).withCoder(new KeyedVector.Coder()));
    PCollection<KV<String, List<Neighbor>>> result =
        p.apply("Queries", Create.of(queries).withCoder(new KeyedVector.Coder()))
            .apply(KnnJoin.against(database, 16, 3).exact());
    Map<String, List<Neighbor>> want = bruteForce(queries, base, 3, false);
    PAssert.that(result)
        .satisfies(
            rows -> {
              int n = 0;
              for (KV<String, List<Neighbor>> r : rows) {
                assertSameNeighbours(r.getValue(), want.get(r.getKey()));
                n++;
              }
              assertThat(n).isEqualTo(50);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void emptyAndSingleInputs() {
    assertThat(run(List.of(), KnnJoin.self(4, 3))).isEmpty();
    assertThat(run(List.of(new KeyedVector("only", new float[] {1, 0, 0, 0})), KnnJoin.self(4, 3)))
        .as("a lone vector has no other neighbour")
        .isEmpty();
  }

  static void assertSameNeighbours(List<Neighbor> got, List<Neighbor> want) {
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      assertThat(got.get(i).key()).isEqualTo(want.get(i).key());
      assertThat(got.get(i).similarity())
          .isCloseTo(want.get(i).similarity(), org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  /** PAssert callbacks run inside the pipeline; results come back through here. */
  static final class Collected {
    private static final Map<String, List<Neighbor>> ROWS = new HashMap<>();

    static synchronized void put(String key, List<Neighbor> value) {
      ROWS.put(key, value);
    }

    static synchronized Map<String, List<Neighbor>> take() {
      Map<String, List<Neighbor>> copy = new HashMap<>(ROWS);
      ROWS.clear();
      return copy;
    }
  }
}
