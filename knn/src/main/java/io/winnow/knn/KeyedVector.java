package io.winnow.knn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** A sample's key and its L2-normalised embedding: what the k-NN steps move around. */
@DefaultCoder(KeyedVector.Coder.class)
public record KeyedVector(String key, float[] vector) implements Serializable {
  /** The dot product: the cosine similarity of two L2-normalised vectors. */
  public static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyedVector v && key.equals(v.key) && Arrays.equals(vector, v.vector);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Arrays.hashCode(vector);
  }

  /** The vectors' values row after row: what FAISS takes as a block of vectors. */
  public static float[] rows(java.util.List<KeyedVector> vectors, int dimension) {
    float[] data = new float[vectors.size() * dimension];
    for (int i = 0; i < vectors.size(); i++) {
      System.arraycopy(vectors.get(i).vector(), 0, data, i * dimension, dimension);
    }
    return data;
  }

  /** Scales {@code v} to unit length in place (cosine = inner product) and returns it. */
  public static float[] normalise(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }

  @Override
  public String toString() {
    return key + Arrays.toString(vector);
  }

  public static final class Coder extends AtomicCoder<KeyedVector> {
    private static final StringUtf8Coder KEY = StringUtf8Coder.of();

    @Override
    public void encode(KeyedVector value, OutputStream out) throws IOException {
      KEY.encode(value.key(), out);
      FloatArrays.encode(value.vector(), out);
    }

    @Override
    public KeyedVector decode(InputStream in) throws IOException {
      return new KeyedVector(KEY.decode(in), FloatArrays.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /**
   * Length-prefixed float arrays for coders here; the floats little-endian, copied in one block
   * (big-endian would byte-swap every value on x86 and ARM).
   */
  static final class FloatArrays {
    private FloatArrays() {}

    static void encode(float[] values, OutputStream stream) throws IOException {
      DataOutputStream out = new DataOutputStream(stream);
      out.writeInt(values.length);
      byte[] bytes = new byte[values.length * 4];
      java.nio.ByteBuffer.wrap(bytes)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .put(values);
      out.write(bytes);
      out.flush();
    }

    static float[] decode(InputStream stream) throws IOException {
      DataInputStream in = new DataInputStream(stream);
      int n = in.readInt();
      byte[] bytes = new byte[n * 4];
      in.readFully(bytes);
      float[] values = new float[n];
      java.nio.ByteBuffer.wrap(bytes)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(values);
      return values;
    }
  }

  /** Coder of a bare float array (centroids travel as one). */
  public static final class FloatArrayCoder extends AtomicCoder<float[]> {
    @Override
    public void encode(float[] value, OutputStream out) throws IOException {
      FloatArrays.encode(value, out);
    }

    @Override
    public float[] decode(InputStream in) throws IOException {
      return FloatArrays.decode(in);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
