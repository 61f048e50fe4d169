package io.winnow.report;

import io.winnow.dedup.DuplicateExample;
import io.winnow.export.WebDatasetReader;
import io.winnow.report.ReportMetrics.ClusterFigures;
import io.winnow.report.ReportMetrics.DuplicatePair;
import io.winnow.report.ReportMetrics.FaceFigures;
import io.winnow.report.ReportMetrics.Metrics;
import io.winnow.report.ReportMetrics.NsfwFigures;
import io.winnow.report.ReportMetrics.SeedExample;
import io.winnow.report.ReportMetrics.Selected;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The report a person opens after a run: {@code OUTPUT/report/index.html} (one static page, CSS and
 * SVG inline, thumbnails as small JPEG files beside it, nothing fetched from the network) and
 * {@code OUTPUT/metrics.json} with the same figures for machines (schema: schemas/METRICS.md).
 * Built from what the run wrote (summary, rejections, shards), so {@code winnow report DIR}
 * rebuilds it at any time. Thumbnails come only from exported images, which are already
 * face-blurred and NSFW-filtered; rejected images appear as URLs only.
 */
public final class RunReport {
  public static final String DIR = "report";
  public static final String METRICS = "metrics.json";

  /** Folders under report/ that the pipeline itself fills (images the shards do not hold). */
  public static final String DUPLICATES = "duplicates";

  public static final String SEEDS = "seeds";
  public static final String EXAMPLES_FILE = "examples.json";

  /** Seeds shown per seed set, and pool images shown per seed. */
  public static final int SEEDS_SHOWN = 6;

  private RunReport() {}

  /**
   * What a report is made from: one run's output folder, or the batches of a refresh together. The
   * pipeline's duplicate and seed thumbnails are expected under {@code output/report/}.
   */
  public record Sources(
      RunSummary summary,
      List<Path> rejectionFolders,
      Map<String, Object> config,
      List<Path> shards,
      List<StageTimings.Timing> timings) {}

  /**
   * Writes report/index.html, its thumbnails and metrics.json under {@code output}, for the run
   * whose resolved configuration is {@code config}.
   */
  public static Path write(Path output, String shardPrefix, Map<String, Object> config)
      throws IOException {
    return write(
        output,
        new Sources(
            Summarize.read(output),
            List.of(output.resolve("rejections")),
            config,
            WebDatasetReader.shards(output, shardPrefix),
            StageTimings.read(output)));
  }

  /** As above, from {@code sources}; the report and metrics.json go under {@code output}. */
  public static Path write(Path output, Sources sources) throws IOException {
    RunSummary summary = sources.summary();
    Path reportDir = Files.createDirectories(output.resolve(DIR));
    List<DuplicateExample> pairs = readExamples(reportDir.resolve(DUPLICATES));
    Set<String> removedKeys = new HashSet<>();
    pairs.forEach(p -> removedKeys.add(p.removedKey()));
    RejectionExamples rejections = RejectionExamples.scan(sources.rejectionFolders(), removedKeys);

    Path thumbs = reportDir.resolve("thumbs");
    WriteThumbnails.clear(thumbs);
    Files.createDirectories(thumbs);
    Map<String, String> duplicateThumbs = WriteThumbnails.index(reportDir.resolve(DUPLICATES));
    Map<String, String> seedThumbs = WriteThumbnails.index(reportDir.resolve(SEEDS));
    Map<String, Object> config = sources.config();
    @SuppressWarnings("unchecked")
    List<String> unsafeClasses =
        (List<String>)
            config.getOrDefault("filter.nsfw_unsafe_classes", List.of("Hentai", "Porn", "Sexy"));
    ShardFigures shards =
        ShardFigures.scan(sources.shards(), unsafeClasses, seedThumbs.keySet(), thumbs);

    Map<String, ClusterFigures> clusters = new TreeMap<>();
    shards.keptByCluster.forEach((set, counts) -> clusters.put(set, ClusterFigures.of(counts)));
    Metrics metrics =
        new Metrics(
            ReportMetrics.SCHEMA_VERSION,
            summary,
            ReportMetrics.funnel(summary),
            rejections.byStageAndReason(),
            new FaceFigures(
                shards.checkedForFaces,
                shards.withFaces,
                shards.faces,
                ReportMetrics.rejected(summary, "filter", "has-faces")),
            new NsfwFigures(
                shards.scored,
                ReportMetrics.rejected(summary, "filter", "nsfw"),
                Math.round(shards.maxUnsafe * 1e4) / 1e4),
            shards.keptBySet,
            rejections.nearDuplicates(),
            config,
            duplicatePairs(pairs, rejections.removedUrls(), duplicateThumbs),
            seedExamples(seedThumbs, shards.selectedBySeed),
            clusters,
            sources.timings());
    Files.writeString(output.resolve(METRICS), Json.writePretty(metrics), StandardCharsets.UTF_8);
    Path index = reportDir.resolve("index.html");
    Files.writeString(index, ReportPage.render(metrics, shards.gallery), StandardCharsets.UTF_8);
    return index;
  }

  /** Streams the rejections of a run's {@code rejections/} folder, one line at a time. */
  public static void forEachRejection(Path folder, Consumer<Rejection> each) throws IOException {
    RejectionExamples.forEachRejection(folder, each);
  }

  /** The sampled pairs, lowest similarity first, each once, with their thumbnails. */
  private static List<DuplicatePair> duplicatePairs(
      List<DuplicateExample> pairs, Map<String, String> removedUrls, Map<String, String> thumbs) {
    List<DuplicatePair> shown = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (DuplicateExample p : pairs) {
      if (!seen.add(p.removedKey())) {
        continue; // one pair can be picked for its band and as one of the closest to the threshold
      }
      shown.add(
          new DuplicatePair(
              p.removedKey(),
              removedUrls.get(p.removedKey()),
              p.keptKey(),
              Math.round(p.similarity() * 1e4) / 1e4,
              p.exact(),
              thumbPath(DUPLICATES, thumbs.get(p.removedKey())),
              thumbPath(DUPLICATES, thumbs.get(p.keptKey()))));
    }
    shown.sort(
        Comparator.comparingDouble(DuplicatePair::similarity)
            .thenComparing(DuplicatePair::removedKey));
    return shown;
  }

  private static List<SeedExample> seedExamples(
      Map<String, String> seedThumbs, Map<String, List<Selected>> selectedBySeed) {
    List<SeedExample> examples = new ArrayList<>();
    seedThumbs.forEach(
        (seed, file) -> {
          int slash = seed.indexOf('/');
          examples.add(
              new SeedExample(
                  slash < 0 ? "" : seed.substring(0, slash),
                  seed,
                  thumbPath(SEEDS, file),
                  selectedBySeed.get(seed)));
        });
    return examples;
  }

  /** The duplicate pairs the run picked for the report; none for runs without dedup. */
  static List<DuplicateExample> readExamples(Path folder) throws IOException {
    Path file = folder.resolve(EXAMPLES_FILE);
    if (!Files.exists(file)) {
      return List.of();
    }
    return Json.mapper()
        .readValue(
            Files.readAllBytes(file),
            new com.fasterxml.jackson.core.type.TypeReference<List<DuplicateExample>>() {});
  }

  private static String thumbPath(String folder, String file) {
    return file == null ? null : folder + "/" + file;
  }
}
