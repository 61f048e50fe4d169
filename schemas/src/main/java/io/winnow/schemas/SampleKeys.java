package io.winnow.schemas;

/**
 * Sample keys are the first 80 bits of SHA-256 of the normalized URL, as 20 hex digits.
 *
 * <p>Why not img2dataset's {@code {shard:05d}{idx:04d}}: those keys depend on how the input was
 * split and ordered, so the same URL gets another key in the next run and a refresh cannot tell
 * what it already has. A content-free hash of the URL is stable across runs, input order, file
 * splits and refreshes. 80 bits keep the chance of any collision among 10^9 URLs below 10^-6; hex
 * keys have no dots, as WebDataset requires.
 */
public final class SampleKeys {
  public static final int HEX_LENGTH = 20;

  private SampleKeys() {}

  public static String forNormalizedUrl(String normalizedUrl) {
    return Digests.sha256Hex(normalizedUrl).substring(0, HEX_LENGTH);
  }
}
