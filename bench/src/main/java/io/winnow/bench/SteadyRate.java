package io.winnow.bench;

/**
 * Owns the crawl bench's steady-state figure: the fetch rate between 10% and 90% of the URLs
 * fetched, sampled from the global progress counters, so that job start-up and the tail do not
 * count.
 */
final class SteadyRate {
  private final Thread sampler;
  private volatile double rate = Double.NaN;

  SteadyRate(int images) {
    sampler =
        new Thread(
            () -> {
              long t10 = 0;
              long t90 = 0;
              while (!Thread.currentThread().isInterrupted() && t90 == 0) {
                long fetched = io.winnow.schemas.Progress.global().snapshot().fetched();
                long now = System.nanoTime();
                if (t10 == 0 && fetched >= images / 10) {
                  t10 = now;
                }
                if (fetched >= images * 9L / 10) {
                  t90 = now;
                }
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
              rate = (images * 0.8) / ((t90 - t10) / 1e9);
            },
            "steady-rate");
    sampler.setDaemon(true);
    sampler.start();
  }

  void stop() throws InterruptedException {
    sampler.join(1000);
    sampler.interrupt();
  }

  double rate() {
    return rate;
  }
}
