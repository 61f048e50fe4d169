package io.winnow.copydetect;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * PDQ, Meta's 256-bit perceptual image hash with a 0–100 quality score, written from the published
 * algorithm (facebook/ThreatExchange, {@code pdq/hashing.pdf}) and bit-compatible with its Java
 * reference.
 *
 * <p>The image becomes float luminance, is blurred and decimated to 64×64 (a Jarosz tent filter),
 * and reduced to the 16×16 lowest DCT frequencies; each coefficient gives one bit, set when it is
 * above the median. Copies of one picture differ in few bits: distance ≤ {@link #MATCH_DISTANCE} is
 * a match. Featureless images (quality below {@link #MIN_QUALITY}) match too easily to trust.
 *
 * <p>Deterministic: the same pixels give the same hash on every JVM (float arithmetic in the
 * reference's order), though two decoders of one file may disagree by a few bits. Alpha is ignored.
 * Images of any size hash; under 64 px on a side, pixels repeat to fill the 64×64 grid, so fewer
 * real details stand behind the bits. Methods are thread-safe and allocate per image, never per
 * pixel.
 */
public final class Pdq {

  /** Hashes at most this far apart are copies of one picture (the published starting threshold). */
  public static final int MATCH_DISTANCE = 31;

  /** Hashes of lower quality come from images too featureless to trust (published: ≤ 49). */
  public static final int MIN_QUALITY = 50;

  /** The quality of a hash parsed from hex alone. */
  public static final int UNKNOWN_QUALITY = -1;

  // The hash layout, shared with PdqDct: bit k is coefficient (k / 16, k % 16) of the DCT.
  static final int FREQUENCIES = 16;
  static final int BITS = FREQUENCIES * FREQUENCIES;

  private Pdq() {}

  /** The eight rotations and flips of an image, each a sign change and/or transpose of its DCT. */
  public enum Dihedral {
    /** The image as given. */
    ORIGINAL(false, false, false),
    /** Rotated 90° counter-clockwise (the reference's "rotate 90"). */
    ROTATE_90(true, true, false),
    /** Rotated 180°. */
    ROTATE_180(false, true, true),
    /** Rotated 270° counter-clockwise, i.e. 90° clockwise (the reference's "rotate 270"). */
    ROTATE_270(true, false, true),
    /** Turned upside down, mirrored about the horizontal (x) axis (the reference's "flip x"). */
    FLIP_X(false, true, false),
    /** Mirrored left to right, about the vertical (y) axis (the reference's "flip y"). */
    FLIP_Y(false, false, true),
    /** Mirrored about the main diagonal: transposed (the reference's "flip plus 1"). */
    FLIP_MAIN_DIAGONAL(true, false, false),
    /** Mirrored about the anti-diagonal (the reference's "flip minus 1"). */
    FLIP_ANTI_DIAGONAL(true, true, true);

    // Mirroring an axis reverses its samples, which multiplies DCT frequency f = index + 1 by
    // (-1)^f: coefficients at even indices change sign. Row index i is vertical frequency.
    private final boolean transpose;
    private final boolean negateEvenRows;
    private final boolean negateEvenColumns;

    Dihedral(boolean transpose, boolean negateEvenRows, boolean negateEvenColumns) {
      this.transpose = transpose;
      this.negateEvenRows = negateEvenRows;
      this.negateEvenColumns = negateEvenColumns;
    }

    /** Writes into {@code out} the DCT of this transform of the image whose DCT is {@code dct}. */
    private void apply(float[] dct, float[] out) {
      for (int i = 0; i < FREQUENCIES; i++) {
        for (int j = 0; j < FREQUENCIES; j++) {
          float v = transpose ? dct[j * FREQUENCIES + i] : dct[i * FREQUENCIES + j];
          if (negateEvenRows && (i & 1) == 0) {
            v = -v;
          }
          if (negateEvenColumns && (j & 1) == 0) {
            v = -v;
          }
          out[i * FREQUENCIES + j] = v;
        }
      }
    }
  }

  /**
   * An immutable 256-bit PDQ hash and the quality of the image it came from. Equal when bits and
   * quality are equal.
   */
  public static final class Hash {
    // Bit k of the hash is bit k % 64 of words[k / 64]; bit k is DCT coefficient (k / 16, k % 16).
    private final long[] words;
    private final int quality;

    private Hash(long[] words, int quality) {
      this.words = words;
      this.quality = quality;
    }

    /**
     * Parses the reference's format: 64 hex digits, case-insensitive, sixteen 16-bit words with the
     * word holding bits 240–255 first.
     */
    public static Hash fromHex(String hex, int quality) {
      checkQuality(quality);
      return new Hash(PdqHex.parse(hex), quality);
    }

    /** Parses 64 hex digits as {@link #fromHex(String, int)} does; quality is unknown (-1). */
    public static Hash fromHex(String hex) {
      return fromHex(hex, UNKNOWN_QUALITY);
    }

    /** The inverse of {@link #toLongArray()}. */
    public static Hash fromLongArray(long[] words, int quality) {
      checkQuality(quality);
      if (words == null || words.length != 4) {
        throw new IllegalArgumentException(
            "A PDQ hash is 4 longs, got " + (words == null ? "null" : words.length + ""));
      }
      return new Hash(words.clone(), quality);
    }

    /** The reference's 64-hex-digit form, lower case. */
    public String hex() {
      return PdqHex.format(words);
    }

    /** 0–100 (gradient content of the image), or {@link #UNKNOWN_QUALITY} if parsed from hex. */
    public int quality() {
      return quality;
    }

    /** Bit k, 0–255: whether DCT coefficient (k / 16, k % 16) is above the median. */
    public boolean bit(int k) {
      if (k < 0 || k >= BITS) {
        throw new IllegalArgumentException("PDQ bit index must be 0-255: " + k);
      }
      return (words[k >>> 6] & (1L << k)) != 0;
    }

    /** The hash as four longs, bit k in bit k % 64 of element k / 64 (a copy). */
    public long[] toLongArray() {
      return words.clone();
    }

    /** Hamming distance, 0–256; quality is not compared. */
    public int distance(Hash other) {
      if (other == null) {
        throw new IllegalArgumentException("Cannot take the distance to a null PDQ hash");
      }
      int d = 0;
      for (int w = 0; w < 4; w++) {
        d += Long.bitCount(words[w] ^ other.words[w]);
      }
      return d;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hash
          && ((Hash) o).quality == quality
          && Arrays.equals(((Hash) o).words, words);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(words) + quality;
    }

    @Override
    public String toString() {
      return hex() + " (quality " + quality + ")";
    }

    private static void checkQuality(int quality) {
      if (quality != UNKNOWN_QUALITY && (quality < 0 || quality > 100)) {
        throw new IllegalArgumentException("PDQ quality must be 0-100 or -1 (unknown): " + quality);
      }
    }
  }

  /**
   * The hashes of all eight {@link Dihedral} transforms of one image, derived from its one DCT.
   *
   * <p>A derived hash is close to, not always equal to, the hash of the transformed pixels: the
   * blur and sampling are not mirror-symmetric when a side's window is even. On the 1600×1004
   * reference photo they differ by at most 8 bits; on a 256×256 copy of it by up to 38, since there
   * the sampling grid moves by most of a cell.
   */
  public static final class Dihedrals {
    private final Hash[] hashes; // indexed by Dihedral.ordinal()

    private Dihedrals(Hash[] hashes) {
      this.hashes = hashes;
    }

    /** Reassembles stored hashes, one per {@link Dihedral} in declaration order. */
    public static Dihedrals of(Hash... hashes) {
      if (hashes == null || hashes.length != Dihedral.values().length) {
        throw new IllegalArgumentException(
            "Dihedrals needs "
                + Dihedral.values().length
                + " hashes, got "
                + (hashes == null ? "null" : hashes.length + ""));
      }
      for (int d = 0; d < hashes.length; d++) {
        if (hashes[d] == null) {
          throw new IllegalArgumentException("Hash for " + Dihedral.values()[d] + " is null");
        }
        if (hashes[d].quality() != hashes[0].quality()) {
          throw new IllegalArgumentException(
              "The dihedral hashes of one image share its quality, "
                  + "got "
                  + hashes[0].quality()
                  + " and "
                  + hashes[d].quality());
        }
      }
      return new Dihedrals(hashes.clone());
    }

    /** The hash of the image after {@code transform} (see the class note on exactness). */
    public Hash get(Dihedral transform) {
      return hashes[transform.ordinal()];
    }

    /** The hash of the image as given; the same as {@link Pdq#hash}. */
    public Hash original() {
      return get(Dihedral.ORIGINAL);
    }

    /** The image's quality, shared by all eight hashes. */
    public int quality() {
      return original().quality();
    }
  }

  /** PDQ hash of packed ARGB pixels (alpha ignored), row-major, {@code width × height}. */
  public static Hash hash(int[] argbPixels, int width, int height) {
    return hashDct(PdqLuminance.of(argbPixels, width, height), width, height, false).original();
  }

  /** PDQ hash of an image, its pixels as {@link BufferedImage#getRGB} (the reference) sees them. */
  public static Hash hash(BufferedImage image) {
    return hashDct(PdqLuminance.of(image), image.getWidth(), image.getHeight(), false).original();
  }

  /** All eight rotations and flips of packed ARGB pixels, hashed for about the cost of one. */
  public static Dihedrals hashWithDihedrals(int[] argbPixels, int width, int height) {
    return hashDct(PdqLuminance.of(argbPixels, width, height), width, height, true);
  }

  /** All eight rotations and flips of an image, hashed for about the cost of one. */
  public static Dihedrals hashWithDihedrals(BufferedImage image) {
    return hashDct(PdqLuminance.of(image), image.getWidth(), image.getHeight(), true);
  }

  /**
   * The smallest distance from {@code hash} to any rotation or flip of the other image: a copy that
   * was rotated or mirrored is a match when this is at most {@link #MATCH_DISTANCE}.
   */
  public static int minDihedralDistance(Hash hash, Dihedrals other) {
    if (hash == null || other == null) {
      throw new IllegalArgumentException("minDihedralDistance needs a hash and a set of dihedrals");
    }
    int best = Integer.MAX_VALUE;
    for (Hash h : other.hashes) {
      best = Math.min(best, hash.distance(h));
    }
    return best;
  }

  // ---------------------------------------------------------------- luminance to hash
  // Steps live beside this class: PdqLuminance, PdqDownsampler, then PdqDct.

  private static Dihedrals hashDct(float[] luma, int width, int height, boolean allDihedrals) {
    float[] small = PdqDownsampler.downsample(luma, width, height);
    int quality = PdqDct.quality(small);
    float[] dct = PdqDct.dct(small);
    Hash[] hashes = new Hash[Dihedral.values().length];
    hashes[Dihedral.ORIGINAL.ordinal()] = new Hash(PdqDct.bits(dct), quality);
    if (allDihedrals) {
      float[] transformed = new float[BITS];
      for (Dihedral d : Dihedral.values()) {
        if (d != Dihedral.ORIGINAL) {
          d.apply(dct, transformed);
          hashes[d.ordinal()] = new Hash(PdqDct.bits(transformed), quality);
        }
      }
    }
    return new Dihedrals(hashes);
  }
}
