package io.winnow.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The figures of one run's report, typed: what {@code metrics.json} holds (schema:
 * schemas/METRICS.md) and what {@link ReportPage} draws. Derived figures (the funnel, cluster
 * spreads) are computed here from the run's summary and counts.
 */
final class ReportMetrics {
  static final int SCHEMA_VERSION = 1;

  private ReportMetrics() {}

  /** Figures of one run, in {@code metrics.json}. */
  record Metrics(
      @JsonProperty("schema_version") int schemaVersion,
      @JsonProperty("summary") RunSummary summary,
      @JsonProperty("funnel") List<FunnelStep> funnel,
      @JsonProperty("rejection_examples") Map<String, Map<String, List<Shown>>> rejectionExamples,
      @JsonProperty("faces") FaceFigures faces,
      @JsonProperty("nsfw") NsfwFigures nsfw,
      @JsonProperty("retrieved_by_set") Map<String, Long> retrievedBySet,
      @JsonProperty("near_duplicates") List<Shown> nearDuplicates,
      @JsonProperty("config") Map<String, Object> config,
      @JsonProperty("duplicate_examples") List<DuplicatePair> duplicateExamples,
      @JsonProperty("seed_examples") List<SeedExample> seedExamples,
      @JsonProperty("clusters") Map<String, ClusterFigures> clusters,
      @JsonProperty("stage_timings") List<StageTimings.Timing> stageTimings) {}

  /** What is left after a stage: a count and its share of the URLs read. */
  record FunnelStep(
      @JsonProperty("step") String step,
      @JsonProperty("count") long count,
      @JsonProperty("percent") double percent) {
    static FunnelStep of(String step, long count, long input) {
      return new FunnelStep(
          step, count, input == 0 ? 0.0 : Math.round(1000.0 * count / input) / 10.0);
    }
  }

  /** A rejection as the page shows it: its URL and its detail. */
  record Shown(@JsonProperty("url") String url, @JsonProperty("detail") String detail) {}

  record FaceFigures(
      @JsonProperty("images_checked") long imagesChecked,
      @JsonProperty("images_with_faces") long imagesWithFaces,
      @JsonProperty("faces") long faces,
      @JsonProperty("rejected_has_faces") long rejectedHasFaces) {}

  record NsfwFigures(
      @JsonProperty("images_scored") long imagesScored,
      @JsonProperty("rejected") long rejected,
      @JsonProperty("max_unsafe_score_kept") double maxUnsafeScoreKept) {}

  /** A duplicate pair the run sampled for the report, with the thumbnails it kept. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record DuplicatePair(
      @JsonProperty("removed_key") String removedKey,
      @JsonProperty("removed_url") String removedUrl,
      @JsonProperty("kept_key") String keptKey,
      @JsonProperty("similarity") double similarity,
      @JsonProperty("exact") boolean exact,
      @JsonProperty("removed_thumbnail") String removedThumbnail,
      @JsonProperty("kept_thumbnail") String keptThumbnail) {}

  /** A sampled seed and the exported images it selected. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record SeedExample(
      @JsonProperty("seed_set") String seedSet,
      @JsonProperty("seed_key") String seedKey,
      @JsonProperty("seed_thumbnail") String seedThumbnail,
      @JsonProperty("selected") List<Selected> selected) {}

  /** An exported image a seed selected; no similarity for a balanced-sampling cluster member. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Selected(
      @JsonProperty("key") String key,
      @JsonProperty("url") String url,
      @JsonProperty("similarity") Float similarity,
      @JsonProperty("thumbnail") String thumbnail) {}

  /** Kept images per cluster: how many clusters, the spread, and the counts largest first. */
  record ClusterFigures(
      @JsonProperty("clusters") int clusters,
      @JsonProperty("kept_max") long keptMax,
      @JsonProperty("kept_median") long keptMedian,
      @JsonProperty("kept_min") long keptMin,
      @JsonProperty("kept_per_cluster") List<Long> keptPerCluster) {
    static ClusterFigures of(Map<String, Long> counts) {
      List<Long> sizes = new ArrayList<>(counts.values());
      sizes.sort(Comparator.reverseOrder());
      return new ClusterFigures(
          sizes.size(),
          sizes.get(0),
          sizes.get(sizes.size() / 2),
          sizes.get(sizes.size() - 1),
          sizes);
    }
  }

  /** URLs in, then what is left after each stage, in pipeline order, and what was written. */
  static List<FunnelStep> funnel(RunSummary summary) {
    List<FunnelStep> steps = new ArrayList<>();
    long left = summary.input();
    steps.add(FunnelStep.of("URLs in", left, summary.input()));
    String[] labels = {
      "read",
      "fetched",
      "decoded",
      "passed filters",
      "embedded",
      "after dedup",
      "retrieved",
      "exported"
    };
    Stage[] stages = Stage.values();
    for (int i = 0; i < stages.length; i++) {
      Long rejected =
          summary.rejectedByStage() == null
              ? null
              : summary.rejectedByStage().get(stages[i].wireName());
      left -= rejected == null ? 0 : rejected;
      steps.add(FunnelStep.of(labels[i], left, summary.input()));
    }
    return steps;
  }

  /** Rejections of one stage and reason in the summary. */
  static long rejected(RunSummary summary, String stage, String reason) {
    if (summary.rejectedByReason() == null || summary.rejectedByReason().get(stage) == null) {
      return 0;
    }
    return summary.rejectedByReason().get(stage).getOrDefault(reason, 0L);
  }
}
