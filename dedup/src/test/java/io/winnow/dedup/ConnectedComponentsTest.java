package io.winnow.dedup;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.knn.KnnJoinTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
  private static String key(int i) {
    return String.format(Locale.ROOT, "n%04d", i);
  }

  /** A chain n0000-n0001-…-n0199 in key order (the slowest order), and a separate pair. */
  private static List<KV<String, String>> chainAndPair() {
    List<KV<String, String>> edges = new ArrayList<>();
    for (int i = 1; i < 200; i++) {
      edges.add(i % 2 == 0 ? KV.of(key(i - 1), key(i)) : KV.of(key(i), key(i - 1)));
    }
    edges.add(KV.of("z2", "z1"));
    edges.add(KV.of("z1", "z2")); // the same edge twice, and a self-loop: both harmless
    edges.add(KV.of("z1", "z1"));
    return edges;
  }

  private static PCollection<KV<String, String>> labels(Pipeline p, int rounds) {
    return p.apply(
            Create.of(chainAndPair())
                .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply(ConnectedComponents.inRounds(rounds));
  }

  @Test
  void everyNodeIsLabelledWithTheSmallestKeyOfItsComponent() {
    Pipeline p = KnnJoinTest.pipeline();
    List<KV<String, String>> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add(KV.of(key(i), key(0)));
    }
    expected.add(KV.of("z1", "z1"));
    expected.add(KV.of("z2", "z1"));
    PAssert.that(labels(p, ConnectedComponents.DEFAULT_ROUNDS)).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void tooFewRoundsFailTheRunSayingSo() {
    Pipeline p = KnnJoinTest.pipeline();
    labels(p, 1);
    assertThatThrownBy(() -> p.run().waitUntilFinish())
        .hasMessageContaining("did not converge in 1 rounds")
        .hasMessageContaining("--dedup-component-rounds");
  }
}
