package io.winnow.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.knn.KeyedVector;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.SeedMatch;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class RetrieveFromSeedsTest {
  static final int D = 16;

  /** Results of the last run, by test: PAssert runs in the pipeline, assertions after it. */
  static final Map<String, Map<String, List<SeedMatch>>> KEPT = new ConcurrentHashMap<>();

  static final Map<String, List<String>> REJECTED = new ConcurrentHashMap<>();

  static float[] axis(int i, double noise, Random random) {
    float[] v = new float[D];
    v[i] = 1;
    for (int j = 0; j < D; j++) {
      v[j] += (float) (noise * random.nextGaussian());
    }
    return KeyedVector.normalise(v);
  }

  static Sample sample(String key, float[] embedding) {
    return Sample.builder(key, "http://pool/" + key)
        .image(new byte[] {1})
        .embedding(embedding)
        .build();
  }

  /** Runs retrieval; results land in KEPT/REJECTED under {@code run}. */
  static void retrieve(String run, List<Sample> pool, Map<SeedSetSpec, List<KeyedVector>> seeds) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--targetParallelism=2").create());
    List<RetrieveFromSeeds.SeedSet> sets = new ArrayList<>();
    for (Map.Entry<SeedSetSpec, List<KeyedVector>> e : seeds.entrySet()) {
      PCollection<KeyedVector> vectors =
          p.apply(
              "Seeds-" + e.getKey().name(),
              Create.of(e.getValue()).withCoder(new KeyedVector.Coder()));
      sets.add(new RetrieveFromSeeds.SeedSet(e.getKey(), vectors));
    }
    StageResult<Sample> out =
        p.apply("Pool", Create.of(pool).withCoder(new SampleCoder()))
            .apply(RetrieveFromSeeds.with(D, sets).withExactSearch(true));
    PAssert.that(out.accepted())
        .satisfies(
            kept -> {
              Map<String, List<SeedMatch>> byKey = new TreeMap<>();
              kept.forEach(s -> byKey.put(s.key(), s.seedMatch()));
              KEPT.put(run, byKey);
              return null;
            });
    PAssert.that(out.rejections())
        .satisfies(
            rejected -> {
              List<String> keys = new ArrayList<>();
              for (Rejection r : rejected) {
                assertThat(r.reason().wireName()).isEqualTo("not-retrieved");
                assertThat(r.stage().wireName()).isEqualTo("retrieve");
                keys.add(r.key());
              }
              REJECTED.put(run, keys);
              return null;
            });
    p.run().waitUntilFinish();
    assertThat(KEPT.get(run).size() + REJECTED.get(run).size())
        .as("every pool image accounted")
        .isEqualTo(pool.size());
  }

  /** Classes 0..2 on the first three axes, 30 images each, plus 30 on other axes. */
  static List<Sample> pool(Random random) {
    List<Sample> pool = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 30; i++) {
        pool.add(sample(String.format("c%d-%02d", c, i), axis(c, 0.15, random)));
      }
    }
    for (int i = 0; i < 30; i++) {
      pool.add(sample(String.format("x-%02d", i), axis(3 + i % (D - 3), 0.15, random)));
    }
    return pool;
  }

  @Test
  void knnKeepsEachSeedsNearestPoolImagesOnceWithEverySeedThatPickedThem() {
    Random random = new Random(1);
    List<Sample> pool = pool(random);
    List<KeyedVector> seeds =
        List.of(
            new KeyedVector("s0", axis(0, 0.05, random)),
            new KeyedVector("s0-twin", axis(0, 0.05, random)),
            new KeyedVector("s1", axis(1, 0.05, random)));
    retrieve("knn", pool, Map.of(SeedSetSpec.knn("animals", "/seeds", 4), seeds));
    Map<String, List<SeedMatch>> kept = KEPT.get("knn");
    assertThat(kept.keySet()).allMatch(k -> k.startsWith("c0-") || k.startsWith("c1-"));
    assertThat(kept.keySet().stream().filter(k -> k.startsWith("c1-"))).hasSize(4);
    // The two class-0 seeds pick 4 each; overlapping picks are kept once, naming both seeds.
    long class0 = kept.keySet().stream().filter(k -> k.startsWith("c0-")).count();
    assertThat(class0).isBetween(4L, 8L);
    int named =
        kept.entrySet().stream()
            .filter(e -> e.getKey().startsWith("c0-"))
            .mapToInt(e -> e.getValue().get(0).seedKeys().size())
            .sum();
    assertThat(named).isEqualTo(8);
    SeedMatch match = kept.values().iterator().next().get(0);
    assertThat(match.seedSet()).isEqualTo("animals");
    assertThat(match.similarity()).isGreaterThan(0.8f);
    assertThat(REJECTED.get("knn")).hasSize(pool.size() - kept.size());
  }

  @Test
  void aSimilarityFloorLeavesSeedsWithoutNeighboursEmptyHanded() {
    Random random = new Random(2);
    List<Sample> pool = pool(random);
    List<KeyedVector> seeds =
        List.of(
            new KeyedVector("near", axis(2, 0.05, random)),
            new KeyedVector(
                "far",
                KeyedVector.normalise(
                    new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -1})));
    retrieve(
        "floor", pool, Map.of(SeedSetSpec.knn("s", "/seeds", 3).withMinSimilarity(0.9), seeds));
    Map<String, List<SeedMatch>> kept = KEPT.get("floor");
    assertThat(kept).hasSize(3);
    assertThat(kept.values())
        .allSatisfy(m -> assertThat(m.get(0).seedKeys()).containsExactly("near"));
  }

  @Test
  void tiesAreBrokenByTheSmallerKey() {
    float[] v = axis(0, 0, new Random(3));
    List<Sample> pool =
        List.of(sample("b", v.clone()), sample("a", v.clone()), sample("c", v.clone()));
    retrieve(
        "ties",
        pool,
        Map.of(SeedSetSpec.knn("s", "/seeds", 1), List.of(new KeyedVector("seed", v.clone()))));
    assertThat(KEPT.get("ties").keySet()).containsExactly("a");
    assertThat(REJECTED.get("ties")).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void anEmptySeedSetSelectsNothingAndEveryImageIsAccountedFor() {
    List<Sample> pool = pool(new Random(4));
    retrieve("empty", pool, Map.of(SeedSetSpec.knn("none", "/seeds", 4), List.of()));
    assertThat(KEPT.get("empty")).isEmpty();
    assertThat(REJECTED.get("empty")).hasSize(pool.size());
  }

  @Test
  void clusterModeSamplesOnlyClustersWithMoreThanQSeedsWithinTheCaps() {
    Random random = new Random(5);
    List<Sample> pool = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 100; i++) {
        pool.add(sample(String.format("c%d-%03d", c, i), axis(c, 0.1, random)));
      }
    }
    List<KeyedVector> seeds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      seeds.add(new KeyedVector("s0-" + i, axis(0, 0.05, random)));
    }
    for (int i = 0; i < 3; i++) {
      seeds.add(new KeyedVector("s1-" + i, axis(1, 0.05, random)));
    }
    // Class 0 holds 4 seeds (> 3): sampled; class 1 holds 3 (not more than 3): not.
    retrieve("cluster", pool, Map.of(SeedSetSpec.cluster("few", "/seeds", 3, 20, 3, 1000), seeds));
    Map<String, List<SeedMatch>> kept = KEPT.get("cluster");
    assertThat(kept).hasSize(20);
    assertThat(kept.keySet()).allMatch(k -> k.startsWith("c0-"));
    SeedMatch match = kept.values().iterator().next().get(0);
    assertThat(match.seedKeys()).containsExactly("s0-0", "s0-1", "s0-2", "s0-3");
    assertThat(match.clusterIds()).hasSize(1);

    // The cap per set, and reproducibility: the same run keeps the same images.
    retrieve("capped", pool, Map.of(SeedSetSpec.cluster("few", "/seeds", 3, 20, 3, 7), seeds));
    retrieve(
        "capped-again", pool, Map.of(SeedSetSpec.cluster("few", "/seeds", 3, 20, 3, 7), seeds));
    assertThat(KEPT.get("capped")).hasSize(7);
    assertThat(KEPT.get("capped").keySet())
        .isEqualTo(KEPT.get("capped-again").keySet())
        .isSubsetOf(kept.keySet());
  }

  @Test
  void severalSetsEachWithItsModeAreMergedPerImage() {
    Random random = new Random(6);
    List<Sample> pool = pool(random);
    KeyedVector seed = new KeyedVector("s", axis(0, 0.0, random));
    Map<SeedSetSpec, List<KeyedVector>> sets = new java.util.LinkedHashMap<>();
    sets.put(SeedSetSpec.knn("zebra", "/z", 2), List.of(seed));
    sets.put(SeedSetSpec.knn("apple", "/a", 3), List.of(seed));
    retrieve("two-sets", pool, sets);
    Map<String, List<SeedMatch>> kept = KEPT.get("two-sets");
    assertThat(kept).hasSize(3);
    assertThat(kept.values())
        .filteredOn(m -> m.size() == 2)
        .hasSize(2)
        .allSatisfy(
            m -> assertThat(m).extracting(SeedMatch::seedSet).containsExactly("apple", "zebra"));
  }

  @Test
  void seedSetsAreParsedWithTheirOptions() {
    SeedSetSpec knn = SeedSetSpec.parse("imagenet=/data/in1k.txt;mode=knn;k=32;min-similarity=0.3");
    assertThat(knn.mode()).isEqualTo(SeedSetSpec.Mode.KNN);
    assertThat(knn.k()).isEqualTo(32);
    assertThat(knn.minSimilarity()).isEqualTo(0.3);
    SeedSetSpec cluster =
        SeedSetSpec.parse(
            "birds=/data/birds;mode=cluster;clusters=2000;"
                + "per-cluster=500;min-seeds=3;cap=100000;sampling-seed=9");
    assertThat(cluster)
        .isEqualTo(
            new SeedSetSpec(
                "birds",
                "/data/birds",
                SeedSetSpec.Mode.CLUSTER,
                4,
                Double.NaN,
                2000,
                500,
                3,
                100_000,
                9));
    assertThatThrownBy(() -> SeedSetSpec.parse("x=/d;mode=knn;neighbours=4"))
        .hasMessageContaining("unknown option(s) [neighbours]");
    assertThatThrownBy(() -> SeedSetSpec.parse("/d")).hasMessageContaining("NAME=LOCATION");
    assertThat(SeedSetSpec.parse("x=/d;mode=cluster;clusters=20000").clusters())
        .as("above one worker's 2,564: made in two steps")
        .isEqualTo(20_000);
    assertThatThrownBy(() -> SeedSetSpec.parse("x=/d;mode=cluster;clusters=7000000"))
        .hasMessageContaining("clusters=7000000 cannot be honoured")
        .hasMessageContaining("at most 6574096 clusters");
  }
}
