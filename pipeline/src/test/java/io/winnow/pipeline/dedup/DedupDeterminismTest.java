package io.winnow.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.dedup.DropNearDuplicates;
import io.winnow.knn.KeyedVector;
import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;

/**
 * The kept set and every removal do not depend on the runner's parallelism or on input order: the
 * same samples on Flink's embedded cluster with parallelism 1 and 3 (input shuffled), in the
 * partitioned k-NN mode (about 300 vectors per partition, so many partitions).
 */
class DedupDeterminismTest {
  private static final int D = 32;
  private static final Set<String> OUT = ConcurrentHashMap.newKeySet();

  static List<Sample> samples(long seed) {
    Random random = new Random(seed);
    List<Sample> out = new ArrayList<>();
    List<float[]> originals = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      float[] v = new float[D];
      for (int j = 0; j < D; j++) {
        v[j] = (float) random.nextGaussian();
      }
      originals.add(KeyedVector.normalise(v));
    }
    for (int i = 0; i < 2_400; i++) {
      // Two thirds are originals; a third are noisy copies of an earlier original.
      float[] v =
          i < 1_500 ? originals.get(i) : noisy(originals.get(random.nextInt(1_500)), random);
      int side = 100 + random.nextInt(400);
      out.add(
          Sample.builder(
                  String.format(Locale.ROOT, "%020x", (long) i * 2654435761L), "http://x/" + i)
              .sha256("sha" + (i % 2_300)) // and a hundred exact duplicates
              .originalSize(side, side)
              .storedSize(64, 64)
              .image(new byte[] {1})
              .embedding(v)
              .build());
    }
    return out;
  }

  private static float[] noisy(float[] base, Random random) {
    float[] v = base.clone();
    for (int j = 0; j < D; j++) {
      v[j] += (float) (0.05 * random.nextGaussian());
    }
    return KeyedVector.normalise(v);
  }

  private static Set<String> run(List<Sample> samples, int parallelism) {
    OUT.clear();
    Pipeline p = Pipeline.create(RunWinnow.options("flink", parallelism));
    StageResult<Sample> out =
        p.apply(Create.of(samples).withCoder(new SampleCoder()))
            .apply(DropNearDuplicates.with(D, 0.9).withK(16).withPartitionSize(300));
    out.accepted()
        .apply(
            "Kept",
            ParDo.of(
                new DoFn<Sample, Void>() {
                  @ProcessElement
                  public void process(@Element Sample s) {
                    OUT.add("kept " + s.key());
                  }
                }));
    out.rejections()
        .apply(
            "Removed",
            ParDo.of(
                new DoFn<Rejection, Void>() {
                  @ProcessElement
                  public void process(@Element Rejection r) {
                    OUT.add(r.key() + " " + r.reason().wireName() + " " + r.detail());
                  }
                }));
    p.run().waitUntilFinish();
    return new TreeSet<>(OUT);
  }

  @Test
  void sameKeptSetWhateverTheParallelismOrOrder() {
    List<Sample> samples = samples(7);
    Set<String> one = run(samples, 1);
    List<Sample> shuffled = new ArrayList<>(samples);
    Collections.shuffle(shuffled, new Random(99));
    Set<String> three = run(shuffled, 3);
    assertThat(one).hasSize(2_400);
    long removedNear = one.stream().filter(s -> s.contains(" near-duplicate ")).count();
    long removedExact = one.stream().filter(s -> s.contains(" exact-duplicate ")).count();
    assertThat(removedExact).isEqualTo(100);
    assertThat(removedNear).as("most of the 900 noisy copies").isGreaterThan(750);
    assertThat(three).isEqualTo(one);
  }
}
