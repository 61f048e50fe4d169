package io.winnow.filters;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;

class DropNsfwTest {
  private static final List<String> UNSAFE = List.of("Hentai", "Porn", "Sexy");

  private static Sample scored(String key, float neutral, float porn, float sexy) {
    return Sample.builder(key, "http://x/" + key)
        .image(new byte[] {1})
        .nsfwScores(Map.of("Neutral", neutral, "Porn", porn, "Sexy", sexy, "Hentai", 0f))
        .build();
  }

  @Test
  void theUnsafeScoreIsTheSumOfTheUnsafeClasses() {
    assertThat(DropNsfw.unsafeScore(Map.of("Porn", 0.25f, "Sexy", 0.25f, "Neutral", 0.5f), UNSAFE))
        .isEqualTo(0.5);
    assertThat(DropNsfw.unsafeScore(null, UNSAFE)).isNaN();
  }

  @Test
  void samplesAtOrAboveTheThresholdAreDroppedWithTheirScores() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--targetParallelism=2").create());
    StageResult<Sample> out =
        p.apply(
                Create.of(
                        List.of(
                            scored("safe", 0.9f, 0.05f, 0.05f),
                            scored("edge", 0.5f, 0.25f, 0.25f),
                            scored("unsafe", 0.1f, 0.8f, 0.1f),
                            Sample.builder("unscored", "http://x/u").image(new byte[] {1}).build()))
                    .withCoder(new SampleCoder()))
            .apply(DropNsfw.with(UNSAFE, 0.5));
    PAssert.that(out.accepted())
        .satisfies(
            kept -> {
              assertThat(kept)
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.key()).isEqualTo("safe");
                        assertThat(s.nsfwScores()).containsKey("Porn");
                      });
              return null;
            });
    PAssert.that(out.rejections())
        .satisfies(
            rejected -> {
              assertThat(rejected)
                  .extracting(Rejection::key)
                  .containsExactlyInAnyOrder("edge", "unsafe", "unscored");
              assertThat(rejected)
                  .allSatisfy(r -> assertThat(r.reason().wireName()).isEqualTo("nsfw"));
              assertThat(rejected)
                  .filteredOn(r -> r.key().equals("unsafe"))
                  .singleElement()
                  .satisfies(
                      r ->
                          assertThat(r.detail())
                              .isEqualTo(
                                  "unsafe probability 0.900 >= 0.500 (Hentai 0.000, Porn 0.800, Sexy 0.100)"));
              return null;
            });
    p.run().waitUntilFinish();
  }
}
