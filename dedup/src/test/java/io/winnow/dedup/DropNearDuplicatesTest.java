package io.winnow.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoinTest;
import io.winnow.knn.TestVectors;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

class DropNearDuplicatesTest {
  private static final int D = 16;

  static Sample sample(String key, String sha, int side, float[] vector) {
    return Sample.builder(key, "http://x/" + key)
        .sha256(sha)
        .originalSize(side, side)
        .storedSize(64, 64)
        .image(new byte[] {1})
        .embedding(vector)
        .build();
  }

  private static StageResult<Sample> run(Pipeline p, List<Sample> samples, double threshold) {
    return p.apply(Create.of(samples).withCoder(new SampleCoder()))
        .apply(DropNearDuplicates.with(D, threshold).withK(8).withExactSearch(true));
  }

  private static void expect(
      List<Sample> samples, double threshold, List<String> kept, List<String> rejections) {
    Pipeline p = KnnJoinTest.pipeline();
    StageResult<Sample> out = run(p, samples, threshold);
    PAssert.that(
            out.accepted()
                .apply("KeptKeys", MapElements.into(TypeDescriptors.strings()).via(Sample::key)))
        .containsInAnyOrder(kept);
    PAssert.that(
            out.rejections()
                .apply(
                    "Rejected",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (Rejection r) ->
                                r.key() + " " + r.reason().wireName() + " " + r.detail())))
        .containsInAnyOrder(rejections);
    p.run().waitUntilFinish();
  }

  @Test
  void exactDuplicatesKeepTheSmallestKey() {
    Random r = new Random(1);
    float[] v = TestVectors.random(D, r);
    expect(
        List.of(
            sample("b", "sha1", 100, v),
            sample("a", "sha1", 100, v),
            sample("c", "sha2", 100, TestVectors.random(D, r))),
        0.99,
        List.of("a", "c"),
        List.of("b exact-duplicate same bytes (sha256 sha1) as a (http://x/a)"));
  }

  @Test
  void aChainRemovesOnlyVerifiedCopiesOfAKeptImage() {
    Random r = new Random(2);
    float[] a = TestVectors.random(D, r);
    float[] seed = TestVectors.random(D, r);
    float[] b = TestVectors.atCosine(a, 0.95, seed); // a~b
    float[] awayFromA = a.clone();
    for (int i = 0; i < D; i++) {
      awayFromA[i] = -awayFromA[i];
    }
    float[] c = TestVectors.atCosine(b, 0.95, awayFromA); // b~c, turned away from a
    double ac = KeyedVector.dot(a, c);
    assertThat(ac).as("a and c are not near each other").isLessThan(0.9);
    float[] lone = TestVectors.random(D, r);
    // c is the largest image, so it is kept first; b is its copy and goes. a is a copy of b
    // only, which is not kept: nothing says a is a copy of c, so a stays.
    String bcSim = String.format(java.util.Locale.ROOT, "%.4f", KeyedVector.dot(b, c));
    expect(
        List.of(
            sample("a", "s1", 100, a),
            sample("b", "s2", 100, b),
            sample("c", "s3", 300, c),
            sample("z", "s4", 100, lone)),
        0.9,
        List.of("a", "c", "z"),
        List.of(
            "b near-duplicate near-duplicate of c (cosine "
                + bcSim
                + ", embedding only: no fingerprint, group of 3)"));
  }

  @Test
  void aPairExactlyAtTheThresholdIsADuplicate() {
    float[] a = new float[D];
    a[0] = 1;
    float[] b = new float[D];
    b[0] = 0.75f; // exact in binary: cosine 0.75 * 1 + 0.5 * 0 ... normalised below
    b[1] = (float) Math.sqrt(1 - 0.75 * 0.75);
    float cosine = KeyedVector.dot(a, b);
    expect(
        List.of(sample("a", "s1", 100, a), sample("b", "s2", 100, b)),
        cosine,
        List.of("a"),
        List.of(
            String.format(
                java.util.Locale.ROOT,
                "b near-duplicate near-duplicate of a (cosine %.4f, embedding only: no fingerprint, "
                    + "group of 2)",
                cosine)));
    float above = Math.nextUp(cosine);
    expect(
        List.of(sample("a", "s1", 100, a), sample("b", "s2", 100, b)),
        above,
        List.of("a", "b"),
        List.of());
  }

  @Test
  void wrongDimensionsAreRejectedWithAReason() {
    Random r = new Random(3);
    expect(
        List.of(
            sample("ok", "s1", 10, TestVectors.random(D, r)),
            sample("short", "s2", 10, new float[] {1, 0}),
            Sample.builder("none", "http://x/none").sha256("s3").image(new byte[] {1}).build()),
        0.9,
        List.of("ok"),
        List.of(
            "short bad-embedding embedding has 2 dimensions, the model 16",
            "none bad-embedding no embedding"));
  }

  @Test
  void emptyAndSingleInputs() {
    expect(List.of(), 0.9, List.of(), List.of());
    expect(
        List.of(sample("one", "s", 10, TestVectors.random(D, new Random(4)))),
        0.9,
        List.of("one"),
        List.of());
  }

  @Test
  void examplesAreSampledPerSimilarityBandWithTheImagesOfBothSides() {
    // 40 pairs (kept_i, copy_i) at cosines spread over [0.90, 1): 2 per band of 8 are picked,
    // plus the 2 closest to the threshold, whichever band they are in.
    Random r = new Random(7);
    List<Sample> samples = new ArrayList<>();
    List<Float> cosines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float[] kept = TestVectors.random(D, r);
      double cosine = 0.901 + i * 0.0024;
      samples.add(sample(String.format("k%02d", i), "sk" + i, 200, kept));
      samples.add(
          sample(
              String.format("c%02d", i),
              "sc" + i,
              100,
              TestVectors.atCosine(kept, cosine, TestVectors.random(D, r))));
    }
    Pipeline p = KnnJoinTest.pipeline();
    // Without verification the bands span [threshold, 1].
    StageResult<Sample> out =
        p.apply(Create.of(samples).withCoder(new SampleCoder()))
            .apply(
                DropNearDuplicates.with(D, 0.9)
                    .withK(8)
                    .withExactSearch(true)
                    .withoutVerification());
    PAssert.that(out.tap(DropNearDuplicates.EXAMPLES))
        .satisfies(
            examples -> {
              List<DuplicateExample> all = new ArrayList<>();
              examples.forEach(all::add);
              java.util.Set<String> distinct = new java.util.HashSet<>();
              all.forEach(e -> distinct.add(e.removedKey()));
              assertThat(distinct).hasSizeBetween(15, 18);
              for (DuplicateExample e : all) {
                assertThat(e.keptKey()).isEqualTo("k" + e.removedKey().substring(1));
                assertThat(e.exact()).isFalse();
              }
              int[] perBand = new int[DuplicateExample.BANDS];
              all.stream()
                  .map(DuplicateExample::removedKey)
                  .distinct()
                  .forEach(
                      key ->
                          perBand[
                              DuplicateExample.band(
                                  0.9,
                                  all.stream()
                                      .filter(e -> e.removedKey().equals(key))
                                      .findFirst()
                                      .orElseThrow()
                                      .similarity())]++);
              for (int band = 0; band < perBand.length; band++) {
                assertThat(perBand[band]).as("band %d", band).isBetween(2, 4);
              }
              // The two closest to the threshold are always there.
              assertThat(distinct).contains("c00", "c01");
              return null;
            });
    PAssert.that(
            out.tap(DropNearDuplicates.EXAMPLE_IMAGES)
                .apply("ImageKeys", MapElements.into(TypeDescriptors.strings()).via(Sample::key)))
        .satisfies(
            keys -> {
              java.util.Set<String> shown = new java.util.HashSet<>();
              keys.forEach(shown::add);
              assertThat(shown).contains("c00", "k00", "c01", "k01");
              assertThat(shown.stream().filter(k -> k.startsWith("c")).count())
                  .isEqualTo(shown.stream().filter(k -> k.startsWith("k")).count());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void bandsSplitTheRangeFromTheThresholdToOne() {
    assertThat(DuplicateExample.band(0.9, 0.9f)).isZero();
    assertThat(DuplicateExample.band(0.9, 0.9126f)).isEqualTo(1);
    assertThat(DuplicateExample.band(0.9, 1.0f)).isEqualTo(DuplicateExample.BANDS - 1);
    assertThat(DuplicateExample.band(0.5, 0.74f)).isEqualTo(3);
  }
}
