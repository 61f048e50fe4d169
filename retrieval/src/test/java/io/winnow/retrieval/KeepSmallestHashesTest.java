package io.winnow.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class KeepSmallestHashesTest {
  @Test
  void theCapFallsInTheBucketWhereTheRunningCountPassesIt() {
    Map<Integer, Long> counts = Map.of(7, 5L, 2, 3L, 40, 10L);
    assertThat(HashCap.of(counts, 3)).isEqualTo(new HashCap(7, 0));
    assertThat(HashCap.of(counts, 2)).isEqualTo(new HashCap(2, 2));
    assertThat(HashCap.of(counts, 10)).isEqualTo(new HashCap(40, 2));
    assertThat(HashCap.of(counts, 18)).isEqualTo(new HashCap(Integer.MAX_VALUE, 0));
    assertThat(HashCap.of(Map.of(), 1).keepsWhole(65_535)).isTrue();
    assertThat(HashCap.bucket(Long.MAX_VALUE)).isEqualTo(65_535);
    assertThat(HashCap.bucket(0)).isZero();
  }

  @Test
  void keepsExactlyTheCapsBestAsASortWould() {
    List<Ranked> ranked = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      ranked.add(Ranked.of(42, "key-" + i, i % 7));
    }
    // Crowd one bucket (and tie hashes, broken by key) so the edge is cut inside a bucket.
    long crowded = ranked.get(0).hash() & ~((1L << 47) - 1);
    for (int i = 0; i < 300; i++) {
      ranked.add(new Ranked(crowded + i / 2, "tie-" + i, 0));
    }
    List<Ranked> sorted = new ArrayList<>(ranked);
    sorted.sort(Ranked.BEST_FIRST);
    int crowdedStart = 0;
    while (HashCap.bucket(sorted.get(crowdedStart).hash()) != HashCap.bucket(crowded)) {
      crowdedStart++;
    }
    for (long cap : new long[] {1, 977, crowdedStart + 151, 3_300, 10_000}) {
      Pipeline p =
          Pipeline.create(PipelineOptionsFactory.fromArgs("--targetParallelism=3").create());
      PCollection<Ranked> kept =
          p.apply(Create.of(ranked).withCoder(new Ranked.Coder()))
              .apply(KeepSmallestHashes.of(cap));
      PAssert.that(kept).containsInAnyOrder(sorted.subList(0, (int) Math.min(cap, sorted.size())));
      p.run().waitUntilFinish();
    }
  }

  @Test
  void bestKeepsTheSmallestHashesThenKeysInOrder() {
    List<Ranked> ranked =
        List.of(
            new Ranked(5, "b", 0),
            new Ranked(5, "a", 0),
            new Ranked(1, "z", 0),
            new Ranked(9, "c", 0));
    assertThat(Ranked.best(ranked, 3))
        .containsExactly(new Ranked(1, "z", 0), new Ranked(5, "a", 0), new Ranked(5, "b", 0));
    assertThat(Ranked.best(ranked, 10)).hasSize(4);
  }
}
