package io.winnow.faiss;

import io.winnow.faiss.jni.FaissIndex;
import io.winnow.faiss.jni.IDSelectorBatch;
import io.winnow.faiss.jni.RangeSearchResult;
import io.winnow.faiss.jni.global.faiss;
import java.nio.Buffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A FAISS index of float vectors, owned by this object: {@link #close()} frees it, and any use
 * after that fails with {@link IllegalStateException} instead of touching freed memory.
 *
 * <p>Arguments are checked in Java before FAISS sees them (a wrong vector length would make FAISS
 * read past the array), and FAISS's own errors come back as {@link FaissException} with its
 * message. Two call styles: {@code float[]}/{@code long[]} (simple; JNI copies the arrays) and
 * direct native-order buffers (no copy, for large batches).
 *
 * <p>Not thread-safe for writes; concurrent searches on a trained index are safe, as in FAISS.
 */
public final class VectorIndex implements AutoCloseable {
  private final FaissIndex index;
  private final int dimension;
  private final Metric metric;
  private final String description;
  private volatile boolean closed;

  private VectorIndex(FaissIndex index, String description) {
    this.index = index;
    this.dimension = index.d();
    this.metric =
        index.metric_type() == faiss.METRIC_INNER_PRODUCT ? Metric.INNER_PRODUCT : Metric.L2;
    this.description = description;
  }

  /**
   * An index from a FAISS factory string, e.g. {@code "Flat"}, {@code "HNSW32"}, {@code
   * "IVF1024,PQ32"}.
   */
  public static VectorIndex create(int dimension, String factory, Metric metric) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be at least 1, not " + dimension);
    }
    if (factory == null || factory.isBlank()) {
      throw new IllegalArgumentException("a factory string is needed, e.g. \"Flat\"");
    }
    FaissIndex index =
        call(
            "index_factory(" + dimension + ", \"" + factory + "\")",
            () -> faiss.index_factory(dimension, factory, metric.code));
    return new VectorIndex(index, factory);
  }

  /** Exact search. */
  public static VectorIndex flat(int dimension, Metric metric) {
    return create(dimension, "Flat", metric);
  }

  /** HNSW graph over full vectors; {@code m} links per node (32 is a good default). */
  public static VectorIndex hnswFlat(int dimension, int m, Metric metric) {
    return create(dimension, "HNSW" + m, metric);
  }

  /** Inverted lists over {@code nlist} k-means cells, full vectors; needs {@link #train}. */
  public static VectorIndex ivfFlat(int dimension, int nlist, Metric metric) {
    return create(dimension, "IVF" + nlist + ",Flat", metric);
  }

  /**
   * Inverted lists with product quantization: {@code m} sub-vectors of {@code bits} bits, without
   * polysemous training (slow, and useful only for polysemous search).
   */
  public static VectorIndex ivfPq(int dimension, int nlist, int m, int bits, Metric metric) {
    return create(dimension, "IVF" + nlist + ",PQ" + m + "x" + bits + "np", metric);
  }

  /** Any index from {@code inner} (a factory string) that keeps caller-chosen 64-bit ids. */
  public static VectorIndex withIds(int dimension, String inner, Metric metric) {
    return create(dimension, "IDMap," + inner, metric);
  }

  /** Like {@link #withIds}, and can also reconstruct vectors by id (IDMap2). */
  public static VectorIndex withIdsAndReconstruct(int dimension, String inner, Metric metric) {
    return create(dimension, "IDMap2," + inner, metric);
  }

  public static VectorIndex read(Path file) {
    String name = file.toAbsolutePath().toString();
    return new VectorIndex(
        call("read_index(" + name + ")", () -> faiss.read_index(name)),
        "read from " + file.getFileName());
  }

  public void write(Path file) {
    String name = file.toAbsolutePath().toString();
    run("write_index(" + name + ")", () -> faiss.write_index(live(), name));
  }

  public int dimension() {
    return dimension;
  }

  public Metric metric() {
    return metric;
  }

  public long size() {
    return live().ntotal();
  }

  public boolean isTrained() {
    return live().is_trained();
  }

  public void train(float[] vectors) {
    long n = rows(vectors.length);
    run("train", () -> live().train(n, vectors));
  }

  public void train(FloatBuffer vectors, long n) {
    checkBuffer(vectors, n * dimension, "vectors");
    run("train", () -> live().train(n, vectors));
  }

  public void add(float[] vectors) {
    long n = rows(vectors.length);
    requireTrained();
    run("add", () -> live().add(n, vectors));
  }

  public void add(FloatBuffer vectors, long n) {
    checkBuffer(vectors, n * dimension, "vectors");
    requireTrained();
    run("add", () -> live().add(n, vectors));
  }

  public void addWithIds(float[] vectors, long[] ids) {
    long n = rows(vectors.length);
    if (ids.length != n) {
      throw new IllegalArgumentException(n + " vectors but " + ids.length + " ids");
    }
    requireTrained();
    run("add_with_ids", () -> live().add_with_ids(n, vectors, ids));
  }

  public void addWithIds(FloatBuffer vectors, LongBuffer ids, long n) {
    checkBuffer(vectors, n * dimension, "vectors");
    checkBuffer(ids, n, "ids");
    requireTrained();
    run("add_with_ids", () -> live().add_with_ids(n, vectors, ids));
  }

  public Neighbors search(float[] queries, int k) {
    int n = (int) rows(queries.length);
    checkK(k, n);
    float[] scores = new float[n * k];
    long[] labels = new long[n * k];
    requireTrained();
    run("search", () -> live().search(n, queries, k, scores, labels));
    return new Neighbors(n, k, labels, scores);
  }

  /** Zero-copy search: results go into {@code scores} and {@code labels} ({@code n * k} each). */
  public void search(FloatBuffer queries, long n, int k, FloatBuffer scores, LongBuffer labels) {
    checkBuffer(queries, n * dimension, "queries");
    checkK(k, n);
    checkBuffer(scores, n * k, "scores");
    checkBuffer(labels, n * k, "labels");
    requireTrained();
    run("search", () -> live().search(n, queries, k, scores, labels));
  }

  /**
   * Every vector within {@code radius}: inner product above it, or squared L2 distance below it.
   */
  public RangeNeighbors rangeSearch(float[] queries, float radius) {
    int n = (int) rows(queries.length);
    requireTrained();
    try (RangeSearchResult result = new RangeSearchResult(n)) {
      run("range_search", () -> live().range_search(n, queries, radius, result));
      long[] limits = new long[n + 1];
      result.lims().get(limits);
      int total = (int) limits[n];
      long[] labels = new long[total];
      float[] scores = new float[total];
      if (total > 0) {
        result.labels().get(labels);
        result.distances().get(scores);
      }
      return new RangeNeighbors(limits, labels, scores);
    }
  }

  /** Removes the vectors with these ids; returns how many were removed. */
  public long removeIds(long[] ids) {
    try (IDSelectorBatch selector = new IDSelectorBatch(ids.length, ids)) {
      return call("remove_ids", () -> live().remove_ids(selector));
    }
  }

  public void reset() {
    run("reset", () -> live().reset());
  }

  /** IVF: how many cells a query visits (default 1). */
  public void setNprobe(int nprobe) {
    if (nprobe < 1) {
      throw new IllegalArgumentException("nprobe must be at least 1");
    }
    run("set nprobe", () -> faiss.set_nprobe(live(), nprobe));
  }

  public int nprobe() {
    return (int) (long) call("get nprobe", () -> faiss.get_nprobe(live()));
  }

  /** HNSW (or an IVF's HNSW quantizer): candidates kept while searching; recall vs speed. */
  public void setEfSearch(int ef) {
    run("set efSearch", () -> faiss.set_hnsw_ef_search(live(), ef));
  }

  public int efSearch() {
    return call("get efSearch", () -> faiss.get_hnsw_ef_search(live()));
  }

  /** HNSW: candidates kept while adding; set before {@link #add}. */
  public void setEfConstruction(int ef) {
    run("set efConstruction", () -> faiss.set_hnsw_ef_construction(live(), ef));
  }

  /** The generated binding, for what this class does not cover. Owned by this object. */
  public FaissIndex unwrap() {
    return live();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      faiss.delete_index(index);
      index.setNull();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "VectorIndex[%s, d=%d, %s%s]",
        description,
        dimension,
        metric,
        closed ? ", closed" : ", " + size() + " vectors");
  }

  private FaissIndex live() {
    if (closed) {
      throw new IllegalStateException("this index was closed");
    }
    return index;
  }

  private void requireTrained() {
    if (!isTrained()) {
      throw new FaissException(
          description,
          new IllegalStateException(
              "the index is not trained: call train() with representative vectors first"));
    }
  }

  private long rows(int length) {
    if (length == 0 || length % dimension != 0) {
      throw new IllegalArgumentException(
          "expected a multiple of the dimension " + dimension + " floats, got " + length);
    }
    return length / dimension;
  }

  private static void checkK(int k, long n) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1");
    }
    if (n * k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("n * k is too large for one call; search in batches");
    }
  }

  private static void checkBuffer(Buffer buffer, long needed, String name) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException(
          name
              + " must be a direct buffer (ByteBuffer"
              + ".allocateDirect(...).order(ByteOrder.nativeOrder())), or use the array methods");
    }
    boolean nativeOrder =
        buffer instanceof FloatBuffer f
            ? f.order() == ByteOrder.nativeOrder()
            : ((LongBuffer) buffer).order() == ByteOrder.nativeOrder();
    if (!nativeOrder) {
      throw new IllegalArgumentException(name + " must be in native byte order");
    }
    if (buffer.remaining() < needed) {
      throw new IllegalArgumentException(
          name + " holds " + buffer.remaining() + " values, " + needed + " needed");
    }
  }

  private static void run(String operation, Runnable call) {
    try {
      call.run();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FaissException(operation, e);
    }
  }

  private static <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FaissException(operation, e);
    }
  }
}
