package io.winnow.crawl.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.winnow.crawl.UrlNormalizer;
import io.winnow.schemas.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the entries of a text URL list (txt, csv, tsv, jsonl) one at a time, so a file of any
 * size is read in constant memory. Rows that cannot be read become malformed {@link InputRow}s; a
 * file that cannot be read at all (say, a CSV without the URL column) throws {@link
 * BadInputFileException}, which the caller turns into one rejection naming the file.
 */
public final class UrlListParser implements Serializable {
  private final String urlColumn;
  private final String captionColumn;

  public UrlListParser(String urlColumn, String captionColumn) {
    this.urlColumn = urlColumn;
    this.captionColumn = captionColumn;
  }

  /** A whole file is unreadable as a URL list. */
  public static final class BadInputFileException extends IOException {
    public BadInputFileException(String message) {
      super(message);
    }
  }

  public void parse(InputStream in, InputFormat format, Consumer<InputRow> out) throws IOException {
    Reader reader = new InputStreamReader(withoutByteOrderMark(in), StandardCharsets.UTF_8);
    switch (format) {
      case TXT -> parseText(new BufferedReader(reader), out);
      case CSV -> parseDelimited(reader, CSVFormat.RFC4180, out);
      case TSV -> parseDelimited(reader, CSVFormat.TDF, out);
      case JSONL -> parseJsonLines(new BufferedReader(reader), out);
      default -> throw new IllegalArgumentException("not a text format: " + format);
    }
  }

  /**
   * Spreadsheets and Windows editors start UTF-8 files with a byte-order mark; it belongs to
   * neither the first URL nor the header.
   */
  static InputStream withoutByteOrderMark(InputStream in) throws IOException {
    java.io.PushbackInputStream stream = new java.io.PushbackInputStream(in, 3);
    byte[] head = stream.readNBytes(3);
    boolean mark =
        head.length == 3
            && (head[0] & 0xff) == 0xEF
            && (head[1] & 0xff) == 0xBB
            && (head[2] & 0xff) == 0xBF;
    if (!mark) {
      stream.unread(head);
    }
    return stream;
  }

  private static void parseText(BufferedReader reader, Consumer<InputRow> out) throws IOException {
    long line = 0;
    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
      line++;
      String url = text.strip();
      // Blank lines and comments are not URLs, so they are not counted as input.
      if (url.isEmpty() || url.startsWith("#")) {
        continue;
      }
      out.accept(InputRow.of(url, null, line));
    }
  }

  private void parseDelimited(Reader reader, CSVFormat base, Consumer<InputRow> out)
      throws IOException {
    CSVFormat format =
        base.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
    CSVParser parser;
    try {
      parser = CSVParser.builder().setReader(reader).setFormat(format).get();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new BadInputFileException("unreadable header: " + e.getMessage());
    }
    try (parser) {
      Map<String, Integer> header = parser.getHeaderMap();
      if (header == null || !header.containsKey(urlColumn)) {
        throw new BadInputFileException(
            "no column '" + urlColumn + "' in header " + (header == null ? "[]" : header.keySet()));
      }
      boolean hasCaption = captionColumn != null && header.containsKey(captionColumn);
      var records = parser.iterator();
      while (true) {
        CSVRecord record;
        try {
          if (!records.hasNext()) {
            break;
          }
          record = records.next();
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
          // A broken quote ends what commons-csv can read: report it and stop this file.
          out.accept(InputRow.malformed(parser.getCurrentLineNumber(), "", e.getMessage()));
          break;
        }
        long line = record.getParser().getCurrentLineNumber();
        if (!record.isSet(urlColumn)) {
          out.accept(
              InputRow.malformed(
                  line,
                  String.join(",", record.values()),
                  "row has " + record.size() + " fields, no '" + urlColumn + "'"));
          continue;
        }
        String url = record.get(urlColumn).strip();
        if (url.isEmpty()) {
          out.accept(InputRow.malformed(line, "", "empty '" + urlColumn + "' field"));
          continue;
        }
        String caption =
            hasCaption && record.isSet(captionColumn) ? record.get(captionColumn) : null;
        out.accept(InputRow.of(url, caption, line));
      }
    }
  }

  private void parseJsonLines(BufferedReader reader, Consumer<InputRow> out) throws IOException {
    long line = 0;
    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = Json.mapper().readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        out.accept(
            InputRow.malformed(
                line, UrlNormalizer.abbreviate(text), "not JSON: " + e.getOriginalMessage()));
        continue;
      }
      JsonNode url = node.get(urlColumn);
      if (url == null || !url.isTextual() || url.asText().isBlank()) {
        out.accept(
            InputRow.malformed(
                line, UrlNormalizer.abbreviate(text), "no text field '" + urlColumn + "'"));
        continue;
      }
      JsonNode caption = captionColumn == null ? null : node.get(captionColumn);
      out.accept(
          InputRow.of(
              url.asText().strip(),
              caption == null || caption.isNull() ? null : caption.asText(),
              line));
    }
  }

  public String urlColumn() {
    return urlColumn;
  }

  public String captionColumn() {
    return captionColumn;
  }
}
