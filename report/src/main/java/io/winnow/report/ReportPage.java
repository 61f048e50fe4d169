package io.winnow.report;

import io.winnow.report.ReportMetrics.FunnelStep;
import io.winnow.report.ReportMetrics.Metrics;
import io.winnow.report.ReportMetrics.Shown;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a run's {@link Metrics} as the report page: one static HTML file, its style sheet ({@code
 * report.css}, a resource beside this class) and SVG charts inline, thumbnails as files beside it,
 * nothing fetched from the network.
 */
final class ReportPage {
  static final int CLUSTER_BARS = 120;
  private static final String STYLE = resource("report.css");

  private ReportPage() {}

  private static String resource(String name) {
    try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the report style sheet " + name + " is missing");
      }
      // One line: the page's bytes stay as they were when the style was inline.
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\n", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String render(Metrics m, List<Sample> gallery) {
    RunSummary s = m.summary();
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Winnow run report</title><style>")
        .append(STYLE)
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

    funnel(h, m);
    rejections(h, m);
    ReportFigures.duplicates(h, m);
    facesAndNsfw(h, m);
    ReportFigures.retrieval(h, m);
    ReportFigures.samples(h, gallery);
    timing(h, m);
    config(h, m);
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void funnel(StringBuilder h, Metrics m) {
    h.append("<h2 id=\"funnel\">Funnel</h2>\n");
    int barWidth = 600;
    int rowHeight = 22;
    h.append("<svg width=\"")
        .append(barWidth + 330)
        .append("\" height=\"")
        .append(rowHeight * m.funnel().size() + 4)
        .append("\" role=\"img\" aria-label=\"funnel\">");
    for (int i = 0; i < m.funnel().size(); i++) {
      FunnelStep step = m.funnel().get(i);
      double pct = step.percent();
      int y = i * rowHeight;
      h.append("<text x=\"0\" y=\"")
          .append(y + 15)
          .append("\">")
          .append(esc(step.step()))
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
          .append(step.count())
          .append(" (")
          .append(String.format(Locale.ROOT, "%.1f", pct))
          .append(" %)</text>");
    }
    h.append("</svg>\n");
  }

  private static void rejections(StringBuilder h, Metrics m) {
    RunSummary s = m.summary();
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
          for (Shown e :
              m.rejectionExamples()
                  .getOrDefault(stage.getKey(), Map.of())
                  .getOrDefault(reason.getKey(), List.of())) {
            h.append("<div><span class=\"url\">")
                .append(esc(e.url()))
                .append("</span> — ")
                .append(esc(e.detail()))
                .append("</div>");
          }
          h.append("</td></tr>\n");
        }
      }
    }
    h.append("</table>\n");
  }

  private static void facesAndNsfw(StringBuilder h, Metrics m) {
    h.append("<h2 id=\"faces\">Faces</h2>\n<p>")
        .append(m.faces().imagesChecked())
        .append(" images checked, ")
        .append(m.faces().imagesWithFaces())
        .append(" with faces (")
        .append(m.faces().faces())
        .append(" faces, blurred); ")
        .append(m.faces().rejectedHasFaces())
        .append(
            " dropped for faces. Thumbnails "
                + "below are exported images: blurred before they were stored.</p>\n");
    h.append("<h2 id=\"nsfw\">NSFW</h2>\n<p>")
        .append(m.nsfw().imagesScored())
        .append(" kept images scored; ")
        .append(m.nsfw().rejected())
        .append(" rejected (listed by URL only); highest unsafe score kept: ")
        .append(m.nsfw().maxUnsafeScoreKept())
        .append(".</p>\n");
  }

  private static void timing(StringBuilder h, Metrics m) {
    RunSummary s = m.summary();
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
  }

  private static void config(StringBuilder h, Metrics m) {
    h.append("<h2 id=\"config\">Configuration and models</h2>\n");
    if (m.config().isEmpty()) {
      h.append("<p>This run predates run-config.json.</p>\n");
    } else {
      h.append("<table>");
      m.config().forEach((key, value) -> h.append(row(key, String.valueOf(value))));
      h.append("</table>\n");
    }
  }

  /** A thumbnail, or a grey box where none could be made (an image OpenCV could not read). */
  static String img(String src, String alt) {
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
