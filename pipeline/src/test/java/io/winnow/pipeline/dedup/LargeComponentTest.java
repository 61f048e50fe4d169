package io.winnow.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.dedup.DropNearDuplicates;
import io.winnow.knn.TestVectors;
import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/**
 * A component too large for one worker's star rule (a popular picture and its copies): on Flink,
 * its representative is found by a combine and every other member is verified against it in slices,
 * and the components themselves come from the distributed large-star/small-star rounds.
 */
class LargeComponentTest {
  private static final int D = 16;

  private static Sample sample(String key, int side, float[] vector) {
    return Sample.builder(key, "http://x/" + key)
        .sha256("sha-" + key)
        .originalSize(side, side)
        .storedSize(64, 64)
        .image(new byte[] {1})
        .embedding(vector)
        .build();
  }

  @Test
  void everyCopyGoesInFavourOfTheRepresentativeAcrossSlices() {
    // One original with the largest picture, 2,400 copies at cosine 0.97 to it (about 0.94 to
    // one another, so the copies link among themselves too), and 50 unrelated pictures.
    Random r = new Random(11);
    float[] original = TestVectors.random(D, r);
    List<Sample> samples = new ArrayList<>();
    samples.add(sample("o", 400, original));
    int copies = DropNearDuplicates.MAX_RECHECKED_COMPONENT + 400;
    for (int i = 0; i < copies; i++) {
      samples.add(
          sample(
              String.format(Locale.ROOT, "c%05d", i),
              100,
              TestVectors.atCosine(original, 0.97, TestVectors.random(D, r))));
    }
    List<String> kept = new ArrayList<>(List.of("o"));
    for (int i = 0; i < 50; i++) {
      String key = String.format(Locale.ROOT, "u%02d", i);
      samples.add(sample(key, 100, TestVectors.atCosine(original, 0.2, TestVectors.random(D, r))));
      kept.add(key);
    }
    Pipeline p = Pipeline.create(RunWinnow.options("flink", 2));
    StageResult<Sample> out =
        p.apply(Create.of(samples).withCoder(new SampleCoder()))
            .apply(DropNearDuplicates.with(D, 0.9).withK(8).withExactSearch(true));
    PAssert.that(
            out.accepted()
                .apply("KeptKeys", MapElements.into(TypeDescriptors.strings()).via(Sample::key)))
        .containsInAnyOrder(kept);
    PAssert.that(
            out.rejections()
                .apply(
                    "Details",
                    MapElements.into(TypeDescriptors.strings())
                        .via((Rejection x) -> x.reason().wireName() + " " + x.detail())))
        .satisfies(
            details -> {
              List<String> all = new ArrayList<>();
              details.forEach(all::add);
              assertThat(all).hasSize(copies);
              assertThat(all)
                  .allMatch(
                      d ->
                          d.startsWith("near-duplicate near-duplicate of o (")
                              && d.endsWith("group of " + (copies + 1) + ")"),
                      "each names the original and the group's size");
              return null;
            });
    p.run().waitUntilFinish();
  }
}
