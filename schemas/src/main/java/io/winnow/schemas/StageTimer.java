package io.winnow.schemas;

import java.io.Serializable;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Time a stage spends on its own work, as Beam counters the run report reads back: {@code
 * STAGE.micros} and {@code STAGE.items} in the {@link #NAMESPACE} namespace.
 *
 * <p>Stages time only their own work, never the call that emits a result: on Flink, chained stages
 * run inside that call, so timing around it would count the next stage too. Record on the DoFn's
 * thread (Beam metrics updated elsewhere may be lost).
 */
public final class StageTimer implements Serializable {
  public static final String NAMESPACE = "winnow-stage";
  public static final String MICROS = ".micros";
  public static final String ITEMS = ".items";

  private final Counter micros;
  private final Counter items;

  private StageTimer(String stage) {
    this.micros = Metrics.counter(NAMESPACE, stage + MICROS);
    this.items = Metrics.counter(NAMESPACE, stage + ITEMS);
  }

  /** A timer for {@code stage}; several DoFns of one stage may share the name. */
  public static StageTimer of(String stage) {
    return new StageTimer(stage);
  }

  /** Adds {@code nanos} of work on {@code count} items. */
  public void record(long nanos, long count) {
    micros.inc(nanos / 1000);
    if (count > 0) {
      items.inc(count);
    }
  }

  /** Adds the time since {@code startNanos} (from {@link System#nanoTime()}) for one item. */
  public void since(long startNanos) {
    record(System.nanoTime() - startNanos, 1);
  }
}
