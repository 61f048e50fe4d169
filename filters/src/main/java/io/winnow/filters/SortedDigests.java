package io.winnow.filters;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The md5 or sha256 entries of {@link KnownBadHashes}: digests of one width, sorted, in one array
 * (no per-entry objects), each with its list and line; looked up by binary search.
 */
final class SortedDigests implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One listed digest, as the builder collects it. */
  record Entry(byte[] digest, int list, int line) {}

  private final int width;
  private final byte[] sorted;
  private final int[] lists;
  private final int[] lines;

  SortedDigests(int width, List<Entry> entries) {
    this.width = width;
    List<Entry> order = new ArrayList<>(entries);
    // Stable: of equal digests, the first listed is the one a match names.
    order.sort((a, b) -> Arrays.compareUnsigned(a.digest(), b.digest()));
    sorted = new byte[order.size() * width];
    lists = new int[order.size()];
    lines = new int[order.size()];
    for (int i = 0; i < order.size(); i++) {
      System.arraycopy(order.get(i).digest(), 0, sorted, i * width, width);
      lists[i] = order.get(i).list();
      lines[i] = order.get(i).line();
    }
  }

  int size() {
    return lists.length;
  }

  int list(int at) {
    return lists[at];
  }

  int line(int at) {
    return lines[at];
  }

  /** The first entry equal to the digest, or -1 (also for null or malformed hex). */
  int find(String hex) {
    if (hex == null || hex.length() != 2 * width || size() == 0) {
      return -1;
    }
    byte[] key;
    try {
      key = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return -1;
    }
    int lo = 0;
    int hi = size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c = Arrays.compareUnsigned(sorted, mid * width, mid * width + width, key, 0, width);
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < size()
            && Arrays.compareUnsigned(sorted, lo * width, lo * width + width, key, 0, width) == 0
        ? lo
        : -1;
  }
}
