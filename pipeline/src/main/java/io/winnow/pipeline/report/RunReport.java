package io.winnow.pipeline.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.winnow.dedup.DuplicateExample;
import io.winnow.filters.DropNsfw;
import io.winnow.pipeline.export.WebDatasetReader;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SeedMatch;
import io.winnow.schemas.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
  static final int EXAMPLES_PER_REASON = 3;
  static final int GALLERY = 24;
  static final int NEAR_DUPLICATES_LISTED = 50;

  /** Folders under report/ that the pipeline itself fills (images the shards do not hold). */
  public static final String DUPLICATES = "duplicates";

  public static final String SEEDS = "seeds";
  public static final String EXAMPLES_FILE = "examples.json";

  /** Seeds shown per seed set, and pool images shown per seed. */
  public static final int SEEDS_SHOWN = 6;

  static final int SELECTED_PER_SEED = 6;
  static final int CLUSTER_BARS = 120;

  private RunReport() {}

  /** Figures of one run, in {@code metrics.json}. */
  record Metrics(
      @JsonProperty("schema_version") int schemaVersion,
      @JsonProperty("summary") RunSummary summary,
      @JsonProperty("funnel") List<Map<String, Object>> funnel,
      @JsonProperty("rejection_examples")
          Map<String, Map<String, List<Map<String, String>>>> rejectionExamples,
      @JsonProperty("faces") Map<String, Object> faces,
      @JsonProperty("nsfw") Map<String, Object> nsfw,
      @JsonProperty("retrieved_by_set") Map<String, Long> retrievedBySet,
      @JsonProperty("near_duplicates") List<Map<String, String>> nearDuplicates,
      @JsonProperty("config") Map<String, Object> config,
      @JsonProperty("duplicate_examples") List<Map<String, Object>> duplicateExamples,
      @JsonProperty("seed_examples") List<Map<String, Object>> seedExamples,
      @JsonProperty("clusters") Map<String, Map<String, Object>> clusters,
      @JsonProperty("stage_timings") List<StageTimings.Timing> stageTimings) {}

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
    Map<String, String> removedUrls = new TreeMap<>();
    pairs.forEach(p -> removedUrls.put(p.removedKey(), null));
    // Rejections are streamed: only the few shown are kept (the smallest keys, for a stable page).
    Map<String, Map<String, java.util.TreeSet<Rejection>>> kept = new TreeMap<>();
    java.util.TreeSet<Rejection> nearKept = new java.util.TreeSet<>(BY_KEY);
    for (Path rejectionFolder : sources.rejectionFolders()) {
      forEachRejection(
          rejectionFolder,
          r -> {
            if (r.key() != null && removedUrls.containsKey(r.key())) {
              removedUrls.put(r.key(), r.url());
            }
            // Known-bad images are counted, never shown: not even their URLs go on the page.
            keepSmallest(
                kept.computeIfAbsent(r.stage().wireName(), st -> new TreeMap<>())
                    .computeIfAbsent(r.reason().wireName(), re -> new java.util.TreeSet<>(BY_KEY)),
                r,
                r.reason() == io.winnow.schemas.Reason.KNOWN_BAD_IMAGE ? 0 : EXAMPLES_PER_REASON);
            if (r.reason().wireName().equals("near-duplicate")) {
              keepSmallest(nearKept, r, NEAR_DUPLICATES_LISTED);
            }
          });
    }
    Map<String, Map<String, List<Map<String, String>>>> examples = new TreeMap<>();
    kept.forEach(
        (stage, reasons) ->
            reasons.forEach(
                (reason, list) ->
                    examples
                        .computeIfAbsent(stage, st -> new TreeMap<>())
                        .put(reason, shown(list))));
    List<Map<String, String>> nearDuplicates = shown(nearKept);

    Path thumbs = reportDir.resolve("thumbs");
    WriteThumbnails.clear(thumbs);
    Files.createDirectories(thumbs);
    Map<String, String> duplicateThumbs = WriteThumbnails.index(reportDir.resolve(DUPLICATES));
    Map<String, String> seedThumbs = WriteThumbnails.index(reportDir.resolve(SEEDS));
    // Seed key → the exported images it selected (their thumbnails are made from the shards).
    Map<String, List<Map<String, Object>>> selectedBySeed = new TreeMap<>();
    seedThumbs.keySet().forEach(k -> selectedBySeed.put(k, new ArrayList<>()));
    Map<String, Map<String, Long>> keptByCluster = new TreeMap<>();
    List<Sample> withFaceSamples = new ArrayList<>();
    List<Sample> others = new ArrayList<>();
    Map<String, Object> config = sources.config();
    @SuppressWarnings("unchecked")
    List<String> unsafeClasses =
        (List<String>)
            config.getOrDefault("filter.nsfw_unsafe_classes", List.of("Hentai", "Porn", "Sexy"));
    Map<String, Long> bySet = new TreeMap<>();
    Figures f = new Figures();
    for (Path shard : sources.shards()) {
      // Streamed: one sample in memory at a time, besides the few kept for the gallery.
      WebDatasetReader.read(
          shard,
          s -> {
            if (s.faces() != null) {
              f.checkedForFaces++;
              if (!s.faces().isEmpty()) {
                f.withFaces++;
                f.faces += s.faces().size();
              }
            }
            if (s.nsfwScores() != null) {
              f.scored++;
              double unsafe = DropNsfw.unsafeScore(s.nsfwScores(), unsafeClasses);
              f.maxUnsafe = Math.max(f.maxUnsafe, unsafe);
            }
            if (s.seedMatch() != null) {
              for (SeedMatch m : s.seedMatch()) {
                bySet.merge(m.seedSet(), 1L, Long::sum);
                if (m.clusterIds() != null && !m.clusterIds().isEmpty()) {
                  keptByCluster
                      .computeIfAbsent(m.seedSet(), x -> new TreeMap<>())
                      .merge(
                          m.clusterIds().stream()
                              .map(String::valueOf)
                              .collect(java.util.stream.Collectors.joining("/")),
                          1L,
                          Long::sum);
                }
                for (String seed : m.seedKeys() == null ? List.<String>of() : m.seedKeys()) {
                  List<Map<String, Object>> selected = selectedBySeed.get(seed);
                  if (selected != null && selected.size() < SELECTED_PER_SEED) {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("key", s.key());
                    one.put("url", s.url());
                    one.put("similarity", m.similarity());
                    one.put("thumbnail", "thumbs/" + Thumbnails.fileName(s.key()));
                    selected.add(one);
                    writeThumbnail(thumbs, s);
                  }
                }
              }
            }
            // Images with faces first: their blurred versions are what the faces section shows.
            List<Sample> bucket =
                s.faces() != null && !s.faces().isEmpty() ? withFaceSamples : others;
            if (bucket.size() < GALLERY) {
              bucket.add(s);
            }
          });
    }
    List<Sample> gallery = new ArrayList<>(withFaceSamples);
    for (Sample s : others) {
      if (gallery.size() < GALLERY) {
        gallery.add(s);
      }
    }
    for (Sample s : gallery) {
      writeThumbnail(thumbs, s);
    }
    List<Map<String, Object>> duplicateExamples = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (DuplicateExample p : pairs) {
      if (!seen.add(p.removedKey())) {
        continue; // one pair can be picked for its band and as one of the closest to the threshold
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("removed_key", p.removedKey());
      e.put("removed_url", removedUrls.get(p.removedKey()));
      e.put("kept_key", p.keptKey());
      e.put("similarity", Math.round(p.similarity() * 1e4) / 1e4);
      e.put("exact", p.exact());
      e.put("removed_thumbnail", thumbPath(DUPLICATES, duplicateThumbs.get(p.removedKey())));
      e.put("kept_thumbnail", thumbPath(DUPLICATES, duplicateThumbs.get(p.keptKey())));
      duplicateExamples.add(e);
    }
    duplicateExamples.sort(
        java.util.Comparator.comparing((Map<String, Object> e) -> (Double) e.get("similarity"))
            .thenComparing(e -> (String) e.get("removed_key")));
    List<Map<String, Object>> seedExamples = new ArrayList<>();
    seedThumbs.forEach(
        (seed, file) -> {
          Map<String, Object> e = new LinkedHashMap<>();
          int slash = seed.indexOf('/');
          e.put("seed_set", slash < 0 ? "" : seed.substring(0, slash));
          e.put("seed_key", seed);
          e.put("seed_thumbnail", thumbPath(SEEDS, file));
          e.put("selected", selectedBySeed.get(seed));
          seedExamples.add(e);
        });
    Map<String, Map<String, Object>> clusters = new TreeMap<>();
    keptByCluster.forEach((set, counts) -> clusters.put(set, clusterFigures(counts)));

    List<Map<String, Object>> funnel = funnel(summary);
    Map<String, Object> faceFigures = new LinkedHashMap<>();
    faceFigures.put("images_checked", f.checkedForFaces);
    faceFigures.put("images_with_faces", f.withFaces);
    faceFigures.put("faces", f.faces);
    faceFigures.put("rejected_has_faces", count(summary, "filter", "has-faces"));
    Map<String, Object> nsfwFigures = new LinkedHashMap<>();
    nsfwFigures.put("images_scored", f.scored);
    nsfwFigures.put("rejected", count(summary, "filter", "nsfw"));
    nsfwFigures.put("max_unsafe_score_kept", Math.round(f.maxUnsafe * 1e4) / 1e4);
    Metrics metrics =
        new Metrics(
            1,
            summary,
            funnel,
            examples,
            faceFigures,
            nsfwFigures,
            bySet,
            nearDuplicates,
            config,
            duplicateExamples,
            seedExamples,
            clusters,
            sources.timings());
    Files.writeString(output.resolve(METRICS), Json.writePretty(metrics), StandardCharsets.UTF_8);
    Path index = reportDir.resolve("index.html");
    Files.writeString(index, html(metrics, gallery), StandardCharsets.UTF_8);
    return index;
  }

  private static void writeThumbnail(Path thumbs, Sample s) {
    Path file = thumbs.resolve(Thumbnails.fileName(s.key()));
    try {
      if (!Files.exists(file)) {
        Files.write(file, Thumbnails.of(s.image()));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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

  /** Kept images per cluster: how many clusters, the spread, and the counts largest first. */
  static Map<String, Object> clusterFigures(Map<String, Long> counts) {
    List<Long> sizes = new ArrayList<>(counts.values());
    sizes.sort(java.util.Comparator.reverseOrder());
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("clusters", sizes.size());
    f.put("kept_max", sizes.get(0));
    f.put("kept_median", sizes.get(sizes.size() / 2));
    f.put("kept_min", sizes.get(sizes.size() - 1));
    f.put("kept_per_cluster", sizes);
    return f;
  }

  /** URLs in, then what is left after each stage, in pipeline order, and what was written. */
  static List<Map<String, Object>> funnel(RunSummary summary) {
    List<Map<String, Object>> steps = new ArrayList<>();
    long left = summary.input();
    steps.add(step("URLs in", left, summary.input()));
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
      steps.add(step(labels[i], left, summary.input()));
    }
    return steps;
  }

  private static Map<String, Object> step(String label, long count, long input) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", label);
    m.put("count", count);
    m.put("percent", input == 0 ? 0.0 : Math.round(1000.0 * count / input) / 10.0);
    return m;
  }

  private static long count(RunSummary summary, String stage, String reason) {
    if (summary.rejectedByReason() == null || summary.rejectedByReason().get(stage) == null) {
      return 0;
    }
    return summary.rejectedByReason().get(stage).getOrDefault(reason, 0L);
  }

  /** Counters over the exported samples. */
  private static final class Figures {
    long checkedForFaces;
    long withFaces;
    long faces;
    long scored;
    double maxUnsafe;
  }

  // Read-stage rejections may have no key (an unreadable row): order by key, then URL.
  private static final java.util.Comparator<String> TEXT =
      java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder());
  static final java.util.Comparator<Rejection> BY_KEY =
      java.util.Comparator.comparing(Rejection::key, TEXT)
          .thenComparing(Rejection::url, TEXT)
          .thenComparing(Rejection::detail, TEXT);

  private static void keepSmallest(java.util.TreeSet<Rejection> set, Rejection r, int limit) {
    set.add(r);
    if (set.size() > limit) {
      set.pollLast();
    }
  }

  private static List<Map<String, String>> shown(java.util.Collection<Rejection> rejections) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Rejection r : rejections) {
      out.add(Map.of("url", String.valueOf(r.url()), "detail", String.valueOf(r.detail())));
    }
    return out;
  }

  /** Streams the rejections of a run's {@code rejections/} folder, one line at a time. */
  public static void forEachRejection(Path folder, java.util.function.Consumer<Rejection> each)
      throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jsonl")) {
      for (Path file : files) {
        try (java.util.stream.Stream<String> lines = Files.lines(file)) {
          lines
              .filter(line -> !line.isBlank())
              .forEach(line -> each.accept(Json.read(line, Rejection.class)));
        }
      }
    }
  }

  private static String html(Metrics m, List<Sample> gallery) {
    RunSummary s = m.summary();
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Winnow run report</title><style>")
        .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}")
        .append("h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}")
        .append("table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;")
        .append("border-bottom:1px solid #eee}td.n{text-align:right}")
        .append(".g{display:flex;flex-wrap:wrap;gap:8px}.g figure{margin:0;width:128px;")
        .append("font-size:11px;word-break:break-all}.g img{display:block}")
        .append(".url{font-family:monospace;font-size:12px}")
        .append(".pairs{display:flex;flex-wrap:wrap;gap:12px}.pair{margin:0;width:270px;")
        .append("font-size:11px;word-break:break-all}.pair img{margin-right:4px}")
        .append(".seed{display:flex;gap:8px;align-items:flex-start;margin:6px 0}")
        .append(".seed figure{margin:0;width:128px;font-size:11px;word-break:break-all}")
        .append(".missing{display:inline-block;width:128px;height:96px;background:#eee}")
        .append("</style></head><body>\n");
    h.append("<h1>Winnow run report</h1>\n<p>")
        .append(esc(s.startedAt()))
        .append(" → ")
        .append(esc(s.finishedAt()))
        .append(" · ")
        .append(s.input())
        .append(" URLs · ")
        .append(s.accepted())
        .append(" accepted · ")
        .append(s.rejected())
        .append(" rejected · ")
        .append(s.balanced() ? "balanced (input = accepted + rejected)" : "NOT BALANCED")
        .append("</p>\n");

    h.append("<h2 id=\"funnel\">Funnel</h2>\n");
    int barWidth = 600;
    int rowHeight = 22;
    h.append("<svg width=\"")
        .append(barWidth + 330)
        .append("\" height=\"")
        .append(rowHeight * m.funnel().size() + 4)
        .append("\" role=\"img\" aria-label=\"funnel\">");
    for (int i = 0; i < m.funnel().size(); i++) {
      Map<String, Object> step = m.funnel().get(i);
      double pct = ((Number) step.get("percent")).doubleValue();
      int y = i * rowHeight;
      h.append("<text x=\"0\" y=\"")
          .append(y + 15)
          .append("\">")
          .append(esc((String) step.get("step")))
          .append("</text><rect x=\"130\" y=\"")
          .append(y + 3)
          .append("\" width=\"")
          .append(Math.max(1, (int) Math.round(barWidth * pct / 100)))
          .append("\" height=\"16\" ")
          .append("fill=\"#4a7fb5\"/><text x=\"")
          .append(140 + barWidth)
          .append("\" y=\"")
          .append(y + 15)
          .append("\">")
          .append(step.get("count"))
          .append(" (")
          .append(String.format(Locale.ROOT, "%.1f", pct))
          .append(" %)</text>");
    }
    h.append("</svg>\n");

    h.append("<h2 id=\"rejections\">Rejections by stage and reason</h2>\n<table>")
        .append("<tr><th>stage</th><th>reason</th><th>count</th><th>examples</th></tr>\n");
    if (s.rejectedByReason() != null) {
      for (Map.Entry<String, Map<String, Long>> stage :
          new TreeMap<>(s.rejectedByReason()).entrySet()) {
        for (Map.Entry<String, Long> reason : new TreeMap<>(stage.getValue()).entrySet()) {
          h.append("<tr><td>")
              .append(esc(stage.getKey()))
              .append("</td><td>")
              .append(esc(reason.getKey()))
              .append("</td><td class=\"n\">")
              .append(reason.getValue())
              .append("</td><td>");
          for (Map<String, String> e :
              m.rejectionExamples()
                  .getOrDefault(stage.getKey(), Map.of())
                  .getOrDefault(reason.getKey(), List.of())) {
            h.append("<div><span class=\"url\">")
                .append(esc(e.get("url")))
                .append("</span> — ")
                .append(esc(e.get("detail")))
                .append("</div>");
          }
          h.append("</td></tr>\n");
        }
      }
    }
    h.append("</table>\n");

    h.append("<h2 id=\"duplicates\">Duplicates</h2>\n");
    if (!m.duplicateExamples().isEmpty()) {
      h.append(
          "<p>Pairs sampled across the similarity range, lowest first (near the threshold is "
              + "where mistakes hide): the kept image, then the removed copy. Thumbnails were made "
              + "when the copies were removed, after face blurring.</p>\n<div class=\"pairs\">");
      for (Map<String, Object> e : m.duplicateExamples()) {
        h.append("<figure class=\"pair\">")
            .append(img((String) e.get("kept_thumbnail"), "kept " + e.get("kept_key")))
            .append(img((String) e.get("removed_thumbnail"), "removed " + e.get("removed_key")))
            .append("<figcaption>")
            .append(
                Boolean.TRUE.equals(e.get("exact"))
                    ? "same bytes"
                    : String.format(Locale.ROOT, "cosine %.4f", (Double) e.get("similarity")))
            .append("<br>kept ")
            .append(esc((String) e.get("kept_key")))
            .append("<br>removed <span class=\"url\">")
            .append(esc(String.valueOf(e.get("removed_url"))))
            .append("</span></figcaption>")
            .append("</figure>");
      }
      h.append("</div>\n");
    }
    if (m.nearDuplicates().isEmpty()) {
      h.append("<p>No near-duplicates removed.</p>\n");
    } else {
      h.append(
              "<p>Near-duplicate removals by URL, with the kept sample and the similarity "
                  + "(first ")
          .append(m.nearDuplicates().size())
          .append(" by key):</p><table>");
      for (Map<String, String> d : m.nearDuplicates()) {
        h.append("<tr><td class=\"url\">")
            .append(esc(d.get("url")))
            .append("</td><td>")
            .append(esc(d.get("detail")))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2 id=\"faces\">Faces</h2>\n<p>")
        .append(m.faces().get("images_checked"))
        .append(" images checked, ")
        .append(m.faces().get("images_with_faces"))
        .append(" with faces (")
        .append(m.faces().get("faces"))
        .append(" faces, blurred); ")
        .append(m.faces().get("rejected_has_faces"))
        .append(
            " dropped for faces. Thumbnails "
                + "below are exported images: blurred before they were stored.</p>\n");
    h.append("<h2 id=\"nsfw\">NSFW</h2>\n<p>")
        .append(m.nsfw().get("images_scored"))
        .append(" kept images scored; ")
        .append(m.nsfw().get("rejected"))
        .append(" rejected (listed by URL only); highest unsafe score kept: ")
        .append(m.nsfw().get("max_unsafe_score_kept"))
        .append(".</p>\n");

    h.append("<h2 id=\"retrieval\">Retrieval</h2>\n");
    if (m.retrievedBySet().isEmpty()) {
      h.append("<p>No seed sets: every pool image that passed was kept.</p>\n");
    } else {
      h.append("<table><tr><th>seed set</th><th>images kept</th></tr>");
      m.retrievedBySet()
          .forEach(
              (set, n) ->
                  h.append("<tr><td>")
                      .append(esc(set))
                      .append("</td><td class=\"n\">")
                      .append(n)
                      .append("</td></tr>"));
      h.append("</table>\n");
    }
    if (!m.seedExamples().isEmpty()) {
      h.append(
          "<h3>What sampled seeds selected</h3>\n<p>Each row: a seed (face-blurred as pool "
              + "images are), then the exported images it selected, with their similarity.</p>\n");
      for (Map<String, Object> e : m.seedExamples()) {
        h.append("<div class=\"seed\"><figure>")
            .append(img((String) e.get("seed_thumbnail"), "seed " + e.get("seed_key")))
            .append("<figcaption>seed ")
            .append(esc((String) e.get("seed_key")))
            .append("</figcaption></figure>");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> selected = (List<Map<String, Object>>) e.get("selected");
        if (selected.isEmpty()) {
          h.append("<p>selected nothing that was exported</p>");
        }
        for (Map<String, Object> s2 : selected) {
          h.append("<figure>")
              .append(img((String) s2.get("thumbnail"), (String) s2.get("key")))
              .append("<figcaption>")
              .append(
                  s2.get("similarity") == null
                      ? "cluster member"
                      : String.format(
                          Locale.ROOT, "%.3f", ((Number) s2.get("similarity")).doubleValue()))
              .append("</figcaption></figure>");
        }
        h.append("</div>\n");
      }
    }
    m.clusters()
        .forEach(
            (set, f) -> {
              h.append("<h3>Clusters: ")
                  .append(esc(set))
                  .append("</h3>\n<p>")
                  .append(f.get("clusters"))
                  .append(" clusters with kept images; kept per cluster: max ")
                  .append(f.get("kept_max"))
                  .append(", median ")
                  .append(f.get("kept_median"))
                  .append(", min ")
                  .append(f.get("kept_min"))
                  .append(".</p>\n");
              @SuppressWarnings("unchecked")
              List<Long> sizes = (List<Long>) f.get("kept_per_cluster");
              int bars = Math.min(CLUSTER_BARS, sizes.size());
              long max = Math.max(1, sizes.get(0));
              h.append("<svg width=\"")
                  .append(bars * 6 + 40)
                  .append("\" height=\"110\" role=\"img\" ")
                  .append("aria-label=\"kept images per cluster, largest first\">");
              for (int i = 0; i < bars; i++) {
                int height = (int) Math.max(1, Math.round(100.0 * sizes.get(i) / max));
                h.append("<rect x=\"")
                    .append(i * 6)
                    .append("\" y=\"")
                    .append(100 - height)
                    .append("\" width=\"5\" height=\"")
                    .append(height)
                    .append("\" fill=\"#4a7fb5\"/>");
              }
              h.append("</svg>")
                  .append(sizes.size() > bars ? "<p>(largest " + bars + " shown)</p>" : "")
                  .append("\n");
            });

    h.append("<h2 id=\"samples\">Samples</h2>\n<div class=\"g\">");
    for (Sample g : gallery) {
      h.append("<figure><img src=\"thumbs/")
          .append(esc(Thumbnails.fileName(g.key())))
          .append("\" alt=\"")
          .append(esc(g.key()))
          .append("\" width=\"128\"><figcaption>")
          .append(esc(g.caption() == null ? g.key() : g.caption()));
      if (g.faces() != null && !g.faces().isEmpty()) {
        h.append(" · ").append(g.faces().size()).append(" face(s) blurred");
      }
      if (g.seedMatch() != null) {
        for (SeedMatch sm : g.seedMatch()) {
          h.append(" · ").append(esc(sm.seedSet()));
          if (sm.similarity() != null) {
            h.append(String.format(Locale.ROOT, " %.3f", sm.similarity()));
          }
        }
      }
      h.append("</figcaption></figure>");
    }
    h.append("</div>\n");

    h.append("<h2 id=\"timing\">Timing and volume</h2>\n<table>")
        .append(row("wall time", String.format(Locale.ROOT, "%.1f s", s.wallSeconds())))
        .append(
            row(
                "fetch time (sum over requests)",
                String.format(Locale.ROOT, "%.1f s", s.fetchSecondsTotal())))
        .append(
            row(
                "accepted images per second",
                s.imagesPerSecond() == null
                    ? "—"
                    : String.format(Locale.ROOT, "%.1f", s.imagesPerSecond())))
        .append(row("downloaded", s.bytesDownloaded() + " bytes"))
        .append(row("written", s.bytesWritten() + " bytes in " + s.shards() + " shard(s)"))
        .append("</table>\n");
    if (!m.stageTimings().isEmpty()) {
      h.append(
          "<h3>Per stage</h3>\n<p>Work time summed over workers and threads, from the "
              + "run's Beam metrics (fetch: request time, which overlaps); items per second is one "
              + "thread's rate.</p>\n<table><tr><th>stage</th><th>seconds</th><th>items</th>"
              + "<th>items/s</th><th></th></tr>");
      double longest =
          m.stageTimings().stream().mapToDouble(StageTimings.Timing::seconds).max().orElse(1);
      for (StageTimings.Timing t : m.stageTimings()) {
        int width = (int) Math.max(1, Math.round(200 * t.seconds() / Math.max(1e-9, longest)));
        h.append("<tr><td>")
            .append(esc(t.stage()))
            .append("</td><td class=\"n\">")
            .append(String.format(Locale.ROOT, "%.2f", t.seconds()))
            .append("</td><td class=\"n\">")
            .append(t.items())
            .append("</td><td class=\"n\">")
            .append(
                t.itemsPerSecond() == null
                    ? "—"
                    : String.format(Locale.ROOT, "%.1f", t.itemsPerSecond()))
            .append("</td><td><svg width=\"202\" height=\"12\"><rect width=\"")
            .append(width)
            .append("\" height=\"12\" fill=\"#4a7fb5\"/></svg></td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2 id=\"config\">Configuration and models</h2>\n");
    if (m.config().isEmpty()) {
      h.append("<p>This run predates run-config.json.</p>\n");
    } else {
      h.append("<table>");
      m.config().forEach((key, value) -> h.append(row(key, String.valueOf(value))));
      h.append("</table>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  /** A thumbnail, or a grey box where none could be made (an image OpenCV could not read). */
  private static String img(String src, String alt) {
    if (src == null) {
      return "<span class=\"missing\" title=\"" + esc(alt) + "\"></span>";
    }
    return "<img src=\"" + esc(src) + "\" alt=\"" + esc(alt) + "\" width=\"128\">";
  }

  private static String row(String name, String value) {
    return "<tr><td>" + esc(name) + "</td><td>" + esc(value) + "</td></tr>";
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
