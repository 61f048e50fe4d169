package io.winnow.crawl.read;

/**
 * One entry of a URL list before validation: a URL with its caption, or a row that could not be
 * read, with why. {@code line} is the 1-based line (text formats) or row (Parquet) number.
 */
public record InputRow(String url, String caption, long line, String malformedDetail) {
  public static InputRow of(String url, String caption, long line) {
    return new InputRow(url, caption, line, null);
  }

  public static InputRow malformed(long line, String rawText, String detail) {
    return new InputRow(rawText, null, line, detail);
  }

  public boolean isMalformed() {
    return malformedDetail != null;
  }
}
