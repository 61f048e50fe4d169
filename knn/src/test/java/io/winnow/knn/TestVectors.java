package io.winnow.knn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Unit vectors for tests: random ones, and ones at a chosen cosine from another. */
public final class TestVectors {
  private TestVectors() {}

  public static float[] random(int d, Random random) {
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return KeyedVector.normalise(v);
  }

  /** A unit vector whose cosine with unit {@code base} is {@code cosine}, built on axis e_i. */
  public static float[] atCosine(float[] base, double cosine, float[] orthogonalSeed) {
    // Gram-Schmidt: u = seed - (seed . base) base, normalised; result = c base + s u.
    double dot = 0;
    for (int i = 0; i < base.length; i++) {
      dot += orthogonalSeed[i] * base[i];
    }
    float[] u = new float[base.length];
    for (int i = 0; i < base.length; i++) {
      u[i] = (float) (orthogonalSeed[i] - dot * base[i]);
    }
    u = KeyedVector.normalise(u);
    double sine = Math.sqrt(1 - cosine * cosine);
    float[] out = new float[base.length];
    for (int i = 0; i < base.length; i++) {
      out[i] = (float) (cosine * base[i] + sine * u[i]);
    }
    return out;
  }

  /** n vectors around c centres (spread controls how close members are to their centre). */
  public static List<KeyedVector> clustered(int n, int d, int centres, double spread, long seed) {
    Random random = new Random(seed);
    List<float[]> c = new ArrayList<>();
    for (int i = 0; i < centres; i++) {
      c.add(random(d, random));
    }
    List<KeyedVector> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] centre = c.get(i % centres);
      float[] v = new float[d];
      for (int j = 0; j < d; j++) {
        v[j] = (float) (centre[j] + spread * random.nextGaussian() / Math.sqrt(d));
      }
      out.add(new KeyedVector(String.format("v%06d", i), KeyedVector.normalise(v)));
    }
    return out;
  }
}
