package io.winnow.bench.copyset;

import org.bytedeco.opencv.opencv_core.Mat;

/** An edited image, the JPEG quality to write it with, and what was done. */
record Edited(Mat image, int quality, String detail) {
  /** Every image of the set is written at this quality but by the {@code jpeg} edit. */
  static final int DEFAULT_QUALITY = 90;
}
