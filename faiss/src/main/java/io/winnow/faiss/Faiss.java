package io.winnow.faiss;

import io.winnow.faiss.jni.global.faiss;

/**
 * Process-wide FAISS settings. FAISS runs its searches and training on OpenMP threads; set their
 * number once per JVM (Flink workers: the cores given to the task manager).
 */
public final class Faiss {
  private Faiss() {}

  public static int threads() {
    return faiss.omp_threads();
  }

  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    faiss.set_omp_threads(threads);
  }
}
