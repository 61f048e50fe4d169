package io.winnow.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How many images each cluster gives so that a target is spread as evenly as the clusters allow:
 * every cluster gets the same share, a cluster smaller than its share gives all it has, and what it
 * could not give is shared among the others (water-filling). Applied top-down through a cluster
 * hierarchy, so each branch gets an even share at every level. Deterministic: leftover single
 * images go to the lowest cluster indices.
 */
public final class BalancedQuotas {
  private BalancedQuotas() {}

  /** Quotas for clusters of the given capacities; they sum to min(target, total capacity). */
  public static long[] allocate(long target, long[] capacity) {
    int n = capacity.length;
    long[] quota = new long[n];
    long total = 0;
    for (long c : capacity) {
      total += c;
    }
    long remaining = Math.min(target, total);
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (capacity[i] > 0) {
        open.add(i);
      }
    }
    while (remaining > 0 && !open.isEmpty()) {
      long share = remaining / open.size();
      if (share == 0) {
        open.sort(Comparator.naturalOrder());
        for (int i = 0; i < remaining; i++) {
          quota[open.get(i)]++;
        }
        break;
      }
      List<Integer> stillOpen = new ArrayList<>();
      for (int i : open) {
        long give = Math.min(share, capacity[i] - quota[i]);
        quota[i] += give;
        remaining -= give;
        if (quota[i] < capacity[i]) {
          stillOpen.add(i);
        }
      }
      open = stillOpen;
    }
    return quota;
  }

  /**
   * Quotas of the level-1 clusters (those images are assigned to) for a hierarchy.
   *
   * @param sizes images per level-1 cluster
   * @param parents {@code parents[l][i]}: the level-(l+2) cluster of level-(l+1) cluster i
   */
  public static long[] hierarchical(long target, long[] sizes, int[][] parents) {
    // Capacities of every level, bottom-up.
    List<long[]> capacities = new ArrayList<>();
    capacities.add(sizes);
    for (int[] parent : parents) {
      long[] below = capacities.get(capacities.size() - 1);
      int count = 0;
      for (int p : parent) {
        count = Math.max(count, p + 1);
      }
      long[] level = new long[count];
      for (int i = 0; i < parent.length; i++) {
        level[parent[i]] += below[i];
      }
      capacities.add(level);
    }
    // Top-down: the top level shares the target, each node shares its quota among its children.
    long[] quota = allocate(target, capacities.get(capacities.size() - 1));
    for (int l = parents.length - 1; l >= 0; l--) {
      long[] children = capacities.get(l);
      long[] childQuota = new long[children.length];
      int parentCount = quota.length;
      for (int p = 0; p < parentCount; p++) {
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < children.length; i++) {
          if (parents[l][i] == p) {
            mine.add(i);
          }
        }
        long[] caps = new long[mine.size()];
        for (int j = 0; j < caps.length; j++) {
          caps[j] = children[mine.get(j)];
        }
        long[] given = allocate(quota[p], caps);
        for (int j = 0; j < caps.length; j++) {
          childQuota[mine.get(j)] = given[j];
        }
      }
      quota = childQuota;
    }
    return quota;
  }
}
