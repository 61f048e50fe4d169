package io.winnow.decode;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LANCZOS4;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.schemas.ContentBox;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * img2dataset's resize modes: scale to the size (by the shorter side, the longer side, or not at
 * all), then crop to a centred square or pad to one with the border colour.
 */
final class Resizer {
  private Resizer() {}

  static Mat resized(Mat image, DecodeSettings settings) {
    ResizeMode mode = settings.resizeMode();
    if (mode == ResizeMode.NO) {
      return image;
    }
    int size = settings.imageSize();
    int width = image.cols();
    int height = image.rows();
    double scale =
        switch (mode) {
          case KEEP_RATIO, CENTER_CROP -> (double) size / Math.min(width, height);
          default -> (double) size / Math.max(width, height);
        };
    if (settings.resizeOnlyIfBigger() && scale > 1) {
      scale = 1;
    }
    Mat scaled = image;
    if (scale != 1) {
      int newWidth = Math.max(1, (int) Math.round(width * scale));
      int newHeight = Math.max(1, (int) Math.round(height * scale));
      scaled = new Mat();
      resize(
          image,
          scaled,
          new Size(newWidth, newHeight),
          0,
          0,
          scale < 1 ? INTER_AREA : INTER_LANCZOS4);
    }
    if (mode == ResizeMode.CENTER_CROP) {
      int side = Math.min(size, Math.min(scaled.cols(), scaled.rows()));
      Rect box = new Rect((scaled.cols() - side) / 2, (scaled.rows() - side) / 2, side, side);
      return new Mat(scaled, box).clone();
    }
    if (mode == ResizeMode.BORDER) {
      int color = settings.borderColor();
      int padX = Math.max(0, size - scaled.cols());
      int padY = Math.max(0, size - scaled.rows());
      Mat padded = new Mat();
      copyMakeBorder(
          scaled,
          padded,
          padY / 2,
          padY - padY / 2,
          padX / 2,
          padX - padX / 2,
          BORDER_CONSTANT,
          new Scalar(color & 0xff, color >> 8 & 0xff, color >> 16 & 0xff, 0));
      return padded;
    }
    return scaled;
  }

  /**
   * The part of a stored image that is picture, or null for all of it: the border resize mode
   * scales the image to fit a square and pads it, and the padding must not reach the models. From
   * the original size, as the stored image's is (to a pixel: {@link #resized} may have scaled a
   * reduced decode).
   */
  static ContentBox pictureBox(
      DecodeSettings decode,
      int originalWidth,
      int originalHeight,
      int storedWidth,
      int storedHeight) {
    if (decode.resizeMode() != ResizeMode.BORDER) {
      return null;
    }
    double scale = (double) decode.imageSize() / Math.max(originalWidth, originalHeight);
    if (decode.resizeOnlyIfBigger() && scale > 1) {
      scale = 1;
    }
    int width = Math.max(1, Math.min(storedWidth, (int) Math.round(originalWidth * scale)));
    int height = Math.max(1, Math.min(storedHeight, (int) Math.round(originalHeight * scale)));
    return new ContentBox((storedWidth - width) / 2, (storedHeight - height) / 2, width, height);
  }
}
