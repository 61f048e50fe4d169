package io.winnow.dedup;

import java.util.function.BiConsumer;

/**
 * The node-local steps of the alternating algorithm for connected components (Kiveris et al.,
 * "Connected Components in MapReduce and Beyond", SoCC 2014): each step sees one node and its
 * neighbours and emits new edges, always as (larger key, smaller key). Repeating large-star then
 * small-star turns every component into a star around its smallest key, in O(log² n) rounds in the
 * worst case and a handful on copy graphs; the edge count never grows (each emitted edge replaces
 * one seen). Pure logic: {@link ConnectedComponents} runs the steps, grouped through files, so a
 * node's neighbours are streamed, never held.
 */
final class StarContraction {
  private StarContraction() {}

  /**
   * Large-star at {@code node}: every neighbour larger than it is linked to the smallest of the
   * node and its neighbours. Reads {@code neighbours} twice.
   */
  static void largeStar(String node, Iterable<String> neighbours, BiConsumer<String, String> out) {
    String smallest = node;
    for (String v : neighbours) {
      if (v.compareTo(smallest) < 0) {
        smallest = v;
      }
    }
    for (String v : neighbours) {
      if (v.compareTo(node) > 0) {
        out.accept(v, smallest);
      }
    }
  }

  /**
   * Small-star at {@code node}, given its neighbours smaller than it: the node and each of them are
   * linked to the smallest. Reads {@code smaller} twice.
   */
  static void smallStar(String node, Iterable<String> smaller, BiConsumer<String, String> out) {
    String smallest = node;
    for (String v : smaller) {
      if (v.compareTo(smallest) < 0) {
        smallest = v;
      }
    }
    if (smallest.equals(node)) {
      return;
    }
    for (String v : smaller) {
      if (!v.equals(smallest)) {
        out.accept(v, smallest);
      }
    }
    out.accept(node, smallest);
  }

  /**
   * The component label of {@code node} once the graph is a forest of stars: its one smaller
   * neighbour (the star's centre), or itself when it has none (it is the centre). Null when the
   * node is not yet in a star: two different smaller neighbours, or smaller and larger ones.
   */
  static String label(String node, Iterable<String> neighbours) {
    String centre = null;
    boolean larger = false;
    for (String v : neighbours) {
      int c = v.compareTo(node);
      if (c > 0) {
        larger = true;
      } else if (c < 0) {
        if (centre != null && !centre.equals(v)) {
          return null;
        }
        centre = v;
      }
    }
    if (centre == null) {
      return node;
    }
    return larger ? null : centre;
  }
}
