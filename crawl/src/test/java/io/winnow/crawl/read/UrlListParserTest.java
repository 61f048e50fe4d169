package io.winnow.crawl.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlListParserTest {
  private final UrlListParser parser = new UrlListParser("url", "caption");

  private List<InputRow> parse(String text, InputFormat format) throws IOException {
    List<InputRow> rows = new ArrayList<>();
    parser.parse(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), format, rows::add);
    return rows;
  }

  @Test
  void readsTextSkippingBlanksAndComments() throws IOException {
    List<InputRow> rows = parse("# list\nhttp://a/1.jpg\n\n  http://a/2.jpg  \n", InputFormat.TXT);
    assertThat(rows)
        .containsExactly(
            InputRow.of("http://a/1.jpg", null, 2), InputRow.of("http://a/2.jpg", null, 4));
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstUrlOrHeader() throws IOException {
    assertThat(parse("\uFEFFhttp://a/1.jpg\nhttp://a/2.jpg\n", InputFormat.TXT))
        .extracting(InputRow::url)
        .containsExactly("http://a/1.jpg", "http://a/2.jpg");
    assertThat(parse("\uFEFFurl,caption\nhttp://a/1.jpg,x\n", InputFormat.CSV))
        .extracting(InputRow::url)
        .containsExactly("http://a/1.jpg");
    assertThat(parse("\uFEFF{\"url\": \"http://a/1.jpg\"}\n", InputFormat.JSONL))
        .extracting(InputRow::url)
        .containsExactly("http://a/1.jpg");
    // Short files and files without the mark are read as they are.
    assertThat(parse("h", InputFormat.TXT)).extracting(InputRow::url).containsExactly("h");
  }

  @Test
  void readsCsvWithQuotesAndCaptions() throws IOException {
    List<InputRow> rows =
        parse(
            "id,url,caption\n1,http://a/1.jpg,\"a cat, sitting\"\n"
                + "2,http://a/2.jpg,\"line one\nline two\"\n3,http://a/3.jpg,plain\n",
            InputFormat.CSV);
    assertThat(rows)
        .extracting(InputRow::url)
        .containsExactly("http://a/1.jpg", "http://a/2.jpg", "http://a/3.jpg");
    assertThat(rows)
        .extracting(InputRow::caption)
        .containsExactly("a cat, sitting", "line one\nline two", "plain");
    assertThat(rows.get(2).line()).as("multi-line field counted").isEqualTo(5);
  }

  @Test
  void reportsRowsWithoutAUrlAndGoesOn() throws IOException {
    List<InputRow> rows = parse("url,caption\n,no url\nhttp://a/1.jpg,ok\n", InputFormat.CSV);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).isMalformed()).isTrue();
    assertThat(rows.get(0).malformedDetail()).contains("empty 'url'");
    assertThat(rows.get(1).url()).isEqualTo("http://a/1.jpg");
  }

  @Test
  void readsTsvWithOtherColumnNames() throws IOException {
    UrlListParser laion = new UrlListParser("URL", "TEXT");
    List<InputRow> rows = new ArrayList<>();
    laion.parse(
        new ByteArrayInputStream("URL\tTEXT\nhttp://a/1.jpg\ta dog\n".getBytes()),
        InputFormat.TSV,
        rows::add);
    assertThat(rows).containsExactly(InputRow.of("http://a/1.jpg", "a dog", 2));
  }

  @Test
  void refusesACsvWithoutTheUrlColumn() {
    assertThatThrownBy(() -> parse("link,caption\nhttp://a/1.jpg,x\n", InputFormat.CSV))
        .isInstanceOf(UrlListParser.BadInputFileException.class)
        .hasMessageContaining("no column 'url'")
        .hasMessageContaining("link");
  }

  @Test
  void readsJsonLinesAndReportsBadLines() throws IOException {
    List<InputRow> rows =
        parse(
            "{\"url\":\"http://a/1.jpg\",\"caption\":\"one\"}\n"
                + "{not json\n{\"caption\":\"no url\"}\n{\"url\":\"http://a/2.jpg\",\"caption\":null}\n",
            InputFormat.JSONL);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0)).isEqualTo(InputRow.of("http://a/1.jpg", "one", 1));
    assertThat(rows.get(1).malformedDetail()).startsWith("not JSON");
    assertThat(rows.get(2).malformedDetail()).contains("no text field 'url'");
    assertThat(rows.get(3)).isEqualTo(InputRow.of("http://a/2.jpg", null, 4));
  }

  @Test
  void tellsFormatsFromFileNames() {
    assertThat(InputFormat.fromFileName("a/b/urls.txt")).isEqualTo(InputFormat.TXT);
    assertThat(InputFormat.fromFileName("part-0.CSV.gz")).isEqualTo(InputFormat.CSV);
    assertThat(InputFormat.fromFileName("x.tsv.zst")).isEqualTo(InputFormat.TSV);
    assertThat(InputFormat.fromFileName("x.jsonl.bz2")).isEqualTo(InputFormat.JSONL);
    assertThat(InputFormat.fromFileName("x.parquet")).isEqualTo(InputFormat.PARQUET);
    assertThat(InputFormat.fromFileName("x.xlsx")).isNull();
  }
}
