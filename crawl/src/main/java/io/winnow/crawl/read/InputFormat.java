package io.winnow.crawl.read;

import java.util.Locale;

/**
 * Formats of URL lists. {@link #AUTO} picks one from the file name (a .gz/.bz2/.zst suffix aside).
 */
public enum InputFormat {
  AUTO,
  TXT,
  CSV,
  TSV,
  JSONL,
  PARQUET;

  /** The format of {@code fileName}, or null when its extension names none. */
  public static InputFormat fromFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    for (String compressed : new String[] {".gz", ".bz2", ".zst", ".deflate"}) {
      if (name.endsWith(compressed)) {
        name = name.substring(0, name.length() - compressed.length());
      }
    }
    if (name.endsWith(".txt") || name.endsWith(".lst")) {
      return TXT;
    } else if (name.endsWith(".csv")) {
      return CSV;
    } else if (name.endsWith(".tsv")) {
      return TSV;
    } else if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return JSONL;
    } else if (name.endsWith(".parquet")) {
      return PARQUET;
    }
    return null;
  }
}
