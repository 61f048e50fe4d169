package io.winnow.inference;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.schemas.ContentBox;
import io.winnow.schemas.ModelDescriptor;
import io.winnow.schemas.Sample;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns an image into a model's input tensor as its descriptor says (see {@link ModelDescriptor}):
 * resize (shorter side then centre crop, as torchvision's {@code Resize(r) + CenterCrop(s)}, or a
 * plain stretch), then {@code (pixel / 255 - mean) / std} per channel in the model's channel order
 * and layout. Shrinking uses area averaging, close to the antialiased resize of PIL/torchvision;
 * enlarging is bilinear. Thread-safe.
 */
public final class Preprocessor {
  private final ModelDescriptor model;
  private final int size;
  private final float[] scale = new float[3];
  private final float[] offset = new float[3];

  public Preprocessor(ModelDescriptor model) {
    this.model = model;
    this.size = model.inputSize();
    for (int c = 0; c < 3; c++) {
      scale[c] = 1f / (255f * model.std()[c]);
      offset[c] = -model.mean()[c] / model.std()[c];
    }
  }

  /** Floats per image: 3 x size x size. */
  public int tensorSize() {
    return 3 * size * size;
  }

  /**
   * Decodes an encoded image, keeps only {@code content} (the picture without the padding that the
   * border resize mode added; null for all of it) and writes its tensor at {@code offset}.
   */
  public void fill(byte[] encoded, Rect content, float[] dest, int at) {
    Mat buffer = new Mat(1, encoded.length, CV_8UC1, new BytePointer(encoded));
    Mat bgr = imdecode(buffer, IMREAD_COLOR);
    if (bgr == null || bgr.empty()) {
      throw new IllegalArgumentException("the stored image does not decode");
    }
    Mat picture =
        content == null || (content.width() == bgr.cols() && content.height() == bgr.rows())
            ? bgr
            : new Mat(bgr, content);
    fill(picture, dest, at);
  }

  /**
   * Writes the tensor of a stored sample's image, only the picture in it (its {@link
   * Sample#contentBox()}, which decode and fingerprinting recorded): what the models are fed.
   */
  public void fill(Sample stored, float[] dest, int at) {
    ContentBox c = stored.contentBox();
    fill(
        stored.image(), c == null ? null : new Rect(c.x(), c.y(), c.width(), c.height()), dest, at);
  }

  /** Writes the tensor of an 8-bit BGR image at {@code offset} of {@code dest}. */
  public void fill(Mat bgr, float[] dest, int at) {
    Mat square = resized(bgr);
    byte[] pixels = new byte[size * size * 3];
    Mat continuous = square.isContinuous() ? square : square.clone();
    continuous.data().get(pixels);
    // OpenCV holds BGR; channel k of the tensor is BGR index (2 - k) for RGB models.
    boolean rgb = model.rgb();
    int plane = size * size;
    if (model.channelsFirst()) {
      for (int k = 0; k < 3; k++) {
        int source = rgb ? 2 - k : k;
        float a = scale[k];
        float b = offset[k];
        int base = at + k * plane;
        for (int p = 0; p < plane; p++) {
          dest[base + p] = (pixels[p * 3 + source] & 0xff) * a + b;
        }
      }
    } else {
      for (int p = 0; p < plane; p++) {
        for (int k = 0; k < 3; k++) {
          int source = rgb ? 2 - k : k;
          dest[at + p * 3 + k] = (pixels[p * 3 + source] & 0xff) * scale[k] + offset[k];
        }
      }
    }
  }

  private Mat resized(Mat image) {
    int width = image.cols();
    int height = image.rows();
    if (model.resize() == ModelDescriptor.Resize.STRETCH) {
      return scale(image, size, size);
    }
    // torchvision Resize(int): shorter side to r, longer side int(r * long / short).
    int r = model.resizeShortSide();
    int newWidth;
    int newHeight;
    if (width <= height) {
      newWidth = r;
      newHeight = (int) ((long) r * height / width);
    } else {
      newHeight = r;
      newWidth = (int) ((long) r * width / height);
    }
    Mat scaled = scale(image, newWidth, newHeight);
    // torchvision CenterCrop: offsets rounded half to even, as Python's round().
    int left = (int) Math.rint((newWidth - size) / 2.0);
    int top = (int) Math.rint((newHeight - size) / 2.0);
    return new Mat(scaled, new Rect(left, top, size, size));
  }

  private static Mat scale(Mat image, int width, int height) {
    if (image.cols() == width && image.rows() == height) {
      return image;
    }
    Mat out = new Mat();
    boolean shrinking = width <= image.cols() && height <= image.rows();
    resize(image, out, new Size(width, height), 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
    return out;
  }
}
