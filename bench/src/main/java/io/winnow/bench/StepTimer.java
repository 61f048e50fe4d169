package io.winnow.bench;

import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Owns the filter bench's table: its header, the row format (milliseconds per image), and the
 * timing of a step over every photo, warmed up once first.
 */
final class StepTimer {
  private StepTimer() {}

  static void header() {
    System.out.printf(Locale.ROOT, "%-52s %10s%n", "step", "ms/image");
  }

  static void report(String step, int rounds, int n, IntConsumer perImage) {
    for (int i = 0; i < n; i++) {
      perImage.accept(i); // warm-up
    }
    long start = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < n; i++) {
        perImage.accept(i);
      }
    }
    print(step, start, rounds * n);
  }

  /** The row of a step timed by its caller, from {@code startNanos} over {@code images} images. */
  static void print(String step, long startNanos, int images) {
    row(step, (System.nanoTime() - startNanos) / 1e6 / images);
  }

  static void row(String step, double msPerImage) {
    System.out.printf(Locale.ROOT, "%-52s %10.4f%n", step, msPerImage);
  }
}
