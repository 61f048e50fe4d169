package io.winnow.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex digests of bytes, in one place: sample keys, image hashes, model and rule checksums. */
public final class Digests {
  private Digests() {}

  public static String sha256Hex(byte[] bytes) {
    return hex("SHA-256", bytes);
  }

  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** MD5 of the bytes: not for keys, for matching the MD5 lists hotlines publish. */
  public static String md5Hex(byte[] bytes) {
    return hex("MD5", bytes);
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every JVM", e);
    }
  }
}
