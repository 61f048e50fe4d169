package io.winnow.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.cli.WinnowCli;
import io.winnow.schemas.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report rebuilt from a run's files alone, including rejections that have no key. */
class RunReportTest {
  @TempDir Path dir;

  @Test
  void rebuildsFromSummaryAndRejectionsAndEscapesWhatItShows() throws Exception {
    Files.writeString(
        dir.resolve("summary.json"),
        """
        {"input": 3, "accepted": 0, "rejected": 3, "balanced": true,
         "rejected_by_stage": {"read": 1, "fetch": 1, "dedup": 1},
         "rejected_by_reason": {"read": {"unsupported-scheme": 1},
           "fetch": {"http-not-found": 1}, "dedup": {"near-duplicate": 1}},
         "shards": 0, "bytes_downloaded": 0, "bytes_written": 0, "fetch_seconds_total": 0.5,
         "wall_seconds": 2.0, "started_at": "t0", "finished_at": "t1"}
        """);
    Files.createDirectories(dir.resolve("rejections"));
    Files.write(
        dir.resolve("rejections/rejections-00000-of-00001.jsonl"),
        List.of(
            "{\"url\":\"ftp://x/<script>.jpg\",\"stage\":\"read\",\"reason\":\"unsupported-scheme\","
                + "\"detail\":\"scheme 'ftp' is not http(s)\"}",
            "{\"key\":\"k2\",\"url\":\"http://h/b.jpg\",\"stage\":\"fetch\","
                + "\"reason\":\"http-not-found\",\"detail\":\"HTTP 404\"}",
            "{\"key\":\"k3\",\"url\":\"http://h/c.jpg\",\"stage\":\"dedup\","
                + "\"reason\":\"near-duplicate\",\"detail\":\"near-duplicate of k9 (cosine 0.9500, "
                + "group of 2)\"}"));
    assertThat(WinnowCli.execute("report", dir.toString())).isZero();
    String html = Files.readString(dir.resolve("report/index.html"));
    assertThat(html)
        .contains("3 URLs · 0 accepted · 3 rejected")
        .contains("ftp://x/&lt;script&gt;.jpg")
        .doesNotContain("<script>")
        .contains("near-duplicate of k9 (cosine 0.9500");
    JsonNode metrics = Json.mapper().readTree(dir.resolve("metrics.json").toFile());
    assertThat(metrics.get("funnel").get(1).get("count").asLong()).isEqualTo(2);
    assertThat(metrics.get("funnel").get(2).get("count").asLong()).isEqualTo(1);
    assertThat(metrics.get("funnel").get(8).get("count").asLong()).isZero();
    assertThat(metrics.get("near_duplicates")).hasSize(1);
    assertThat(html).contains("This run predates run-config.json.");

    assertThat(WinnowCli.execute("report", dir.resolve("rejections").toString())).isEqualTo(2);
  }
}
