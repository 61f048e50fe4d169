package io.winnow.filters;

import io.winnow.copydetect.Pdq;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The PDQ entries of {@link KnownBadHashes} and their multi-index hash: the 256 bits cut into 16
 * words of 16 bits, so a hash within D bits of an entry shares a word within ⌊D/16⌋ bits with it,
 * and only entries that share such a word are compared in full. About 100 bytes an entry, in flat
 * arrays; the index itself is rebuilt where it is used, not serialized.
 */
final class PdqMultiIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final int WORDS = 16;
  private static final int WORD_BITS = 16;

  // 4 longs an entry (Pdq.Hash#toLongArray order), its limit, list and line.
  private final long[] pdqWords;
  private final byte[] pdqLimit;
  private final int[] pdqList;
  private final int[] pdqLine;
  private final int widestPdqLimit;
  private transient int[][] bucketStart;
  private transient int[][] bucketEntries;

  /** {@code refs}: each entry's list index and line. */
  PdqMultiIndex(List<long[]> hashes, List<Integer> limits, List<int[]> refs) {
    int n = limits.size();
    this.pdqWords = new long[n * 4];
    this.pdqLimit = new byte[n];
    this.pdqList = new int[n];
    this.pdqLine = new int[n];
    int widest = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(hashes.get(i), 0, pdqWords, 4 * i, 4);
      pdqLimit[i] = (byte) (int) limits.get(i);
      pdqList[i] = refs.get(i)[0];
      pdqLine[i] = refs.get(i)[1];
      widest = Math.max(widest, limits.get(i));
    }
    this.widestPdqLimit = widest;
  }

  int size() {
    return pdqLimit.length;
  }

  /**
   * The closest entry within its own distance of {@code hash}, or null; {@code lists} names them.
   */
  KnownBadHashes.Match closest(Pdq.Hash hash, List<String> lists) {
    index();
    long[] query = hash.toLongArray();
    int radius = widestPdqLimit / WORDS;
    int bestEntry = -1;
    int bestDistance = Integer.MAX_VALUE;
    int[] probes =
        new int
            [1
                + WORD_BITS
                + WORD_BITS * (WORD_BITS - 1) / 2
                + WORD_BITS * (WORD_BITS - 1) * (WORD_BITS - 2) / 6];
    for (int w = 0; w < WORDS; w++) {
      int value = word(query, 0, w);
      int count = probes(value, radius, probes);
      for (int p = 0; p < count; p++) {
        int bucket = probes[p];
        for (int k = bucketStart[w][bucket]; k < bucketStart[w][bucket + 1]; k++) {
          int entry = bucketEntries[w][k];
          int distance = distance(query, entry);
          if (distance <= pdqLimit[entry]
              && (distance < bestDistance || (distance == bestDistance && entry < bestEntry))) {
            bestEntry = entry;
            bestDistance = distance;
          }
        }
      }
    }
    return bestEntry < 0
        ? null
        : new KnownBadHashes.Match(
            lists.get(pdqList[bestEntry]), pdqLine[bestEntry], "pdq", bestDistance);
  }

  private int distance(long[] query, int entry) {
    int d = 0;
    for (int i = 0; i < 4; i++) {
      d += Long.bitCount(query[i] ^ pdqWords[4 * entry + i]);
    }
    return d;
  }

  private static int word(long[] words, int offset, int w) {
    return (int) (words[offset + w / 4] >>> (16 * (w % 4))) & 0xffff;
  }

  /** Every 16-bit value within {@code radius} (at most 3) bits of {@code value}. */
  static int probes(int value, int radius, int[] out) {
    int n = 0;
    out[n++] = value;
    if (radius >= 1) {
      for (int a = 0; a < WORD_BITS; a++) {
        out[n++] = value ^ (1 << a);
        if (radius >= 2) {
          for (int b = a + 1; b < WORD_BITS; b++) {
            out[n++] = value ^ (1 << a) ^ (1 << b);
            if (radius >= 3) {
              for (int c = b + 1; c < WORD_BITS; c++) {
                out[n++] = value ^ (1 << a) ^ (1 << b) ^ (1 << c);
              }
            }
          }
        }
      }
    }
    return n;
  }

  // The multi-index is rebuilt on each worker rather than serialized: it is a counting sort.
  private synchronized void index() {
    if (bucketStart != null) {
      return;
    }
    int n = pdqLimit.length;
    int[][] starts = new int[WORDS][];
    int[][] entries = new int[WORDS][];
    for (int w = 0; w < WORDS; w++) {
      int[] start = new int[(1 << WORD_BITS) + 1];
      for (int e = 0; e < n; e++) {
        start[word(pdqWords, 4 * e, w) + 1]++;
      }
      for (int v = 0; v < 1 << WORD_BITS; v++) {
        start[v + 1] += start[v];
      }
      int[] fill = Arrays.copyOf(start, start.length);
      int[] sorted = new int[n];
      for (int e = 0; e < n; e++) {
        sorted[fill[word(pdqWords, 4 * e, w)]++] = e;
      }
      starts[w] = start;
      entries[w] = sorted;
    }
    bucketEntries = entries;
    bucketStart = starts;
  }
}
