package io.winnow.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import io.winnow.export.ShardFiles;
import io.winnow.schemas.Json;
import io.winnow.schemas.StageTimer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * {@code timings.json}: the work time each stage recorded through {@link StageTimer}, read from the
 * finished pipeline's Beam metrics. Time is summed over workers and threads (CPU-side work, not
 * wall time), so {@code items_per_second} is what one worker thread does.
 */
public final class StageTimings {
  public static final String FILE_NAME = "timings.json";

  /** Pipeline order, for display; stages not listed follow in name order. */
  static final List<String> ORDER =
      List.of(
          "domains",
          "fetch",
          "decode",
          "faces",
          "nsfw",
          "embed",
          "dedup",
          "decontaminate",
          "reference-sets",
          "retrieve",
          "export");

  private StageTimings() {}

  /** One stage's figures. */
  public record Timing(
      @JsonProperty("stage") String stage,
      @JsonProperty("seconds") double seconds,
      @JsonProperty("items") long items,
      @JsonProperty("items_per_second") Double itemsPerSecond) {}

  /**
   * The stages' timings from a finished pipeline's metrics (attempted values: every runner has
   * them).
   */
  public static List<Timing> from(MetricResults results) {
    MetricQueryResults query =
        results.queryMetrics(
            MetricsFilter.builder()
                .addNameFilter(MetricNameFilter.inNamespace(StageTimer.NAMESPACE))
                .build());
    Map<String, long[]> byStage = new LinkedHashMap<>();
    for (MetricResult<Long> counter : query.getCounters()) {
      String name = counter.getName().getName();
      Long value = counter.getAttempted();
      if (value == null) {
        continue;
      }
      boolean micros = name.endsWith(StageTimer.MICROS);
      String stage = name.substring(0, name.lastIndexOf('.'));
      // Counters come per step; a stage's steps add up.
      byStage.computeIfAbsent(stage, s -> new long[2])[micros ? 0 : 1] += value;
    }
    return ordered(byStage);
  }

  /** Timings from summed {micros, items} per stage, in pipeline order. */
  public static List<Timing> ordered(Map<String, long[]> byStage) {
    List<String> names = new ArrayList<>(byStage.keySet());
    names.sort(
        (a, b) -> {
          int ia = ORDER.indexOf(a);
          int ib = ORDER.indexOf(b);
          ia = ia < 0 ? ORDER.size() : ia;
          ib = ib < 0 ? ORDER.size() : ib;
          return ia != ib ? Integer.compare(ia, ib) : a.compareTo(b);
        });
    List<Timing> out = new ArrayList<>();
    for (String stage : names) {
      long[] v = byStage.get(stage);
      double seconds = v[0] / 1e6;
      Double rate = seconds > 0 && v[1] > 0 ? Math.round(v[1] / seconds * 10) / 10.0 : null;
      out.add(new Timing(stage, Math.round(seconds * 1000) / 1000.0, v[1], rate));
    }
    return out;
  }

  public static void write(Path dir, List<Timing> timings) throws IOException {
    Path target = dir.resolve(FILE_NAME);
    Path temp = ShardFiles.temporary(target);
    Files.writeString(temp, Json.writePretty(timings) + "\n", StandardCharsets.UTF_8);
    ShardFiles.publish(temp, target);
  }

  /** The timings a run wrote, or none (a run before timings, or a remote run without metrics). */
  public static List<Timing> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return List.of();
    }
    return Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<List<Timing>>() {});
  }
}
