package io.winnow.inference;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ONNX Runtime session and one preprocessing pool per model and settings per worker JVM, shared
 * by every instance of the embedding DoFn there: a model's weights are loaded once, and the thread
 * counts hold per JVM. Reference-counted: closed when the last user tears down.
 */
final class SharedEmbedders {
  record Lease(OnnxEmbedder embedder, ExecutorService preprocessing, Key key) {}

  private record Key(
      String location,
      String sha256,
      ExecutionProvider provider,
      int threads,
      int preprocessThreads) {}

  private static final Map<Key, Lease> LEASES = new HashMap<>();
  private static final Map<Key, Integer> USERS = new HashMap<>();

  private SharedEmbedders() {}

  static synchronized Lease acquire(EmbeddingModel model, EmbedSettings settings) {
    Key key =
        new Key(
            model.location(),
            model.descriptor().sha256(),
            settings.provider(),
            settings.inferenceThreads(),
            settings.preprocessThreads());
    Lease lease = LEASES.get(key);
    if (lease == null) {
      // Check the file again where it is read: the worker may see another copy than the driver.
      EmbeddingModel checked = EmbeddingModel.load(model.location());
      if (!checked.descriptor().sha256().equals(model.descriptor().sha256())) {
        throw new ModelException("model " + model.location() + " changed since the job started");
      }
      AtomicInteger threadNumber = new AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              settings.preprocessThreads(),
              r -> {
                Thread thread =
                    new Thread(r, "winnow-preprocess-" + threadNumber.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      lease =
          new Lease(
              new OnnxEmbedder(
                  checked,
                  settings.provider(),
                  settings.inferenceThreads(),
                  settings.overlapsPreprocessing(Runtime.getRuntime().availableProcessors())),
              pool,
              key);
      LEASES.put(key, lease);
    }
    USERS.merge(key, 1, Integer::sum);
    return lease;
  }

  static synchronized void release(Lease lease) {
    int left = USERS.merge(lease.key(), -1, Integer::sum);
    if (left <= 0) {
      USERS.remove(lease.key());
      LEASES.remove(lease.key());
      lease.preprocessing().shutdownNow();
      lease.embedder().close();
    }
  }
}
