package io.winnow.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.winnow.schemas.ModelDescriptor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;

/** Tensors computed by hand from known pixels. */
class PreprocessorTest {
  static ModelDescriptor descriptor(
      int size,
      ModelDescriptor.Resize resize,
      Integer shortSide,
      float[] mean,
      float[] std,
      String order,
      String layout) {
    return new ModelDescriptor(
        "t",
        "model.onnx",
        "0".repeat(64),
        "pixels",
        size,
        resize,
        shortSide,
        mean,
        std,
        order,
        layout,
        "embedding",
        4,
        null,
        null,
        null,
        0.6,
        0.45,
        null,
        null,
        null,
        null);
  }

  /** A width x height BGR image whose pixel (x, y) is (b, g, r) = (x, y, 10x + y). */
  static Mat image(int width, int height) {
    byte[] bgr = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = (y * width + x) * 3;
        bgr[p] = (byte) x;
        bgr[p + 1] = (byte) y;
        bgr[p + 2] = (byte) (10 * x + y);
      }
    }
    Mat mat = new Mat(height, width, CV_8UC3);
    mat.data().put(bgr);
    return mat;
  }

  @Test
  void normalisesIntoChannelsFirstRgb() {
    float[] mean = {0.5f, 0.25f, 0f};
    float[] std = {0.5f, 0.25f, 1f};
    Preprocessor p =
        new Preprocessor(
            descriptor(2, ModelDescriptor.Resize.STRETCH, null, mean, std, "RGB", "NCHW"));
    float[] out = new float[1 + p.tensorSize()];
    p.fill(image(2, 2), out, 1);
    // R plane: r = 10x + y at (0,0),(1,0),(0,1),(1,1) -> 0, 10, 1, 11.
    float[] r = {0, 10, 1, 11};
    float[] g = {0, 0, 1, 1};
    float[] b = {0, 1, 0, 1};
    for (int i = 0; i < 4; i++) {
      assertThat(out[1 + i]).isCloseTo((r[i] / 255f - 0.5f) / 0.5f, within());
      assertThat(out[1 + 4 + i]).isCloseTo((g[i] / 255f - 0.25f) / 0.25f, within());
      assertThat(out[1 + 8 + i]).isCloseTo(b[i] / 255f, within());
    }
    assertThat(out[0]).isZero();
  }

  @Test
  void channelsLastBgrKeepsOpenCvOrder() {
    Preprocessor p =
        new Preprocessor(
            descriptor(
                2,
                ModelDescriptor.Resize.STRETCH,
                null,
                new float[] {0, 0, 0},
                new float[] {1, 1, 1},
                "BGR",
                "NHWC"));
    float[] out = new float[p.tensorSize()];
    p.fill(image(2, 2), out, 0);
    // pixel (1, 1): b = 1, g = 1, r = 11
    assertThat(out[9]).isCloseTo(1 / 255f, within());
    assertThat(out[10]).isCloseTo(1 / 255f, within());
    assertThat(out[11]).isCloseTo(11 / 255f, within());
  }

  @Test
  void centreCropTakesTheMiddleAsTorchvisionDoes() {
    // 6 x 4 image, shorter side already 4: no scaling; crop 2 starts at x = 2, y = 1.
    Preprocessor p =
        new Preprocessor(
            descriptor(
                2,
                ModelDescriptor.Resize.SHORT_SIDE_THEN_CENTER_CROP,
                4,
                new float[] {0, 0, 0},
                new float[] {1, 1, 1},
                "RGB",
                "NCHW"));
    float[] out = new float[p.tensorSize()];
    p.fill(image(6, 4), out, 0);
    float[] expectedRed = {21, 31, 22, 32}; // (2,1),(3,1),(2,2),(3,2)
    for (int i = 0; i < 4; i++) {
      assertThat(out[i]).isCloseTo(expectedRed[i] / 255f, within());
    }
  }

  @Test
  void resizesTheShorterSideBeforeCropping() {
    // Uniform colour: any interpolation keeps it, so the tensor is exact.
    Mat grey = new Mat(30, 60, CV_8UC3);
    byte[] fill = new byte[30 * 60 * 3];
    java.util.Arrays.fill(fill, (byte) 200);
    grey.data().put(fill);
    Preprocessor p =
        new Preprocessor(
            descriptor(
                8,
                ModelDescriptor.Resize.SHORT_SIDE_THEN_CENTER_CROP,
                9,
                new float[] {0, 0, 0},
                new float[] {1, 1, 1},
                "RGB",
                "NCHW"));
    float[] out = new float[p.tensorSize()];
    p.fill(grey, out, 0);
    for (float v : out) {
      assertThat(v).isCloseTo(200 / 255f, within());
    }
  }

  @Test
  void decodesEncodedImagesAndCutsBorderPadding() {
    // A 40 x 20 picture stored by the border mode as 40 x 40 with 10 black rows above and below:
    // decode records its content box (ImageProcessorTest), and only that reaches the tensor.
    Rect box = new Rect(0, 10, 40, 20);
    Mat padded = new Mat(40, 40, CV_8UC3);
    byte[] pixels = new byte[40 * 40 * 3];
    for (int y = 10; y < 30; y++) {
      java.util.Arrays.fill(pixels, y * 120, (y + 1) * 120, (byte) 255);
    }
    padded.data().put(pixels);
    BytePointer png = new BytePointer();
    org.bytedeco.opencv.global.opencv_imgcodecs.imencode(".png", padded, png);
    byte[] encoded = new byte[(int) png.limit()];
    png.get(encoded);
    Preprocessor p =
        new Preprocessor(
            descriptor(
                4,
                ModelDescriptor.Resize.STRETCH,
                null,
                new float[] {0, 0, 0},
                new float[] {1, 1, 1},
                "RGB",
                "NCHW"));
    float[] out = new float[p.tensorSize()];
    p.fill(encoded, box, out, 0);
    for (float v : out) {
      assertThat(v).isCloseTo(1f, within()); // no black padding reached the tensor
    }
  }

  private static org.assertj.core.data.Offset<Float> within() {
    return org.assertj.core.data.Offset.offset(1e-6f);
  }
}
