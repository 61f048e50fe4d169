package io.winnow.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.LocalFeatures;
import io.winnow.copydetect.Pdq;
import io.winnow.copydetect.UniformBorder;
import io.winnow.knn.KnnJoinTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class PdqCandidatesTest {
  private static final int QUALITY = 100;

  private static long[] random(Random r) {
    return new long[] {r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong()};
  }

  /** A fingerprint with these eight hashes (in {@link Pdq.Dihedral} order) and no keypoints. */
  private static KV<String, byte[]> image(String key, long[][] dihedrals, int quality) {
    Pdq.Hash[] hashes = new Pdq.Hash[dihedrals.length];
    for (int d = 0; d < hashes.length; d++) {
      hashes[d] = Pdq.Hash.fromLongArray(dihedrals[d], quality);
    }
    LocalFeatures none =
        new LocalFeatures(
            64, 64, new float[0], new long[0], new float[0], new long[0], 1, 1, new byte[1]);
    Fingerprint print =
        new Fingerprint(new UniformBorder.Box(0, 0, 64, 64), Pdq.Dihedrals.of(hashes), none);
    return KV.of(key, print.encode());
  }

  private static long[][] turns(Random r) {
    long[][] d = new long[Pdq.Dihedral.values().length][];
    for (int i = 0; i < d.length; i++) {
      d[i] = random(r);
    }
    return d;
  }

  private static long[] flipBits(long[] words, int bits) {
    long[] out = words.clone();
    for (int b = 0; b < bits; b++) {
      out[b % 4] ^= 1L << (b * 7 % 64);
    }
    return out;
  }

  private static PCollection<KV<String, String>> candidates(
      Pipeline p, List<KV<String, byte[]>> images, int maxBucket) {
    return p.apply(
            Create.of(images).withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply(new PdqCandidates(31, maxBucket))
        .apply(Distinct.create());
  }

  @Test
  void aTurnedCopyWithinTheDistanceIsACandidateAndAnUnrelatedHashIsNot() {
    Random r = new Random(3);
    long[][] original = turns(r);
    long[][] copy = turns(r);
    // The copy is the original rotated by 90 degrees, with 12 bits changed.
    copy[Pdq.Dihedral.ORIGINAL.ordinal()] =
        flipBits(original[Pdq.Dihedral.ROTATE_90.ordinal()], 12);
    long[][] far = turns(r);
    long[][] blank = turns(r);
    blank[0] = original[0].clone(); // the same hash, but too featureless to count
    Pipeline p = KnnJoinTest.pipeline();
    PAssert.that(
            candidates(
                p,
                List.of(
                    image("a", original, QUALITY),
                    image("b", copy, QUALITY),
                    image("c", far, QUALITY),
                    image("d", blank, Pdq.MIN_QUALITY - 1)),
                1_000))
        .containsInAnyOrder(KV.of("a", "b"));
    p.run().waitUntilFinish();
  }

  @Test
  void aBucketOverItsCapIsSkippedAndOneWithinItIsCompared() {
    Random r = new Random(4);
    long[] shared = random(r);
    List<KV<String, byte[]>> images = new ArrayList<>();
    List<KV<String, String>> allPairs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long[][] d = turns(r);
      d[0] = shared.clone();
      images.add(image("k" + i, d, QUALITY));
      for (int j = 0; j < i; j++) {
        allPairs.add(KV.of("k" + j, "k" + i));
      }
    }
    Pipeline p = KnnJoinTest.pipeline();
    // Five identical hashes put five entries in each of their 16 buckets.
    PAssert.that(candidates(p, images, 4)).empty();
    p.run().waitUntilFinish();
    Pipeline q = KnnJoinTest.pipeline();
    PAssert.that(candidates(q, images, 5)).containsInAnyOrder(allPairs);
    q.run().waitUntilFinish();
  }

  @Test
  void gatheringStopsKeepingEntriesPastTheCap() {
    PdqCandidates.GatherFn gather = new PdqCandidates.GatherFn(2);
    PdqCandidates.Entry e = new PdqCandidates.Entry("x", PdqCandidates.BOTH, new long[4]);
    PdqCandidates.Bucket two = gather.addInput(gather.addInput(gather.createAccumulator(), e), e);
    assertThat(gather.extractOutput(two).entries()).hasSize(2);
    PdqCandidates.Bucket one = gather.addInput(gather.createAccumulator(), e);
    assertThat(gather.extractOutput(gather.mergeAccumulators(List.of(two, one))).overflowed())
        .isTrue();
    assertThat(gather.extractOutput(gather.addInput(two, e)).overflowed()).isTrue();
    PdqCandidates.Bucket again = gather.addInput(gather.createAccumulator(), e);
    assertThat(gather.extractOutput(gather.mergeAccumulators(List.of(one, again))).entries())
        .hasSize(2);
  }
}
