package io.winnow.dedup;

import java.util.HashMap;
import java.util.Map;

/**
 * Disjoint sets over string keys (path halving, union by size). Each component is named by its
 * smallest key, so the naming does not depend on the order edges arrive in.
 */
public final class UnionFind {
  private final Map<String, Integer> index = new HashMap<>();
  private String[] keys = new String[16];
  private int[] parent = new int[16];
  private int[] size = new int[16];
  private int count;

  private int id(String key) {
    Integer existing = index.get(key);
    if (existing != null) {
      return existing;
    }
    if (count == parent.length) {
      keys = java.util.Arrays.copyOf(keys, count * 2);
      parent = java.util.Arrays.copyOf(parent, count * 2);
      size = java.util.Arrays.copyOf(size, count * 2);
    }
    keys[count] = key;
    parent[count] = count;
    size[count] = 1;
    index.put(key, count);
    return count++;
  }

  private int root(int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  public void union(String a, String b) {
    int ra = root(id(a));
    int rb = root(id(b));
    if (ra == rb) {
      return;
    }
    if (size[ra] < size[rb]) {
      int t = ra;
      ra = rb;
      rb = t;
    }
    parent[rb] = ra;
    size[ra] += size[rb];
  }

  /** Every key seen, mapped to its component's smallest key. */
  public Map<String, String> components() {
    Map<Integer, String> smallest = new HashMap<>();
    for (int i = 0; i < count; i++) {
      smallest.merge(root(i), keys[i], (x, y) -> x.compareTo(y) <= 0 ? x : y);
    }
    Map<String, String> out = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      out.put(keys[i], smallest.get(root(i)));
    }
    return out;
  }

  public int size() {
    return count;
  }
}
