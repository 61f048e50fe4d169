package io.winnow.filters;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.schemas.FaceBox;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe BlazeFace full range (faces up to about 5 m from the camera) run by OpenCV DNN from its
 * TFLite file. The image is letterboxed to 192×192 keeping its aspect ratio (as MediaPipe does),
 * scaled to [-1, 1] RGB; outputs are decoded by {@link BlazeFaceDecoder}.
 */
public final class BlazeFaceDetector implements FaceDetector {
  private final Net net;
  private final float minScore;

  private BlazeFaceDetector(Net net, float minScore) {
    this.net = net;
    this.minScore = minScore;
  }

  /**
   * @throws IllegalStateException when OpenCV cannot read the model (callers fall back to Haar)
   */
  public static BlazeFaceDetector load(byte[] tflite, double minScore) {
    Net net;
    try {
      net = readNetFromTFLite(tflite);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "OpenCV DNN cannot read the BlazeFace model: " + e.getMessage(), e);
    }
    if (net == null || net.empty()) {
      throw new IllegalStateException("OpenCV DNN read an empty network from the BlazeFace model");
    }
    return new BlazeFaceDetector(net, (float) minScore);
  }

  @Override
  public String name() {
    return "blazeface-full-range";
  }

  @Override
  public List<FaceBox> detect(Mat bgr) {
    int width = bgr.cols();
    int height = bgr.rows();
    double scale = (double) BlazeFaceDecoder.INPUT_SIZE / Math.max(width, height);
    int w = Math.max(1, (int) Math.round(width * scale));
    int h = Math.max(1, (int) Math.round(height * scale));
    int padX = (BlazeFaceDecoder.INPUT_SIZE - w) / 2;
    int padY = (BlazeFaceDecoder.INPUT_SIZE - h) / 2;
    float[] regressors;
    float[] logits;
    try (Mat small = new Mat();
        Mat square = new Mat()) {
      resize(bgr, small, new Size(w, h), 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
      copyMakeBorder(
          small,
          square,
          padY,
          BlazeFaceDecoder.INPUT_SIZE - h - padY,
          padX,
          BlazeFaceDecoder.INPUT_SIZE - w - padX,
          BORDER_CONSTANT,
          new Scalar(0, 0, 0, 0));
      // RGB in [-1, 1]: (pixel - 127.5) / 127.5.
      try (Mat blob =
              blobFromImage(
                  square,
                  1 / 127.5,
                  new Size(BlazeFaceDecoder.INPUT_SIZE, BlazeFaceDecoder.INPUT_SIZE),
                  new Scalar(127.5, 127.5, 127.5, 0),
                  true,
                  false,
                  CV_32F);
          MatVector outputs = new MatVector()) {
        net.setInput(blob);
        net.forward(outputs, net.getUnconnectedOutLayersNames());
        float[][] flat = new float[(int) outputs.size()][];
        for (int i = 0; i < flat.length; i++) {
          flat[i] = values(outputs.get(i));
        }
        regressors = pick(flat, BlazeFaceDecoder.ANCHORS * BlazeFaceDecoder.COORDS);
        logits = pick(flat, BlazeFaceDecoder.ANCHORS);
      }
    }
    List<BlazeFaceDecoder.Detection> found =
        BlazeFaceDecoder.weightedNms(
            BlazeFaceDecoder.decode(regressors, logits, minScore), BlazeFaceDecoder.NMS_IOU);
    List<FaceBox> faces = new ArrayList<>();
    for (BlazeFaceDecoder.Detection d : found) {
      // Back from the letterboxed square to image pixels, clipped to the image.
      double x0 = (d.xMin() * BlazeFaceDecoder.INPUT_SIZE - padX) / scale;
      double y0 = (d.yMin() * BlazeFaceDecoder.INPUT_SIZE - padY) / scale;
      double x1 = (d.xMax() * BlazeFaceDecoder.INPUT_SIZE - padX) / scale;
      double y1 = (d.yMax() * BlazeFaceDecoder.INPUT_SIZE - padY) / scale;
      int left = (int) Math.max(0, Math.floor(x0));
      int top = (int) Math.max(0, Math.floor(y0));
      int right = (int) Math.min(width, Math.ceil(x1));
      int bottom = (int) Math.min(height, Math.ceil(y1));
      if (right > left && bottom > top) {
        faces.add(new FaceBox(left, top, right - left, bottom - top, d.score()));
      }
    }
    return faces;
  }

  private static float[] values(Mat m) {
    Mat continuous = m.isContinuous() ? m : m.clone();
    long n = continuous.total() * continuous.channels();
    float[] out = new float[(int) n];
    FloatBuffer buffer = continuous.createBuffer();
    buffer.get(out);
    return out;
  }

  private static float[] pick(float[][] outputs, int length) {
    for (float[] o : outputs) {
      if (o.length == length) {
        return o;
      }
    }
    throw new IllegalStateException(
        "the BlazeFace model has no output of "
            + length
            + " values; is it face_detection_full_range.tflite?");
  }

  @Override
  public void close() {
    net.close();
  }
}
