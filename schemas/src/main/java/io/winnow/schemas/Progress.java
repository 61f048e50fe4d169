package io.winnow.schemas;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counts for the progress line. Stages bump these JVM-wide counters as they go, so the line is
 * live for the direct runner and Flink's embedded cluster, where the workers share the launcher's
 * JVM; on a remote cluster the launcher only prints the final summary.
 */
public final class Progress {
  private static final Progress GLOBAL = new Progress();

  private final AtomicLong read = new AtomicLong();
  private final AtomicLong fetched = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  public static Progress global() {
    return GLOBAL;
  }

  public void read(long n) {
    read.addAndGet(n);
  }

  public void fetched(long n) {
    fetched.addAndGet(n);
  }

  public void written(long n) {
    written.addAndGet(n);
  }

  public void rejected(long n) {
    rejected.addAndGet(n);
  }

  /** Counts so far. */
  public record Snapshot(long read, long fetched, long written, long rejected) {}

  public Snapshot snapshot() {
    return new Snapshot(read.get(), fetched.get(), written.get(), rejected.get());
  }

  public void reset() {
    read.set(0);
    fetched.set(0);
    written.set(0);
    rejected.set(0);
  }

  /** One line: counts so far and the fetch rate since {@code startNanos}. */
  public String line(long startNanos) {
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    return String.format(
        Locale.ROOT,
        "[winnow] %,d read · %,d fetched · %,d written · %,d rejected · %.1f img/s · %.0fs",
        read.get(),
        fetched.get(),
        written.get(),
        rejected.get(),
        fetched.get() / seconds,
        seconds);
  }

  /** A running progress line; closing it prints the final counts. */
  public interface Printer extends AutoCloseable {
    @Override
    void close();
  }

  /** A printer that prints nothing, for runs whose workers count in other JVMs. */
  public static Printer silent() {
    return () -> {};
  }

  /** Prints the line every second on a daemon thread until the returned handle is closed. */
  public Printer startPrinting(PrintStream out, boolean interactive) {
    long start = System.nanoTime();
    Thread printer =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(interactive ? 1000 : 10_000);
                  if (interactive) {
                    out.print("\r" + line(start) + "   ");
                  } else {
                    out.println(line(start));
                  }
                  out.flush();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "winnow-progress");
    printer.setDaemon(true);
    printer.start();
    return () -> {
      printer.interrupt();
      try {
        printer.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.println((interactive ? "\r" : "") + line(start));
    };
  }
}
