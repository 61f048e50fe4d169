package io.winnow.copydetect;

/**
 * PDQ's Jarosz tent filter: blurs float luminance with two passes of box filters along rows and
 * columns, then samples the {@link #SIDE}×{@link #SIDE} grid the DCT reads. Images under 64 px on a
 * side come out with pixels repeated.
 */
final class PdqDownsampler {
  /** Pixels per side of the downsampled image. */
  static final int SIDE = 64;

  private PdqDownsampler() {}

  /**
   * Blurs with two passes of box filters along rows then columns and samples 64×64 pixel centres.
   * Overwrites {@code luma}.
   */
  static float[] downsample(float[] luma, int width, int height) {
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
}
