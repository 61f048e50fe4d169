package io.winnow.retrieval;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * A pool image in a sampling step: its sampling hash (a seeded hash of its key, 63 bits, uniform),
 * its key and its cluster. Sampling keeps the smallest hashes, then the smallest keys:
 * reproducible, spread evenly, and changed only by changing the sampling seed.
 */
record Ranked(long hash, String key, int cluster) {
  /** Best first: the smallest hash, then the smallest key. */
  static final Comparator<Ranked> BEST_FIRST =
      Comparator.comparingLong(Ranked::hash).thenComparing(Ranked::key);

  static Ranked of(long samplingSeed, String key, int cluster) {
    return new Ranked(samplingHash(samplingSeed, key), key, cluster);
  }

  static long samplingHash(long seed, String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Long.toString(seed).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) ':');
      sha.update(key.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(sha.digest()).getLong() >>> 1;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code n} best of {@code ranked}, best first, holding no more than {@code n} at once. */
  static List<Ranked> best(Iterable<Ranked> ranked, long n) {
    // Worst first, so the head is the one to drop when the queue grows past n.
    PriorityQueue<Ranked> kept = new PriorityQueue<>(BEST_FIRST.reversed());
    for (Ranked r : ranked) {
      kept.add(r);
      if (kept.size() > n) {
        kept.poll();
      }
    }
    List<Ranked> best = new ArrayList<>(kept);
    best.sort(BEST_FIRST);
    return best;
  }

  /** Hash, key and cluster in about 30 bytes (Java serialization takes several times that). */
  static final class Coder extends AtomicCoder<Ranked> {
    private static final StringUtf8Coder KEY = StringUtf8Coder.of();
    private static final VarIntCoder CLUSTER = VarIntCoder.of();

    @Override
    public void encode(Ranked value, OutputStream out) throws IOException {
      new DataOutputStream(out).writeLong(value.hash());
      KEY.encode(value.key(), out);
      CLUSTER.encode(value.cluster(), out);
    }

    @Override
    public Ranked decode(InputStream in) throws IOException {
      long hash = new DataInputStream(in).readLong();
      return new Ranked(hash, KEY.decode(in), CLUSTER.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
