package io.winnow.crawl.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.UrlRecord;
import io.winnow.testing.Pipelines;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadUrlListsTest {
  @TempDir Path dir;

  @Test
  void readsEveryFormatAndAccountsForEveryRow() throws Exception {
    Files.writeString(
        dir.resolve("a.txt"),
        "http://example.com/1.jpg\nnot a url\n" + "ftp://example.com/2.jpg\n");
    Files.writeString(
        dir.resolve("b.csv"),
        "url,caption\nhttp://example.com/3.jpg,three\n"
            + "HTTP://EXAMPLE.com:80/1.jpg#dup,one again\n");
    Files.writeString(dir.resolve("c.jsonl"), "{\"url\":\"http://example.com/4.jpg\"}\n{oops\n");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve("d.tsv.gz")))) {
      gz.write("url\tcaption\nhttp://example.com/5.jpg\tfive\n".getBytes(StandardCharsets.UTF_8));
    }
    ParquetUrlReaderTest.writeUrls(dir.resolve("e.parquet"), "url", "http://example.com/6.jpg");
    Files.writeString(dir.resolve("f.csv"), "link\nhttp://example.com/7.jpg\n");
    Files.writeString(dir.resolve("g.unknown"), "http://example.com/8.jpg\n");

    Pipeline pipeline = Pipelines.direct();
    StageResult<UrlRecord> out = pipeline.apply(ReadUrlLists.from(List.of(dir + "/*")));
    PAssert.that(out.accepted())
        .satisfies(
            urls -> {
              assertThat(
                      StreamSupport.stream(urls.spliterator(), false).map(UrlRecord::normalizedUrl))
                  .containsExactlyInAnyOrder(
                      "http://example.com/1.jpg",
                      "http://example.com/3.jpg",
                      "http://example.com/4.jpg",
                      "http://example.com/5.jpg",
                      "http://example.com/6.jpg");
              UrlRecord first =
                  StreamSupport.stream(urls.spliterator(), false)
                      .filter(u -> u.normalizedUrl().endsWith("/1.jpg"))
                      .findFirst()
                      .orElseThrow();
              assertThat(first.sourceFile())
                  .as("earliest of the duplicates is kept")
                  .endsWith("a.txt");
              return null;
            });
    PAssert.that(out.rejections())
        .satisfies(
            rejections -> {
              assertThat(
                      StreamSupport.stream(rejections.spliterator(), false).map(Rejection::reason))
                  .containsExactlyInAnyOrder(
                      Reason.INVALID_URL,
                      Reason.UNSUPPORTED_SCHEME,
                      Reason.DUPLICATE_URL,
                      Reason.MALFORMED_INPUT,
                      Reason.MALFORMED_INPUT,
                      Reason.MALFORMED_INPUT);
              assertThat(
                      StreamSupport.stream(rejections.spliterator(), false).map(Rejection::detail))
                  .anySatisfy(d -> assertThat(d).contains("f.csv").contains("no column 'url'"))
                  .anySatisfy(d -> assertThat(d).contains("g.unknown").contains("--input-format"))
                  .anySatisfy(d -> assertThat(d).contains("c.jsonl:2"));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void givesEmptyOutputsForAnEmptyList() throws Exception {
    Files.writeString(dir.resolve("empty.txt"), "# nothing yet\n");
    Pipeline pipeline = Pipelines.direct();
    StageResult<UrlRecord> out = pipeline.apply(ReadUrlLists.from(List.of(dir + "/empty.txt")));
    PAssert.that(out.accepted()).empty();
    PAssert.that(out.rejections()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void refusesToBuildWithoutInputs() {
    Pipeline pipeline = Pipelines.direct();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> pipeline.apply(ReadUrlLists.from(List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }
}
