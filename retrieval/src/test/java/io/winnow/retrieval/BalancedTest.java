package io.winnow.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.SeedMatch;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;

class BalancedTest {
  @Test
  void waterFillingGivesSmallClustersAllTheyHaveAndSharesTheRest() {
    assertThat(BalancedQuotas.allocate(30, new long[] {100, 100, 100})).containsExactly(10, 10, 10);
    assertThat(BalancedQuotas.allocate(30, new long[] {2, 100, 100})).containsExactly(2, 14, 14);
    assertThat(BalancedQuotas.allocate(31, new long[] {2, 100, 100})).containsExactly(2, 15, 14);
    assertThat(BalancedQuotas.allocate(1000, new long[] {2, 5, 7})).containsExactly(2, 5, 7);
    assertThat(BalancedQuotas.allocate(2, new long[] {0, 5, 7})).containsExactly(0, 1, 1);
    assertThat(BalancedQuotas.allocate(0, new long[] {5})).containsExactly(0);
  }

  @Test
  void theHierarchySharesEvenlyAtEveryLevel() {
    // Level 1: 4 clusters; level 2: {0,1,2} and {3}. Top level splits 40 into 20 + 20; the big
    // branch splits its 20 over three clusters, the lone cluster gives its 20.
    long[] quota =
        BalancedQuotas.hierarchical(
            40, new long[] {100, 100, 100, 100}, new int[][] {{0, 0, 0, 1}});
    assertThat(quota).containsExactly(7, 7, 6, 20);
    assertThat(LongStream.of(quota).sum()).isEqualTo(40);
  }

  @Test
  void specsParseAndMustShrinkLevelByLevel() {
    assertThatThrownBy(() -> BalancedSpec.parse("clusters=20000,1000,100;target=5000"))
        .hasMessageContaining("20000 clusters cannot be honoured")
        .hasMessageContaining("at most 2564");
    assertThat(BalancedSpec.parse("clusters=1000,100,10;target=5000"))
        .isEqualTo(new BalancedSpec(List.of(1000, 100, 10), 5000, 0));
    assertThatThrownBy(() -> BalancedSpec.parse("clusters=10,100;target=5"))
        .hasMessageContaining("go down level by level");
    assertThatThrownBy(() -> BalancedSpec.parse("clusters=10")).hasMessageContaining("target=N");
  }

  @Test
  void balancedSamplingEvensOutAnUnbalancedPool() {
    // Three concepts, 240 / 60 / 20 images: a target of 60 should take about 20 of each.
    Random random = new Random(11);
    List<Sample> pool = new ArrayList<>();
    int[] sizes = {240, 60, 20};
    for (int c = 0; c < sizes.length; c++) {
      for (int i = 0; i < sizes[c]; i++) {
        pool.add(
            RetrieveFromSeedsTest.sample(
                String.format("c%d-%03d", c, i), RetrieveFromSeedsTest.axis(c, 0.1, random)));
      }
    }
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--targetParallelism=2").create());
    StageResult<Sample> out =
        p.apply(Create.of(pool).withCoder(new SampleCoder()))
            .apply(
                RetrieveFromSeeds.with(RetrieveFromSeedsTest.D, List.of())
                    .withBalanced(BalancedSpec.parse("clusters=6,3;target=60")));
    PAssert.that(out.accepted())
        .satisfies(
            kept -> {
              List<Sample> all = new ArrayList<>();
              kept.forEach(all::add);
              assertThat(all).hasSize(60);
              Map<String, Long> perConcept =
                  all.stream()
                      .collect(
                          Collectors.groupingBy(
                              s -> s.key().substring(0, 2), Collectors.counting()));
              assertThat(perConcept.get("c2"))
                  .isEqualTo(20); // the smallest concept gives all it has
              assertThat(perConcept.get("c0")).isBetween(12L, 28L);
              assertThat(perConcept.get("c1")).isBetween(12L, 28L);
              SeedMatch match = all.get(0).seedMatch().get(0);
              assertThat(match.seedSet()).isEqualTo("balanced");
              assertThat(match.clusterIds()).hasSize(2);
              return null;
            });
    PAssert.that(out.rejections())
        .satisfies(
            rejected -> {
              assertThat(rejected).hasSize(pool.size() - 60);
              return null;
            });
    p.run().waitUntilFinish();
  }
}
