package io.winnow.export;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import io.winnow.schemas.Sample;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

/**
 * Writes a shard's metadata as Parquet with img2dataset's columns (key, url, caption, status,
 * error_message, width, height, original_width, original_height, sha256) followed by Winnow's
 * (mime_type, byte_size, stored_byte_size, http_status, final_url, source_file, source_line,
 * fetched_at). Rows are in the order written, which is the shard's key order.
 */
public final class ParquetMetadataWriter implements AutoCloseable {
  public static final MessageType SCHEMA =
      Types.buildMessage()
          .required(BINARY)
          .as(stringType())
          .named("key")
          .required(BINARY)
          .as(stringType())
          .named("url")
          .optional(BINARY)
          .as(stringType())
          .named("caption")
          .required(BINARY)
          .as(stringType())
          .named("status")
          .optional(BINARY)
          .as(stringType())
          .named("error_message")
          .optional(INT32)
          .named("width")
          .optional(INT32)
          .named("height")
          .optional(INT32)
          .named("original_width")
          .optional(INT32)
          .named("original_height")
          .optional(BINARY)
          .as(stringType())
          .named("sha256")
          .optional(BINARY)
          .as(stringType())
          .named("mime_type")
          .required(INT64)
          .named("byte_size")
          .optional(INT64)
          .named("stored_byte_size")
          .required(INT32)
          .named("http_status")
          .optional(BINARY)
          .as(stringType())
          .named("final_url")
          .optional(BINARY)
          .as(stringType())
          .named("source_file")
          .required(INT64)
          .named("source_line")
          .optional(BINARY)
          .as(stringType())
          .named("fetched_at")
          // Filter and retrieval provenance: counts as columns, details as JSON text (as in
          // KEY.json).
          .optional(INT32)
          .named("face_count")
          .optional(BINARY)
          .as(stringType())
          .named("faces")
          .optional(BINARY)
          .as(stringType())
          .named("nsfw_scores")
          .optional(BINARY)
          .as(stringType())
          .named("seed_match")
          // Perceptual hash of the stored picture (LAION-style metadata for cleaning copies).
          .optional(BINARY)
          .as(stringType())
          .named("pdq")
          .optional(INT32)
          .named("pdq_quality")
          // MD5 of the downloaded bytes: hotlines publish known-bad lists as MD5 (takedown matches
          // it).
          .optional(BINARY)
          .as(stringType())
          .named("md5")
          .named("winnow_sample");

  private final ParquetWriter<Group> writer;
  private final SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);

  public ParquetMetadataWriter(Path file) throws IOException {
    this.writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(SCHEMA)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build();
  }

  public void write(Sample s) throws IOException {
    Group row =
        rows.newGroup().append("key", s.key()).append("url", s.url()).append("status", s.status());
    appendIfSet(row, "caption", s.caption());
    appendIfSet(row, "width", s.width());
    appendIfSet(row, "height", s.height());
    appendIfSet(row, "original_width", s.originalWidth());
    appendIfSet(row, "original_height", s.originalHeight());
    appendIfSet(row, "sha256", s.sha256());
    appendIfSet(row, "mime_type", s.mimeType());
    row.append("byte_size", s.byteSize());
    if (s.storedByteSize() != null) {
      row.append("stored_byte_size", s.storedByteSize());
    }
    row.append("http_status", s.httpStatus());
    appendIfSet(row, "final_url", s.finalUrl());
    appendIfSet(row, "source_file", s.sourceFile());
    row.append("source_line", s.sourceLine());
    appendIfSet(row, "fetched_at", s.fetchedAt());
    if (s.faces() != null) {
      row.append("face_count", s.faces().size());
      row.append("faces", io.winnow.schemas.Json.write(s.faces()));
    }
    if (s.nsfwScores() != null) {
      row.append(
          "nsfw_scores", io.winnow.schemas.Json.write(new java.util.TreeMap<>(s.nsfwScores())));
    }
    if (s.seedMatch() != null) {
      row.append("seed_match", io.winnow.schemas.Json.write(s.seedMatch()));
    }
    appendIfSet(row, "pdq", s.pdq());
    appendIfSet(row, "pdq_quality", s.pdqQuality());
    appendIfSet(row, "md5", s.md5());
    writer.write(row);
  }

  private static void appendIfSet(Group row, String field, String value) {
    if (value != null) {
      row.append(field, value);
    }
  }

  private static void appendIfSet(Group row, String field, Integer value) {
    if (value != null) {
      row.append(field, value);
    }
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
