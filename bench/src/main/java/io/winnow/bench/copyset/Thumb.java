package io.winnow.bench.copyset;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import org.bytedeco.opencv.opencv_core.Mat;

/** A grey thumbnail, long side 128 px, row by row. */
record Thumb(int width, int height, byte[] pixels) {
  Mat mat() {
    Mat m = new Mat(height, width, CV_8UC1);
    m.data().put(pixels);
    return m;
  }
}
