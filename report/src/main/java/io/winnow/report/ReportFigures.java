package io.winnow.report;

import io.winnow.report.ReportMetrics.DuplicatePair;
import io.winnow.report.ReportMetrics.Metrics;
import io.winnow.report.ReportMetrics.SeedExample;
import io.winnow.report.ReportMetrics.Selected;
import io.winnow.report.ReportMetrics.Shown;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SeedMatch;
import java.util.List;
import java.util.Locale;

/**
 * The report's sections with pictures: duplicate pairs, what seeds selected and the clusters'
 * sizes, and the sample gallery. Every thumbnail shown was made from an exported (face-blurred)
 * image or a blurred seed.
 */
final class ReportFigures {
  private ReportFigures() {}

  static void duplicates(StringBuilder h, Metrics m) {
    h.append("<h2 id=\"duplicates\">Duplicates</h2>\n");
    if (!m.duplicateExamples().isEmpty()) {
      h.append(
          "<p>Pairs sampled across the similarity range, lowest first (near the threshold is "
              + "where mistakes hide): the kept image, then the removed copy. Thumbnails were made "
              + "when the copies were removed, after face blurring.</p>\n<div class=\"pairs\">");
      for (DuplicatePair e : m.duplicateExamples()) {
        h.append("<figure class=\"pair\">")
            .append(ReportPage.img(e.keptThumbnail(), "kept " + e.keptKey()))
            .append(ReportPage.img(e.removedThumbnail(), "removed " + e.removedKey()))
            .append("<figcaption>")
            .append(
                e.exact()
                    ? "same bytes"
                    : String.format(Locale.ROOT, "cosine %.4f", e.similarity()))
            .append("<br>kept ")
            .append(ReportPage.esc(e.keptKey()))
            .append("<br>removed <span class=\"url\">")
            .append(ReportPage.esc(String.valueOf(e.removedUrl())))
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
      for (Shown d : m.nearDuplicates()) {
        h.append("<tr><td class=\"url\">")
            .append(ReportPage.esc(d.url()))
            .append("</td><td>")
            .append(ReportPage.esc(d.detail()))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
  }

  static void retrieval(StringBuilder h, Metrics m) {
    h.append("<h2 id=\"retrieval\">Retrieval</h2>\n");
    if (m.retrievedBySet().isEmpty()) {
      h.append("<p>No seed sets: every pool image that passed was kept.</p>\n");
    } else {
      h.append("<table><tr><th>seed set</th><th>images kept</th></tr>");
      m.retrievedBySet()
          .forEach(
              (set, n) ->
                  h.append("<tr><td>")
                      .append(ReportPage.esc(set))
                      .append("</td><td class=\"n\">")
                      .append(n)
                      .append("</td></tr>"));
      h.append("</table>\n");
    }
    if (!m.seedExamples().isEmpty()) {
      h.append(
          "<h3>What sampled seeds selected</h3>\n<p>Each row: a seed (face-blurred as pool "
              + "images are), then the exported images it selected, with their similarity.</p>\n");
      for (SeedExample e : m.seedExamples()) {
        h.append("<div class=\"seed\"><figure>")
            .append(ReportPage.img(e.seedThumbnail(), "seed " + e.seedKey()))
            .append("<figcaption>seed ")
            .append(ReportPage.esc(e.seedKey()))
            .append("</figcaption></figure>");
        List<Selected> selected = e.selected();
        if (selected.isEmpty()) {
          h.append("<p>selected nothing that was exported</p>");
        }
        for (Selected s2 : selected) {
          h.append("<figure>")
              .append(ReportPage.img(s2.thumbnail(), s2.key()))
              .append("<figcaption>")
              .append(
                  s2.similarity() == null
                      ? "cluster member"
                      : String.format(Locale.ROOT, "%.3f", s2.similarity().doubleValue()))
              .append("</figcaption></figure>");
        }
        h.append("</div>\n");
      }
    }
    m.clusters()
        .forEach(
            (set, f) -> {
              h.append("<h3>Clusters: ")
                  .append(ReportPage.esc(set))
                  .append("</h3>\n<p>")
                  .append(f.clusters())
                  .append(" clusters with kept images; kept per cluster: max ")
                  .append(f.keptMax())
                  .append(", median ")
                  .append(f.keptMedian())
                  .append(", min ")
                  .append(f.keptMin())
                  .append(".</p>\n");
              List<Long> sizes = f.keptPerCluster();
              int bars = Math.min(ReportPage.CLUSTER_BARS, sizes.size());
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
  }

  static void samples(StringBuilder h, List<Sample> gallery) {
    h.append("<h2 id=\"samples\">Samples</h2>\n<div class=\"g\">");
    for (Sample g : gallery) {
      h.append("<figure><img src=\"thumbs/")
          .append(ReportPage.esc(Thumbnails.fileName(g.key())))
          .append("\" alt=\"")
          .append(ReportPage.esc(g.key()))
          .append("\" width=\"128\"><figcaption>")
          .append(ReportPage.esc(g.caption() == null ? g.key() : g.caption()));
      if (g.faces() != null && !g.faces().isEmpty()) {
        h.append(" · ").append(g.faces().size()).append(" face(s) blurred");
      }
      if (g.seedMatch() != null) {
        for (SeedMatch sm : g.seedMatch()) {
          h.append(" · ").append(ReportPage.esc(sm.seedSet()));
          if (sm.similarity() != null) {
            h.append(String.format(Locale.ROOT, " %.3f", sm.similarity()));
          }
        }
      }
      h.append("</figcaption></figure>");
    }
    h.append("</div>\n");
  }
}
