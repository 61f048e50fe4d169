package io.winnow.copydetect;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
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

  private static final float LUMA_R = 0.299f;
  private static final float LUMA_G = 0.587f;
  private static final float LUMA_B = 0.114f;

  private static final int SIDE = 64;
  private static final int FREQUENCIES = 16;
  private static final int BITS = FREQUENCIES * FREQUENCIES;

  /** 16×64, row-major: D[i][j] = sqrt(2/64) cos(π/128 (i+1)(2j+1)); frequency 0 is skipped. */
  private static final float[] DCT = dctMatrix();

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
      return new Hash(words, quality);
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
      StringBuilder s = new StringBuilder(64);
      for (int w = 3; w >= 0; w--) {
        String digits = Long.toHexString(words[w]);
        s.append("0".repeat(16 - digits.length())).append(digits);
      }
      return s.toString();
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
    return hashDct(luma(argbPixels, width, height), width, height, false).original();
  }

  /** PDQ hash of an image, its pixels as {@link BufferedImage#getRGB} (the reference) sees them. */
  public static Hash hash(BufferedImage image) {
    return hashDct(luma(image), image.getWidth(), image.getHeight(), false).original();
  }

  /** All eight rotations and flips of packed ARGB pixels, hashed for about the cost of one. */
  public static Dihedrals hashWithDihedrals(int[] argbPixels, int width, int height) {
    return hashDct(luma(argbPixels, width, height), width, height, true);
  }

  /** All eight rotations and flips of an image, hashed for about the cost of one. */
  public static Dihedrals hashWithDihedrals(BufferedImage image) {
    return hashDct(luma(image), image.getWidth(), image.getHeight(), true);
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

  // ---------------------------------------------------------------- pixels to luminance

  private static float[] luma(int[] argb, int width, int height) {
    long pixels = checkSize(width, height);
    if (argb == null) {
      throw new IllegalArgumentException("ARGB pixel array is null");
    }
    if (argb.length != pixels) {
      throw new IllegalArgumentException(
          "ARGB pixel array has "
              + argb.length
              + " entries, expected width × height = "
              + width
              + " × "
              + height
              + " = "
              + pixels);
    }
    float[] luma = new float[argb.length];
    for (int p = 0; p < luma.length; p++) {
      luma[p] = luma(argb[p]);
    }
    return luma;
  }

  private static float[] luma(BufferedImage image) {
    if (image == null) {
      throw new IllegalArgumentException("Image is null");
    }
    int width = image.getWidth();
    int height = image.getHeight();
    checkSize(width, height);
    float[] luma = new float[width * height];
    WritableRaster raster = image.getRaster();
    switch (image.getType()) {
      case BufferedImage.TYPE_3BYTE_BGR:
      case BufferedImage.TYPE_4BYTE_ABGR:
        // What ImageIO gives for colour JPEGs and PNGs. getRGB returns these 8-bit sRGB,
        // non-premultiplied samples unchanged, so reading them directly gives the same bits
        // and hashes a 1024×768 JPEG about 3.5 times faster.
        lumaFromBytes(raster, width, height, luma);
        break;
      case BufferedImage.TYPE_INT_RGB:
      case BufferedImage.TYPE_INT_ARGB:
        lumaFromInts(raster, width, height, luma);
        break;
      default:
        // Anything else (grey, indexed, premultiplied, custom) goes through getRGB's colour
        // conversion, as the reference's does.
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
          image.getRGB(0, y, width, 1, row, 0, width);
          int base = y * width;
          for (int x = 0; x < width; x++) {
            luma[base + x] = luma(row[x]);
          }
        }
    }
    return luma;
  }

  /** Rows of interleaved bytes in band order R, G, B (then A, ignored). */
  private static void lumaFromBytes(WritableRaster raster, int width, int height, float[] luma) {
    int bands = raster.getNumDataElements();
    byte[] row = new byte[width * bands];
    for (int y = 0; y < height; y++) {
      raster.getDataElements(0, y, width, 1, row);
      int base = y * width;
      for (int x = 0, b = 0; x < width; x++, b += bands) {
        luma[base + x] =
            LUMA_R * (row[b] & 0xff) + LUMA_G * (row[b + 1] & 0xff) + LUMA_B * (row[b + 2] & 0xff);
      }
    }
  }

  /** Rows of pixels packed as (A)RGB ints. */
  private static void lumaFromInts(WritableRaster raster, int width, int height, float[] luma) {
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      raster.getDataElements(0, y, width, 1, row);
      int base = y * width;
      for (int x = 0; x < width; x++) {
        luma[base + x] = luma(row[x]);
      }
    }
  }

  private static float luma(int argb) {
    return LUMA_R * ((argb >> 16) & 0xff) + LUMA_G * ((argb >> 8) & 0xff) + LUMA_B * (argb & 0xff);
  }

  private static long checkSize(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "Image must be at least 1×1 to hash, got " + width + "×" + height);
    }
    long pixels = (long) width * height;
    if (pixels > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Image of " + width + "×" + height + " is too large to hash in one array");
    }
    return pixels;
  }

  // ---------------------------------------------------------------- luminance to hash

  private static Dihedrals hashDct(float[] luma, int width, int height, boolean allDihedrals) {
    float[] small = downsample(luma, width, height);
    int quality = quality(small);
    float[] dct = dct(small);
    Hash[] hashes = new Hash[Dihedral.values().length];
    hashes[Dihedral.ORIGINAL.ordinal()] = new Hash(bits(dct), quality);
    if (allDihedrals) {
      float[] transformed = new float[BITS];
      for (Dihedral d : Dihedral.values()) {
        if (d != Dihedral.ORIGINAL) {
          d.apply(dct, transformed);
          hashes[d.ordinal()] = new Hash(bits(transformed), quality);
        }
      }
    }
    return new Dihedrals(hashes);
  }

  /**
   * Blurs with two passes of box filters along rows then columns and samples 64×64 pixel centres.
   * Overwrites {@code luma}.
   */
  private static float[] downsample(float[] luma, int width, int height) {
    int rowWindow = windowSize(width);
    int columnWindow = windowSize(height);
    float[] blurred = new float[luma.length];
    boxRows(luma, blurred, width, height, rowWindow);
    boxColumns(blurred, luma, width, height, columnWindow, new float[width]);
    boxRows(luma, blurred, width, height, rowWindow);

    // Columns filter independently, so the last column pass need only run on the 64 sampled
    // columns: the same arithmetic on a quarter or less of the pixels.
    int[] sampleColumns = sampleIndices(width);
    int[] sampleRows = sampleIndices(height);
    float[] picked = new float[height * SIDE];
    for (int y = 0; y < height; y++) {
      int base = y * width;
      for (int j = 0; j < SIDE; j++) {
        picked[y * SIDE + j] = blurred[base + sampleColumns[j]];
      }
    }
    float[] pickedBlurred = new float[picked.length];
    boxColumns(picked, pickedBlurred, SIDE, height, columnWindow, new float[SIDE]);

    float[] small = new float[SIDE * SIDE];
    for (int i = 0; i < SIDE; i++) {
      System.arraycopy(pickedBlurred, sampleRows[i] * SIDE, small, i * SIDE, SIDE);
    }
    return small;
  }

  /** Per pass, half of the 1/64 block that each output pixel covers, rounded up. */
  private static int windowSize(int dimension) {
    return (dimension + 2 * SIDE - 1) / (2 * SIDE);
  }

  /** The input index whose pixel centre is nearest each of the 64 output centres. */
  private static int[] sampleIndices(int dimension) {
    int[] indices = new int[SIDE];
    for (int i = 0; i < SIDE; i++) {
      indices[i] = (int) (((i + 0.5) * dimension) / SIDE);
    }
    return indices;
  }

  // The box filters keep a running sum whose window shrinks at the edges: accumulate half a
  // window, write while growing to the full window, slide, then write while shrinking. Bit-exact
  // PDQ needs these float operations in exactly this order, so boxRows and boxColumns share it.

  /** Box filter along each row of a {@code width × height} row-major matrix. */
  private static void boxRows(float[] in, float[] out, int width, int height, int window) {
    int half = (window + 2) / 2;
    for (int y = 0; y < height; y++) {
      int right = y * width;
      int left = right;
      int o = right;
      float sum = 0f;
      int size = 0;
      for (int n = 0; n < half - 1; n++) { // accumulate
        sum += in[right++];
        size++;
      }
      for (int n = 0; n < window - half + 1; n++) { // initial
        sum += in[right++];
        size++;
        out[o++] = sum / size;
      }
      for (int n = 0; n < width - window; n++) { // full
        sum += in[right++];
        sum -= in[left++];
        out[o++] = sum / size;
      }
      for (int n = 0; n < half - 1; n++) { // final
        sum -= in[left++];
        size--;
        out[o++] = sum / size;
      }
    }
  }

  /**
   * Box filter down each column, sweeping whole rows so memory is read in order; {@code sums} holds
   * one running sum per column.
   */
  private static void boxColumns(
      float[] in, float[] out, int width, int height, int window, float[] sums) {
    int half = (window + 2) / 2;
    int right = 0;
    int left = 0;
    int o = 0;
    int size = 0;
    for (int n = 0; n < half - 1; n++, right += width) { // accumulate
      size++;
      for (int x = 0; x < width; x++) {
        sums[x] += in[right + x];
      }
    }
    for (int n = 0; n < window - half + 1; n++, right += width, o += width) { // initial
      size++;
      for (int x = 0; x < width; x++) {
        sums[x] += in[right + x];
        out[o + x] = sums[x] / size;
      }
    }
    for (int n = 0; n < height - window; n++, right += width, left += width, o += width) { // full
      for (int x = 0; x < width; x++) {
        float s = sums[x] + in[right + x];
        s -= in[left + x];
        sums[x] = s;
        out[o + x] = s / size;
      }
    }
    for (int n = 0; n < half - 1; n++, left += width, o += width) { // final
      size--;
      for (int x = 0; x < width; x++) {
        sums[x] -= in[left + x];
        out[o + x] = sums[x] / size;
      }
    }
  }

  /**
   * Sum of quantised neighbour differences over the 64×64 image, scaled to 0–100: counts
   * significant gradients, not many faint ones.
   */
  private static int quality(float[] small) {
    int gradientSum = 0;
    for (int i = 0; i < SIDE - 1; i++) {
      for (int j = 0; j < SIDE; j++) {
        gradientSum += step(small[i * SIDE + j], small[(i + 1) * SIDE + j]);
      }
    }
    for (int i = 0; i < SIDE; i++) {
      for (int j = 0; j < SIDE - 1; j++) {
        gradientSum += step(small[i * SIDE + j], small[i * SIDE + j + 1]);
      }
    }
    return Math.min(gradientSum / 90, 100);
  }

  /** A neighbour difference in whole percent of full scale, truncated toward zero. */
  private static int step(float u, float v) {
    return Math.abs((int) (((u - v) * 100) / 255));
  }

  /** B = D · A · Dᵀ: the 16×16 lowest non-constant frequencies of the 64×64 image A. */
  private static float[] dct(float[] small) {
    // T = D · A, accumulated over k in order as the reference does.
    float[] t = new float[FREQUENCIES * SIDE];
    for (int i = 0; i < FREQUENCIES; i++) {
      for (int k = 0; k < SIDE; k++) {
        float d = DCT[i * SIDE + k];
        int tRow = i * SIDE;
        int aRow = k * SIDE;
        for (int j = 0; j < SIDE; j++) {
          t[tRow + j] += d * small[aRow + j];
        }
      }
    }
    float[] b = new float[BITS];
    for (int i = 0; i < FREQUENCIES; i++) {
      for (int j = 0; j < FREQUENCIES; j++) {
        float sum = 0f;
        for (int k = 0; k < SIDE; k++) {
          sum += t[i * SIDE + k] * DCT[j * SIDE + k];
        }
        b[i * FREQUENCIES + j] = sum;
      }
    }
    return b;
  }

  /** Bit k is set when coefficient k is above the median. */
  private static long[] bits(float[] dct) {
    float[] sorted = dct.clone();
    Arrays.sort(sorted);
    // The lower median, which is what the reference's Torben median returns for 256 values.
    float median = sorted[BITS / 2 - 1];
    long[] words = new long[4];
    for (int k = 0; k < BITS; k++) {
      if (dct[k] > median) {
        words[k >>> 6] |= 1L << k; // the shift uses k % 64
      }
    }
    return words;
  }

  private static float[] dctMatrix() {
    // The scale is rounded to float before multiplying, as in the reference, for identical bits.
    float scale = (float) Math.sqrt(2.0 / SIDE);
    float[] d = new float[FREQUENCIES * SIDE];
    for (int i = 0; i < FREQUENCIES; i++) {
      for (int j = 0; j < SIDE; j++) {
        d[i * SIDE + j] = (float) (scale * Math.cos((Math.PI / 2 / SIDE) * (i + 1) * (2 * j + 1)));
      }
    }
    return d;
  }
}
