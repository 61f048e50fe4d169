package io.winnow.crawl.read;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetUrlReaderTest {
  @TempDir Path dir;

  static Path writeUrls(Path file, String urlColumn, String... urls) throws Exception {
    MessageType schema =
        Types.buildMessage()
            .required(INT64)
            .named("id")
            .optional(BINARY)
            .as(stringType())
            .named(urlColumn)
            .optional(BINARY)
            .as(stringType())
            .named("caption")
            .named("urls");
    SimpleGroupFactory rows = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(schema)
            .withRowGroupSize(1024L)
            .build()) {
      for (int i = 0; i < urls.length; i++) {
        Group row = rows.newGroup().append("id", (long) i);
        if (urls[i] != null) {
          row.append(urlColumn, urls[i]).append("caption", "caption " + i);
        }
        writer.write(row);
      }
    }
    return file;
  }

  @Test
  void readsUrlAndCaptionColumns() throws Exception {
    Path file =
        writeUrls(dir.resolve("urls.parquet"), "url", "http://a/0.jpg", null, "http://a/2.jpg");
    List<InputRow> rows = new ArrayList<>();
    new ParquetUrlReader(new UrlListParser("url", "caption"))
        .read(() -> FileChannel.open(file, StandardOpenOption.READ), rows::add);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0)).isEqualTo(InputRow.of("http://a/0.jpg", "caption 0", 1));
    assertThat(rows.get(1).isMalformed()).isTrue();
    assertThat(rows.get(2)).isEqualTo(InputRow.of("http://a/2.jpg", "caption 2", 3));
  }

  @Test
  void refusesAFileWithoutTheUrlColumn() throws Exception {
    Path file = writeUrls(dir.resolve("other.parquet"), "link", "http://a/0.jpg");
    assertThatThrownBy(
            () ->
                new ParquetUrlReader(new UrlListParser("url", "caption"))
                    .read(() -> FileChannel.open(file, StandardOpenOption.READ), row -> {}))
        .hasMessageContaining("no string column 'url'")
        .hasMessageContaining("link");
  }
}
