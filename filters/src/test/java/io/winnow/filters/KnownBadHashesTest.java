package io.winnow.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.copydetect.Pdq;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KnownBadHashesTest {
  private static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";
  private static final String SHA =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void digestsMatchExactlyAndNameTheirListAndLine() {
    KnownBadHashes lists =
        KnownBadHashes.builder()
            .add("a.txt", List.of("# hotline export", "", "md5:" + MD5.toUpperCase()))
            .add("b.txt", List.of("sha256:" + SHA))
            .build();
    assertThat(lists.counts()).isEqualTo(new KnownBadHashes.Counts(1, 1, 0));
    assertThat(lists.matchDigests(null, MD5))
        .isEqualTo(new KnownBadHashes.Match("a.txt", 3, "md5", 0));
    assertThat(lists.matchDigests(SHA, null).detail())
        .isEqualTo("on known-bad list b.txt line 1 (sha256)");
    assertThat(lists.matchDigests(SHA.replace('e', 'f'), MD5.replace('d', 'e'))).isNull();
    assertThat(lists.matchDigests("not hex", "short")).isNull();
  }

  @Test
  void badLinesAreErrorsThatNameTheLine() {
    assertThatThrownBy(() -> KnownBadHashes.builder().add("x.txt", List.of("# ok", "md5:abc")))
        .hasMessageContaining("x.txt line 2")
        .hasMessageContaining("32 hex digits");
    assertThatThrownBy(() -> KnownBadHashes.builder().add("x.txt", List.of("crc:00")))
        .hasMessageContaining("line 1")
        .hasMessageContaining("unknown hash kind 'crc'");
    assertThatThrownBy(
            () -> KnownBadHashes.builder().add("x.txt", List.of("pdq:" + "0".repeat(64) + " 64")))
        .hasMessageContaining("0 to 63");
    assertThatThrownBy(
            () -> KnownBadHashes.builder().add("x.txt", List.of("pdq:" + "g".repeat(64))))
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> KnownBadHashes.builder().add("x.txt", List.of(MD5)))
        .hasMessageContaining("expected md5:HEX");
  }

  @Test
  void pdqMatchesWithinEachEntrysOwnDistance() {
    Random random = new Random(7);
    Pdq.Hash original = randomHash(random);
    KnownBadHashes lists =
        KnownBadHashes.builder().add("l", List.of("pdq:" + original.hex() + " 10")).build();
    assertThat(lists.matchPdq(flip(original, 10, random)).distance()).isEqualTo(10);
    assertThat(lists.matchPdq(flip(original, 11, random))).isNull();
    KnownBadHashes wide =
        KnownBadHashes.builder().add("l", List.of("pdq:" + original.hex())).build();
    assertThat(wide.matchPdq(flip(original, 31, random))).isNotNull();
    assertThat(wide.matchPdq(flip(original, 32, random))).isNull();
  }

  /** The multi-index finds exactly what a scan of every entry finds. */
  @Test
  void theIndexAgreesWithAFullScan() {
    Random random = new Random(11);
    List<Pdq.Hash> entries = new ArrayList<>();
    List<Integer> limits = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      Pdq.Hash h = randomHash(random);
      int limit = random.nextInt(64);
      entries.add(h);
      limits.add(limit);
      lines.add("pdq:" + h.hex() + " " + limit);
    }
    KnownBadHashes lists = KnownBadHashes.builder().add("big", lines).build();
    int matched = 0;
    for (int q = 0; q < 1500; q++) {
      Pdq.Hash base = entries.get(random.nextInt(entries.size()));
      Pdq.Hash query = flip(base, random.nextInt(80), random);
      int bestLine = -1;
      int bestDistance = Integer.MAX_VALUE;
      for (int e = 0; e < entries.size(); e++) {
        int d = query.distance(entries.get(e));
        if (d <= limits.get(e) && d < bestDistance) {
          bestDistance = d;
          bestLine = e + 1;
        }
      }
      KnownBadHashes.Match m = lists.matchPdq(query);
      if (bestLine < 0) {
        assertThat(m).isNull();
      } else {
        matched++;
        assertThat(m).isNotNull();
        assertThat(m.distance()).isEqualTo(bestDistance);
        assertThat(m.line()).isEqualTo(bestLine);
      }
    }
    assertThat(matched).isBetween(300, 1200);
  }

  @Test
  void probesCoverTheRadiusWithoutRepeats() {
    int[] out = new int[1 + 16 + 120 + 560];
    assertThat(PdqMultiIndex.probes(0x1234, 0, out)).isEqualTo(1);
    assertThat(PdqMultiIndex.probes(0x1234, 1, out)).isEqualTo(17);
    assertThat(PdqMultiIndex.probes(0x1234, 3, out)).isEqualTo(697);
    assertThat(java.util.Arrays.stream(out).distinct().count()).isEqualTo(697);
    for (int v : out) {
      assertThat(Integer.bitCount(v ^ 0x1234)).isLessThanOrEqualTo(3);
    }
  }

  private static Pdq.Hash randomHash(Random random) {
    return Pdq.Hash.fromLongArray(
        new long[] {random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()},
        Pdq.UNKNOWN_QUALITY);
  }

  private static Pdq.Hash flip(Pdq.Hash hash, int bits, Random random) {
    long[] words = hash.toLongArray();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      positions.add(i);
    }
    java.util.Collections.shuffle(positions, random);
    for (int i = 0; i < bits; i++) {
      int k = positions.get(i);
      words[k / 64] ^= 1L << (k % 64);
    }
    return Pdq.Hash.fromLongArray(words, Pdq.UNKNOWN_QUALITY);
  }
}
