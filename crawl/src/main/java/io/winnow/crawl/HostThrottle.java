package io.winnow.crawl;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;

/**
 * Politeness per host (host and port) within one worker JVM: a fair limit on requests in flight,
 * and, where robots.txt asks a Crawl-delay, one request per delay in arrival order.
 */
final class HostThrottle {
  private final int perHost;
  private final ConcurrentHashMap<String, Semaphore> permits = new ConcurrentHashMap<>();

  /** The earliest next request per host, for Crawl-delay. */
  private final ConcurrentHashMap<String, long[]> nextSlot = new ConcurrentHashMap<>();

  HostThrottle(int perHost) {
    this.perHost = perHost;
  }

  private static String host(HttpUrl url) {
    return url.host() + ":" + url.port();
  }

  /** The host's permits: acquire one per request in flight. */
  Semaphore permits(HttpUrl url) {
    return permits.computeIfAbsent(host(url), host -> new Semaphore(perHost, true));
  }

  /** Waits for this host's next request slot: one request per Crawl-delay, in arrival order. */
  void awaitSlot(HttpUrl url, long delayMillis) throws InterruptedException {
    if (delayMillis <= 0) {
      return;
    }
    long[] next = nextSlot.computeIfAbsent(host(url), h -> new long[] {Long.MIN_VALUE});
    long waitNanos;
    synchronized (next) {
      long now = System.nanoTime();
      long at = next[0] == Long.MIN_VALUE ? now : Math.max(now, next[0]);
      next[0] = at + delayMillis * 1_000_000L;
      waitNanos = at - now;
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }
}
