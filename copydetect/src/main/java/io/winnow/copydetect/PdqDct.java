package io.winnow.copydetect;

import java.util.Arrays;

/**
 * PDQ's hash core on the downsampled 64×64 luminance: its quality score, its 16×16 lowest DCT
 * frequencies and the bits those give against their median. Float operations run in the reference's
 * order, for bit-identical hashes.
 */
final class PdqDct {
  private static final int SIDE = PdqDownsampler.SIDE;
  private static final int FREQUENCIES = Pdq.FREQUENCIES;
  private static final int BITS = Pdq.BITS;

  /** 16×64, row-major: D[i][j] = sqrt(2/64) cos(π/128 (i+1)(2j+1)); frequency 0 is skipped. */
  private static final float[] DCT = dctMatrix();

  private PdqDct() {}

  /**
   * Sum of quantised neighbour differences over the 64×64 image, scaled to 0–100: counts
   * significant gradients, not many faint ones.
   */
  static int quality(float[] small) {
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
  static float[] dct(float[] small) {
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
  static long[] bits(float[] dct) {
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
