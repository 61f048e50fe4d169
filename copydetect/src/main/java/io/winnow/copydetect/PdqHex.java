package io.winnow.copydetect;

/**
 * The reference's text form of a PDQ hash: 64 hex digits, sixteen 16-bit words with the word
 * holding bits 240–255 first. Works on {@link Pdq.Hash}'s four words (bit k in bit k % 64 of word k
 * / 64).
 */
final class PdqHex {
  private PdqHex() {}

  /** The words of 64 hex digits, case-insensitive; rejects anything else. */
  static long[] parse(String hex) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException(
          "A PDQ hash is 64 hex digits, got " + (hex == null ? "null" : "\"" + hex + "\""));
    }
    long[] words = new long[4];
    for (int c = 0; c < 64; c++) {
      int digit = hexDigit(hex.charAt(c));
      if (digit < 0) {
        throw new IllegalArgumentException(
            "Not a hex digit at position " + c + " of PDQ hash \"" + hex + "\"");
      }
      // Characters 0-15 are the top long (bits 192-255), most significant digit first.
      int word = 3 - c / 16;
      words[word] = (words[word] << 4) | digit;
    }
    return words;
  }

  /** 64 lower-case hex digits. */
  static String format(long[] words) {
    StringBuilder s = new StringBuilder(64);
    for (int w = 3; w >= 0; w--) {
      String digits = Long.toHexString(words[w]);
      s.append("0".repeat(16 - digits.length())).append(digits);
    }
    return s.toString();
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
