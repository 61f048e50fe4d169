package io.winnow.faiss.gpu;

import io.winnow.faiss.jni.Clustering;
import io.winnow.faiss.jni.ClusteringParameters;
import io.winnow.faiss.jni.FaissIndex;
import io.winnow.faiss.jni.IndexFlatIP;
import io.winnow.faiss.jni.IndexFlatL2;
import io.winnow.faiss.jni.IndexIVFFlat;
import io.winnow.faiss.jni.global.faiss;
import io.winnow.faiss.jni.gpu.GpuIndexFlatIP;
import io.winnow.faiss.jni.gpu.GpuIndexFlatL2;
import io.winnow.faiss.jni.gpu.GpuIndexIVF;
import io.winnow.faiss.jni.gpu.StandardGpuResources;
import io.winnow.faiss.jni.gpu.global.faiss_gpu;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Runs the GPU bindings against the CPU ones on one machine, the first time they meet a GPU:
 * exact inner-product search (GPU flat vs CPU flat), an IVF index trained on the CPU and cloned
 * to the GPU, and k-means with a GPU assignment index. Prints one JSON line per result: the
 * top-k agreement with the CPU, and both timings. Run by {@code bench/gpu/device-check.sh}; no
 * test runs it, since CI has no GPU.
 */
public final class FaissGpuCheck {
  private static final int DIMENSION = 128;
  private static final int K = 10;

  public static void main(String[] args) {
    int size = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    float[] base = randomUnitVectors(size, 1);
    float[] query = randomUnitVectors(queries, 2);
    StandardGpuResources resources = new StandardGpuResources();

    IndexFlatIP cpuFlat = new IndexFlatIP(DIMENSION);
    cpuFlat.add(size, base);
    long[] exact = new long[queries * K];
    double cpuMs = search(cpuFlat, queries, query, exact);

    GpuIndexFlatIP gpuFlat = new GpuIndexFlatIP(resources, DIMENSION);
    gpuFlat.add(size, base);
    long[] gpuIds = new long[queries * K];
    search(gpuFlat, queries, query, gpuIds); // first call sets up cuBLAS and the workspace
    double gpuMs = search(gpuFlat, queries, query, gpuIds);
    print("flat inner product", size, queries, agreement(exact, gpuIds, queries), cpuMs, gpuMs);

    int lists = 1024;
    IndexFlatIP quantiser = new IndexFlatIP(DIMENSION);
    IndexIVFFlat cpuIvf = new IndexIVFFlat(quantiser, DIMENSION, lists, faiss.METRIC_INNER_PRODUCT);
    cpuIvf.train(size, base);
    cpuIvf.add(size, base);
    cpuIvf.nprobe(32);
    long[] cpuIvfIds = new long[queries * K];
    double cpuIvfMs = search(cpuIvf, queries, query, cpuIvfIds);
    FaissIndex gpuIvf = faiss_gpu.index_cpu_to_gpu(resources, 0, cpuIvf);
    new GpuIndexIVF(gpuIvf).setNumProbes(32);
    long[] gpuIvfIds = new long[queries * K];
    search(gpuIvf, queries, query, gpuIvfIds);
    double gpuIvfMs = search(gpuIvf, queries, query, gpuIvfIds);
    System.out.printf(
        "{\"check\":\"ivf-flat 1024 lists, nprobe 32, cloned to the GPU\",\"recall_cpu\":%.4f,"
            + "\"recall_gpu\":%.4f,\"gpu_vs_cpu_ivf\":%.4f,\"cpu_ms\":%.1f,\"gpu_ms\":%.1f}%n",
        agreement(exact, cpuIvfIds, queries),
        agreement(exact, gpuIvfIds, queries),
        agreement(cpuIvfIds, gpuIvfIds, queries),
        cpuIvfMs,
        gpuIvfMs);

    int centroids = 1024;
    double cpuKmeansMs = kMeans(new IndexFlatL2(DIMENSION), size, base, centroids);
    double gpuKmeansMs = kMeans(new GpuIndexFlatL2(resources, DIMENSION), size, base, centroids);
    System.out.printf(
        "{\"check\":\"k-means %d centroids, 10 iterations, assignment on CPU vs GPU\",\"n\":%d,"
            + "\"cpu_ms\":%.1f,\"gpu_ms\":%.1f}%n",
        centroids, size, cpuKmeansMs, gpuKmeansMs);
  }

  private static double search(FaissIndex index, int queries, float[] query, long[] ids) {
    float[] distances = new float[queries * K];
    long started = System.nanoTime();
    index.search(queries, query, K, distances, ids);
    return (System.nanoTime() - started) / 1e6;
  }

  private static double kMeans(FaissIndex assignment, int size, float[] base, int centroids) {
    ClusteringParameters parameters = new ClusteringParameters();
    parameters.niter(10);
    parameters.seed(7);
    Clustering clustering = new Clustering(DIMENSION, centroids, parameters);
    long started = System.nanoTime();
    clustering.train(size, base, assignment);
    return (System.nanoTime() - started) / 1e6;
  }

  /** Mean fraction of the reference's top-k that the other search also returned. */
  private static double agreement(long[] reference, long[] other, int queries) {
    long found = 0;
    for (int q = 0; q < queries; q++) {
      Set<Long> wanted = new HashSet<>();
      for (int i = 0; i < K; i++) {
        wanted.add(reference[q * K + i]);
      }
      for (int i = 0; i < K; i++) {
        found += wanted.contains(other[q * K + i]) ? 1 : 0;
      }
    }
    return found / (double) (queries * K);
  }

  private static void print(
      String check, int size, int queries, double agreement, double cpuMs, double gpuMs) {
    System.out.printf(
        "{\"check\":\"%s\",\"n\":%d,\"queries\":%d,\"k\":%d,\"gpu_agrees_with_cpu\":%.4f,"
            + "\"cpu_ms\":%.1f,\"gpu_ms\":%.1f}%n",
        check, size, queries, K, agreement, cpuMs, gpuMs);
  }

  private static float[] randomUnitVectors(int count, long seed) {
    Random random = new Random(seed);
    float[] vectors = new float[count * DIMENSION];
    for (int v = 0; v < count; v++) {
      double norm = 0;
      for (int i = 0; i < DIMENSION; i++) {
        float x = (float) random.nextGaussian();
        vectors[v * DIMENSION + i] = x;
        norm += x * x;
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < DIMENSION; i++) {
        vectors[v * DIMENSION + i] *= scale;
      }
    }
    return vectors;
  }

  private FaissGpuCheck() {}
}
