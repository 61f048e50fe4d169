package io.winnow.bench;

import io.winnow.knn.KeyedVector;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A web-like duplicate structure for {@link DedupScaleBench}, generated from each vector's index so
 * any worker makes the same vectors: 30 % of the images are in copy groups whose sizes follow a
 * power law (P(copies ≥ s) = 1/s, 1 to 50,000 copies), plus one giant group of {@code giant}
 * copies; the rest are distinct random unit vectors (d = 384).
 *
 * <ul>
 *   <li>A <em>star</em> group is an original and copies at cosine 0.92 to it; copies are about 0.85
 *       to one another, below the 0.9 threshold, so the only near-duplicate edges join each copy to
 *       its original (a hub of up to 50,000 or {@code giant} edges). The original has the largest
 *       picture: the right answer removes every copy.
 *   <li>A <em>chain</em> (a fifth of the groups of up to 10 copies) is a copy of a copy of a copy,
 *       each at 0.92 to the one before and 0.85 to the one before that, with pictures shrinking
 *       along it: the star rule keeps the head, removes the next, keeps the one after (its only
 *       kept neighbour is gone), and so on, so ⌈L/2⌉ of L copies go.
 * </ul>
 *
 * Keys are a bijective hash of the index, so neither key order nor partitioning follows the groups.
 */
final class PowerLawCopies implements Serializable {
  static final int D = 384;
  static final double COPY_COSINE = 0.92;
  static final int MAX_COPIES = 50_000;
  static final double DUPLICATED_SHARE = 0.3;

  private final long n;
  private final long[] starts;
  private final int[] copies;
  private final boolean[] chain;
  private final long groupedEnd;
  private final long expectedRemovals;

  private PowerLawCopies(long n, long[] starts, int[] copies, boolean[] chain, long removals) {
    this.n = n;
    this.starts = starts;
    this.copies = copies;
    this.chain = chain;
    int last = starts.length - 1;
    this.groupedEnd = last < 0 ? 0 : starts[last] + copies[last] + 1;
    this.expectedRemovals = removals;
  }

  static PowerLawCopies of(long n, int giant) {
    Random random = new Random(20261203L);
    long budget = (long) (n * DUPLICATED_SHARE);
    List<long[]> groups = new ArrayList<>(); // start, copies, chain (0/1)
    long next = 0;
    long removals = 0;
    if (giant > 0) {
      groups.add(new long[] {0, giant, 0});
      next = giant + 1L;
      removals += giant;
    }
    while (next + 2 <= budget) {
      int s = (int) Math.min(MAX_COPIES, Math.floor(1 / (1 - random.nextDouble())));
      s = (int) Math.min(s, budget - next - 1);
      boolean isChain = s <= 10 && random.nextInt(5) == 0;
      groups.add(new long[] {next, s, isChain ? 1 : 0});
      removals += isChain ? (s + 1) / 2 : s;
      next += s + 1L;
    }
    long[] starts = new long[groups.size()];
    int[] copies = new int[groups.size()];
    boolean[] chain = new boolean[groups.size()];
    for (int g = 0; g < groups.size(); g++) {
      starts[g] = groups.get(g)[0];
      copies[g] = (int) groups.get(g)[1];
      chain[g] = groups.get(g)[2] == 1;
    }
    if (next > n) {
      throw new IllegalArgumentException("the giant group does not fit in " + n + " vectors");
    }
    return new PowerLawCopies(n, starts, copies, chain, removals);
  }

  long size() {
    return n;
  }

  long expectedRemovals() {
    return expectedRemovals;
  }

  int groups() {
    return starts.length;
  }

  int largestGroup() {
    return Arrays.stream(copies).max().orElse(0) + 1;
  }

  long grouped() {
    return groupedEnd;
  }

  /** The group index {@code i} is in, or -1 if it is a distinct image. */
  private int group(long i) {
    if (i >= groupedEnd) {
      return -1;
    }
    int g = Arrays.binarySearch(starts, i);
    return g >= 0 ? g : -g - 2;
  }

  static String key(long i) {
    long z = i + 0x9E3779B97F4A7C15L; // SplitMix64's finaliser: a bijection, so keys are unique
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return String.format(Locale.ROOT, "%016x", z ^ (z >>> 31));
  }

  /** Side of the image's square original picture: originals largest, chains shrinking. */
  int side(long i) {
    int g = group(i);
    if (g < 0 || i == starts[g]) {
      return 512;
    }
    return chain[g] ? 512 - 16 * (int) (i - starts[g]) : 256;
  }

  /** Whether the right answer removes image {@code i}. */
  boolean removable(long i) {
    int g = group(i);
    if (g < 0 || i == starts[g]) {
      return false;
    }
    return !chain[g] || (i - starts[g]) % 2 == 1;
  }

  float[] vector(long i) {
    int g = group(i);
    if (g < 0 || i == starts[g]) {
      return unit(new Random(i * 0x9E3779B97F4A7C15L));
    }
    return atCosine(vector(chain[g] ? i - 1 : starts[g]), COPY_COSINE, new Random(i * 31 + 7));
  }

  private static float[] unit(Random random) {
    float[] v = new float[D];
    for (int j = 0; j < D; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return KeyedVector.normalise(v);
  }

  /** A unit vector at exactly {@code cosine} to {@code base}, in a random direction. */
  private static float[] atCosine(float[] base, double cosine, Random random) {
    float[] u = unit(random);
    double dot = KeyedVector.dot(u, base);
    for (int j = 0; j < D; j++) {
      u[j] -= (float) (dot * base[j]);
    }
    KeyedVector.normalise(u);
    double s = Math.sqrt(1 - cosine * cosine);
    float[] v = new float[D];
    for (int j = 0; j < D; j++) {
      v[j] = (float) (cosine * base[j] + s * u[j]);
    }
    return KeyedVector.normalise(v);
  }
}
