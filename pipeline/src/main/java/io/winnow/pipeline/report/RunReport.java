package io.winnow.pipeline.report;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.annotation.JsonProperty;
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
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The report a person opens after a run: {@code OUTPUT/report/index.html} (one static page, CSS
 * and SVG inline, thumbnails as small JPEG files beside it, nothing fetched from the network) and
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
  static final int THUMB_PX = 128;
  static final int NEAR_DUPLICATES_LISTED = 50;

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
      @JsonProperty("config") Map<String, Object> config) {}

  /** Writes report/index.html, its thumbnails and metrics.json under {@code output}. */
  public static Path write(Path output, String shardPrefix) throws IOException {
    RunSummary summary = Summarize.read(output);
    // Rejections are streamed: only the few shown are kept (the smallest keys, for a stable page).
    Map<String, Map<String, java.util.TreeSet<Rejection>>> kept = new TreeMap<>();
    java.util.TreeSet<Rejection> nearKept = new java.util.TreeSet<>(BY_KEY);
    forEachRejection(output.resolve("rejections"), r -> {
      keepSmallest(kept.computeIfAbsent(r.stage().wireName(), st -> new TreeMap<>())
          .computeIfAbsent(r.reason().wireName(), re -> new java.util.TreeSet<>(BY_KEY)), r,
          EXAMPLES_PER_REASON);
      if (r.reason().wireName().equals("near-duplicate")) {
        keepSmallest(nearKept, r, NEAR_DUPLICATES_LISTED);
      }
    });
    Map<String, Map<String, List<Map<String, String>>>> examples = new TreeMap<>();
    kept.forEach((stage, reasons) -> reasons.forEach((reason, list) -> examples
        .computeIfAbsent(stage, st -> new TreeMap<>()).put(reason, shown(list))));
    List<Map<String, String>> nearDuplicates = shown(nearKept);

    Path reportDir = Files.createDirectories(output.resolve(DIR));
    Path thumbs = Files.createDirectories(reportDir.resolve("thumbs"));
    List<Sample> withFaceSamples = new ArrayList<>();
    List<Sample> others = new ArrayList<>();
    Map<String, Object> config = RunConfiguration.read(output);
    @SuppressWarnings("unchecked")
    List<String> unsafeClasses = (List<String>) config.getOrDefault("filter.nsfw_unsafe_classes",
        List.of("Hentai", "Porn", "Sexy"));
    Map<String, Long> bySet = new TreeMap<>();
    Figures f = new Figures();
    for (Path shard : WebDatasetReader.shards(output, shardPrefix)) {
      // Streamed: one sample in memory at a time, besides the few kept for the gallery.
      WebDatasetReader.read(shard, s -> {
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
          }
        }
        // Images with faces first: their blurred versions are what the faces section shows.
        List<Sample> bucket = s.faces() != null && !s.faces().isEmpty() ? withFaceSamples : others;
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
      Files.write(thumbs.resolve(s.key() + ".jpg"), thumbnail(s.image()));
    }

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
    Metrics metrics = new Metrics(1, summary, funnel, examples, faceFigures, nsfwFigures, bySet,
        nearDuplicates, config);
    Files.writeString(output.resolve(METRICS), Json.writePretty(metrics), StandardCharsets.UTF_8);
    Path index = reportDir.resolve("index.html");
    Files.writeString(index, html(metrics, gallery), StandardCharsets.UTF_8);
    return index;
  }

  /** URLs in, then what is left after each stage, in pipeline order, and what was written. */
  static List<Map<String, Object>> funnel(RunSummary summary) {
    List<Map<String, Object>> steps = new ArrayList<>();
    long left = summary.input();
    steps.add(step("URLs in", left, summary.input()));
    String[] labels = {"read", "fetched", "decoded", "passed filters", "embedded",
        "after dedup", "retrieved", "exported"};
    Stage[] stages = Stage.values();
    for (int i = 0; i < stages.length; i++) {
      Long rejected = summary.rejectedByStage() == null ? null
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
      java.util.Comparator.comparing(Rejection::key, TEXT).thenComparing(Rejection::url, TEXT)
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

  private static void forEachRejection(Path folder, java.util.function.Consumer<Rejection> each)
      throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jsonl")) {
      for (Path file : files) {
        try (java.util.stream.Stream<String> lines = Files.lines(file)) {
          lines.filter(line -> !line.isBlank()).forEach(line ->
              each.accept(Json.read(line, Rejection.class)));
        }
      }
    }
  }

  static byte[] thumbnail(byte[] jpeg) {
    try (BytePointer bytes = new BytePointer(jpeg);
        Mat encoded = new Mat(1, jpeg.length, CV_8UC1, bytes);
        Mat image = imdecode(encoded, IMREAD_COLOR);
        Mat small = new Mat();
        BytePointer out = new BytePointer();
        IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 85)) {
      double scale = (double) THUMB_PX / Math.max(image.cols(), image.rows());
      resize(image, small, new Size(Math.max(1, (int) Math.round(image.cols() * scale)),
          Math.max(1, (int) Math.round(image.rows() * scale))), 0, 0, INTER_AREA);
      imencode(".jpg", small, out, params);
      byte[] result = new byte[(int) out.limit()];
      out.get(result);
      return result;
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
        .append("</style></head><body>\n");
    h.append("<h1>Winnow run report</h1>\n<p>").append(esc(s.startedAt())).append(" → ")
        .append(esc(s.finishedAt())).append(" · ").append(s.input()).append(" URLs · ")
        .append(s.accepted()).append(" accepted · ").append(s.rejected()).append(" rejected · ")
        .append(s.balanced() ? "balanced (input = accepted + rejected)" : "NOT BALANCED")
        .append("</p>\n");

    h.append("<h2 id=\"funnel\">Funnel</h2>\n");
    int barWidth = 600;
    int rowHeight = 22;
    h.append("<svg width=\"").append(barWidth + 330).append("\" height=\"")
        .append(rowHeight * m.funnel().size() + 4).append("\" role=\"img\" aria-label=\"funnel\">");
    for (int i = 0; i < m.funnel().size(); i++) {
      Map<String, Object> step = m.funnel().get(i);
      double pct = ((Number) step.get("percent")).doubleValue();
      int y = i * rowHeight;
      h.append("<text x=\"0\" y=\"").append(y + 15).append("\">").append(esc((String) step.get("step")))
          .append("</text><rect x=\"130\" y=\"").append(y + 3).append("\" width=\"")
          .append(Math.max(1, (int) Math.round(barWidth * pct / 100))).append("\" height=\"16\" ")
          .append("fill=\"#4a7fb5\"/><text x=\"").append(140 + barWidth).append("\" y=\"")
          .append(y + 15).append("\">").append(step.get("count")).append(" (")
          .append(String.format(Locale.ROOT, "%.1f", pct)).append(" %)</text>");
    }
    h.append("</svg>\n");

    h.append("<h2 id=\"rejections\">Rejections by stage and reason</h2>\n<table>")
        .append("<tr><th>stage</th><th>reason</th><th>count</th><th>examples</th></tr>\n");
    if (s.rejectedByReason() != null) {
      for (Map.Entry<String, Map<String, Long>> stage : new TreeMap<>(s.rejectedByReason())
          .entrySet()) {
        for (Map.Entry<String, Long> reason : new TreeMap<>(stage.getValue()).entrySet()) {
          h.append("<tr><td>").append(esc(stage.getKey())).append("</td><td>")
              .append(esc(reason.getKey())).append("</td><td class=\"n\">")
              .append(reason.getValue()).append("</td><td>");
          for (Map<String, String> e : m.rejectionExamples()
              .getOrDefault(stage.getKey(), Map.of()).getOrDefault(reason.getKey(), List.of())) {
            h.append("<div><span class=\"url\">").append(esc(e.get("url"))).append("</span> — ")
                .append(esc(e.get("detail"))).append("</div>");
          }
          h.append("</td></tr>\n");
        }
      }
    }
    h.append("</table>\n");

    h.append("<h2 id=\"duplicates\">Near-duplicates</h2>\n");
    if (m.nearDuplicates().isEmpty()) {
      h.append("<p>None removed.</p>\n");
    } else {
      h.append("<p>Removed copies are not stored, so they are listed by URL with the kept "
          + "sample and the similarity.</p><table>");
      for (Map<String, String> d : m.nearDuplicates()) {
        h.append("<tr><td class=\"url\">").append(esc(d.get("url"))).append("</td><td>")
            .append(esc(d.get("detail"))).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2 id=\"faces\">Faces</h2>\n<p>").append(m.faces().get("images_checked"))
        .append(" images checked, ").append(m.faces().get("images_with_faces"))
        .append(" with faces (").append(m.faces().get("faces")).append(" faces, blurred); ")
        .append(m.faces().get("rejected_has_faces")).append(" dropped for faces. Thumbnails "
            + "below are exported images: blurred before they were stored.</p>\n");
    h.append("<h2 id=\"nsfw\">NSFW</h2>\n<p>").append(m.nsfw().get("images_scored"))
        .append(" kept images scored; ").append(m.nsfw().get("rejected"))
        .append(" rejected (listed by URL only); highest unsafe score kept: ")
        .append(m.nsfw().get("max_unsafe_score_kept")).append(".</p>\n");

    h.append("<h2 id=\"retrieval\">Retrieval</h2>\n");
    if (m.retrievedBySet().isEmpty()) {
      h.append("<p>No seed sets: every pool image that passed was kept.</p>\n");
    } else {
      h.append("<table><tr><th>seed set</th><th>images kept</th></tr>");
      m.retrievedBySet().forEach((set, n) -> h.append("<tr><td>").append(esc(set))
          .append("</td><td class=\"n\">").append(n).append("</td></tr>"));
      h.append("</table>\n");
    }

    h.append("<h2 id=\"samples\">Samples</h2>\n<div class=\"g\">");
    for (Sample g : gallery) {
      h.append("<figure><img src=\"thumbs/").append(esc(g.key())).append(".jpg\" alt=\"")
          .append(esc(g.key())).append("\" width=\"128\"><figcaption>")
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
        .append(row("fetch time (sum over requests)",
            String.format(Locale.ROOT, "%.1f s", s.fetchSecondsTotal())))
        .append(row("accepted images per second", s.imagesPerSecond() == null ? "—"
            : String.format(Locale.ROOT, "%.1f", s.imagesPerSecond())))
        .append(row("downloaded", s.bytesDownloaded() + " bytes"))
        .append(row("written", s.bytesWritten() + " bytes in " + s.shards() + " shard(s)"))
        .append("</table>\n");

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

  private static String row(String name, String value) {
    return "<tr><td>" + esc(name) + "</td><td>" + esc(value) + "</td></tr>";
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;").replace("'", "&#39;");
  }
}
