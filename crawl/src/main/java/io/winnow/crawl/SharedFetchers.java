package io.winnow.crawl;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link HttpFetcher} and one thread pool per settings per worker JVM, shared by every instance
 * of the fetch DoFn there, so the concurrency limits hold per JVM however many DoFn instances the
 * runner makes. Reference-counted: closed when the last user tears down.
 */
final class SharedFetchers {
  record Lease(HttpFetcher fetcher, ExecutorService pool, FetchSettings settings) {}

  private static final Map<FetchSettings, Lease> LEASES = new HashMap<>();
  private static final Map<FetchSettings, Integer> USERS = new HashMap<>();

  private SharedFetchers() {}

  static synchronized Lease acquire(FetchSettings settings) {
    Lease lease = LEASES.get(settings);
    if (lease == null) {
      AtomicInteger threadNumber = new AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              settings.concurrency(),
              runnable -> {
                Thread thread =
                    new Thread(runnable, "winnow-fetch-" + threadNumber.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      lease = new Lease(new HttpFetcher(settings), pool, settings);
      LEASES.put(settings, lease);
    }
    USERS.merge(settings, 1, Integer::sum);
    return lease;
  }

  static synchronized void release(Lease lease) {
    int left = USERS.merge(lease.settings(), -1, Integer::sum);
    if (left <= 0) {
      USERS.remove(lease.settings());
      LEASES.remove(lease.settings());
      lease.pool().shutdownNow();
      lease.fetcher().close();
    }
  }
}
