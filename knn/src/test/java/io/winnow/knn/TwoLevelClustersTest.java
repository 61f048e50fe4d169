package io.winnow.knn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class TwoLevelClustersTest {
  @Test
  void makesExactlyTheClustersAskedForAndAssignsSeedsLikeThePool() {
    // 2,000 vectors, 5 first-level cells of ~400, 100 clusters asked for: the cells are split
    // into their shares (about 20 each) on the workers.
    List<KeyedVector> pool = TestVectors.clustered(2_000, 16, 40, 0.5, 11);
    List<KeyedVector> seeds = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      KeyedVector v = pool.get(i * 40);
      seeds.add(new KeyedVector("seed-" + v.key(), v.vector()));
    }
    Map<String, Integer> clusterOf = run(pool, seeds, 100, 5);
    Set<Integer> clusters = new HashSet<>();
    Map<Integer, Integer> sizes = new HashMap<>();
    for (KeyedVector v : pool) {
      assertThat(clusterOf).as("every pool vector has a cluster").containsKey(v.key());
      clusters.add(clusterOf.get(v.key()));
      sizes.merge(clusterOf.get(v.key()), 1, Integer::sum);
    }
    assertThat(clusters).as("clusters with members").hasSize(100);
    assertThat(clusterOf).hasSize(2_050);
    for (KeyedVector s : seeds) {
      String poolKey = s.key().substring("seed-".length());
      assertThat(clusterOf.get(s.key()))
          .as("a seed equal to a pool vector is in its cluster")
          .isEqualTo(clusterOf.get(poolKey));
    }
    assertThat(run(pool, seeds, 100, 5)).as("the same clusters on every run").isEqualTo(clusterOf);
  }

  @Test
  void sharesClustersAmongCellsInProportionToTheirSizes() {
    Map<Integer, Long> sizes = Map.of(0, 1_000L, 1, 3_000L, 2, 10L, 5, 6_000L);
    Map<Integer, Integer> share = SubPartitions.apportion(sizes, 100);
    assertThat(share).containsEntry(0, 10).containsEntry(1, 30).containsEntry(5, 59);
    assertThat(share.get(2)).as("every cell keeps at least one").isEqualTo(1);
    assertThat(share.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    assertThat(SubPartitions.apportion(Map.of(0, 3L), 10))
        .as("never more clusters than vectors")
        .containsEntry(0, 3);
  }

  private static Map<String, Integer> run(
      List<KeyedVector> pool, List<KeyedVector> seeds, int clusters, int firstLevel) {
    Pipeline p = KnnJoinTest.pipeline();
    PCollection<KeyedVector> others =
        p.apply("Seeds", Create.of(seeds).withCoder(new KeyedVector.Coder()));
    PCollection<KV<Integer, KV<Boolean, KeyedVector>>> out =
        p.apply("Pool", Create.of(pool).withCoder(new KeyedVector.Coder()))
            .apply(
                TwoLevelClusters.of(16, clusters)
                    .withFirstLevelCells(firstLevel)
                    .alsoAssigning(others));
    PAssert.that(out)
        .satisfies(
            rows -> {
              Map<String, Integer> got = new HashMap<>();
              rows.forEach(r -> got.put(r.getValue().getValue().key(), r.getKey()));
              Result.set(got);
              return null;
            });
    p.run().waitUntilFinish();
    return Result.take();
  }

  /** PAssert callbacks run inside the pipeline; results come back through here. */
  static final class Result {
    private static Map<String, Integer> last;

    static synchronized void set(Map<String, Integer> m) {
      last = m;
    }

    static synchronized Map<String, Integer> take() {
      Map<String, Integer> m = last;
      last = null;
      return m;
    }
  }
}
