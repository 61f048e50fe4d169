package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * {@code summary.json}: what a run did with every input URL. The invariant {@code input == accepted
 * + rejected} is checked by the run itself; a run that breaks it fails.
 *
 * @param input URL entries read (rows of the URL lists, malformed ones included)
 * @param accepted samples written to shards
 * @param rejected rejections from all stages
 * @param rejectedByStage rejections per stage ({@link Stage} wire names)
 * @param rejectedByReason rejections per stage and reason ({@link Reason} wire names)
 * @param wallSeconds the run's wall-clock time, set by the launcher (0 inside the pipeline)
 */
@DefaultCoder(RunSummary.Coder.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
    @JsonProperty("input") long input,
    @JsonProperty("accepted") long accepted,
    @JsonProperty("rejected") long rejected,
    @JsonProperty("balanced") boolean balanced,
    @JsonProperty("rejected_by_stage") Map<String, Long> rejectedByStage,
    @JsonProperty("rejected_by_reason") Map<String, Map<String, Long>> rejectedByReason,
    @JsonProperty("shards") long shards,
    @JsonProperty("bytes_downloaded") long bytesDownloaded,
    @JsonProperty("bytes_written") long bytesWritten,
    @JsonProperty("fetch_seconds_total") double fetchSecondsTotal,
    @JsonProperty("wall_seconds") double wallSeconds,
    @JsonProperty("images_per_second") Double imagesPerSecond,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("finished_at") String finishedAt) {

  /** Metric names under which stages report their counts to the summary. */
  public static final String INPUT = "input";

  public static final String ACCEPTED = "accepted";
  public static final String SHARDS = "shards";
  public static final String BYTES_DOWNLOADED = "bytes_downloaded";
  public static final String BYTES_WRITTEN = "bytes_written";
  public static final String FETCH_MILLIS = "fetch_millis";
  public static final String REJECTED_PREFIX = "rejected/";

  /** Builds the summary from summed metrics ({@code rejected/<stage>/<reason>} keys included). */
  public static RunSummary fromMetrics(Map<String, Long> metrics) {
    Map<String, Long> byStage = new TreeMap<>();
    Map<String, Map<String, Long>> byReason = new TreeMap<>();
    long rejected = 0;
    for (Map.Entry<String, Long> metric : metrics.entrySet()) {
      if (!metric.getKey().startsWith(REJECTED_PREFIX)) {
        continue;
      }
      String[] stageReason = metric.getKey().substring(REJECTED_PREFIX.length()).split("/", 2);
      byStage.merge(stageReason[0], metric.getValue(), Long::sum);
      byReason
          .computeIfAbsent(stageReason[0], s -> new TreeMap<>())
          .merge(stageReason[1], metric.getValue(), Long::sum);
      rejected += metric.getValue();
    }
    return counts(
        metrics.getOrDefault(INPUT, 0L),
        metrics.getOrDefault(ACCEPTED, 0L),
        rejected,
        byStage,
        byReason,
        metrics.getOrDefault(SHARDS, 0L),
        metrics.getOrDefault(BYTES_DOWNLOADED, 0L),
        metrics.getOrDefault(BYTES_WRITTEN, 0L),
        metrics.getOrDefault(FETCH_MILLIS, 0L) / 1000.0);
  }

  /** A summary of these counts, balanced when input = accepted + rejected; no timing yet. */
  public static RunSummary counts(
      long input,
      long accepted,
      long rejected,
      Map<String, Long> byStage,
      Map<String, Map<String, Long>> byReason,
      long shards,
      long bytesDownloaded,
      long bytesWritten,
      double fetchSeconds) {
    return new RunSummary(
        input,
        accepted,
        rejected,
        input == accepted + rejected,
        byStage,
        byReason,
        shards,
        bytesDownloaded,
        bytesWritten,
        fetchSeconds,
        0,
        null,
        null,
        null);
  }

  public static String rejectedKey(Rejection rejection) {
    return REJECTED_PREFIX + rejection.stage().wireName() + "/" + rejection.reason().wireName();
  }

  /** The same summary with the launcher's timing added. */
  public RunSummary withTiming(String startedAt, String finishedAt, double wallSeconds) {
    Double rate = wallSeconds > 0 ? Math.round(accepted / wallSeconds * 10) / 10.0 : null;
    return new RunSummary(
        input,
        accepted,
        rejected,
        balanced,
        rejectedByStage,
        rejectedByReason,
        shards,
        bytesDownloaded,
        bytesWritten,
        fetchSecondsTotal,
        wallSeconds,
        rate,
        startedAt,
        finishedAt);
  }

  public static final class Coder extends JsonCoder<RunSummary> {
    public Coder() {
      super(RunSummary.class);
    }

    /** Looked up by {@code @DefaultCoder}. */
    public static org.apache.beam.sdk.coders.CoderProvider getCoderProvider() {
      return JsonCoder.providerFor(RunSummary.class, new Coder());
    }
  }
}
