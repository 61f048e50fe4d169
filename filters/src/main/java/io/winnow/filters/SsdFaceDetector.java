package io.winnow.filters;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.winnow.schemas.FaceBox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * face-api's SSD MobileNetV1 face detector (npm {@code @vladmandic/face-api} 1.7.15, MIT, converted
 * by {@code models/…/faceapi/ConvertFaceApiSsd}) in ONNX Runtime, one thread. The image goes in the
 * top-left corner of a black square, scaled to 512 × 512 (a 256 px stored image is upscaled 2×,
 * which is what lets it see small faces); anchors are decoded as the TF Object Detection API does
 * (scales 10, 10, 5, 5) and overlapping boxes suppressed at IoU 0.5, as face-api does. A second
 * opinion beside BlazeFace: a different architecture and training set, it finds small, dark and
 * profile faces BlazeFace misses.
 */
public final class SsdFaceDetector implements FaceDetector {
  static final String DIR = "/io/winnow/filters/face-api-ssd-mobilenetv1/";
  static final String MODEL_SHA256 =
      "c3eb5f83756ae5e770de47832498e29ff6fe44d38891f4d604b24ebd83f5f0bc";
  static final int INPUT = 512;
  static final int ANCHORS = 5118;
  static final double NMS_IOU = 0.5;
  static final int MAX_FACES = 100;

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final float[] anchors;
  private final float minScore;

  private SsdFaceDetector(OrtSession session, float[] anchors, float minScore) {
    this.session = session;
    this.anchors = anchors;
    this.minScore = minScore;
  }

  /**
   * @throws IllegalStateException when the bundled model is missing, altered or cannot load
   */
  public static SsdFaceDetector load(double minScore) {
    byte[] model = resource("model.onnx");
    String actual = DomainRules.sha256Bytes(model);
    if (!actual.equals(MODEL_SHA256)) {
      throw new IllegalStateException(
          "the SSD face model's sha256 is " + actual + ", expected " + MODEL_SHA256);
    }
    float[] anchors = new float[ANCHORS * 4];
    ByteBuffer.wrap(resource("anchors.f32"))
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(anchors);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return new SsdFaceDetector(
          OrtEnvironment.getEnvironment().createSession(model, options), anchors, (float) minScore);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime cannot load the SSD face model: " + e.getMessage(), e);
    }
  }

  /** The sha256 of the bundled model, for the run's configuration. */
  public static String modelSha256() {
    return MODEL_SHA256;
  }

  private static byte[] resource(String name) {
    try (InputStream in = SsdFaceDetector.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalStateException(DIR + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DIR + name, e);
    }
  }

  @Override
  public String name() {
    return "face-api-ssd-mobilenetv1";
  }

  @Override
  public List<FaceBox> detect(Mat bgr) {
    int width = bgr.cols();
    int height = bgr.rows();
    double scale = (double) INPUT / Math.max(width, height);
    int w = Math.max(1, Math.min(INPUT, (int) Math.round(width * scale)));
    int h = Math.max(1, Math.min(INPUT, (int) Math.round(height * scale)));
    float[] pixels = new float[3 * INPUT * INPUT];
    try (Mat small = new Mat();
        Mat square = new Mat()) {
      resize(bgr, small, new Size(w, h), 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
      copyMakeBorder(
          small, square, 0, INPUT - h, 0, INPUT - w, BORDER_CONSTANT, new Scalar(0, 0, 0, 0));
      byte[] bytes = new byte[INPUT * INPUT * 3];
      square.data().get(bytes);
      int plane = INPUT * INPUT;
      for (int p = 0; p < plane; p++) {
        // BGR bytes to RGB planes in [-1, 1], as face-api's x / 127.5 - 1.
        pixels[p] = (bytes[3 * p + 2] & 0xff) / 127.5f - 1f;
        pixels[plane + p] = (bytes[3 * p + 1] & 0xff) / 127.5f - 1f;
        pixels[2 * plane + p] = (bytes[3 * p] & 0xff) / 127.5f - 1f;
      }
    }
    float[] encodings;
    float[] logits;
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(pixels), new long[] {1, 3, INPUT, INPUT});
        OrtSession.Result result = session.run(Map.of("pixels", input))) {
      encodings = flat(result, "box_encodings");
      logits = flat(result, "class_logits");
    } catch (OrtException e) {
      throw new IllegalStateException("the SSD face detector failed: " + e.getMessage(), e);
    }
    List<FaceBox> faces = new ArrayList<>();
    for (Candidate c : suppress(decode(anchors, encodings, logits, minScore), NMS_IOU, MAX_FACES)) {
      // Normalised to the 512 square; the picture is its top-left w × h.
      int left = (int) Math.max(0, Math.floor(c.x0 * INPUT / scale));
      int top = (int) Math.max(0, Math.floor(c.y0 * INPUT / scale));
      int right = (int) Math.min(width, Math.ceil(c.x1 * INPUT / scale));
      int bottom = (int) Math.min(height, Math.ceil(c.y1 * INPUT / scale));
      if (right > left && bottom > top) {
        faces.add(new FaceBox(left, top, right - left, bottom - top, c.score));
      }
    }
    return faces;
  }

  private static float[] flat(OrtSession.Result result, String name) throws OrtException {
    OnnxTensor t =
        (OnnxTensor)
            result
                .get(name)
                .orElseThrow(
                    () -> new IllegalStateException("the SSD face model has no output " + name));
    FloatBuffer buffer = t.getFloatBuffer();
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  /** A decoded box, normalised to the input square, with its face probability. */
  record Candidate(float y0, float x0, float y1, float x1, float score) {
    float area() {
      return Math.max(0, y1 - y0) * Math.max(0, x1 - x0);
    }

    float iou(Candidate o) {
      float ih = Math.max(0, Math.min(y1, o.y1) - Math.max(y0, o.y0));
      float iw = Math.max(0, Math.min(x1, o.x1) - Math.max(x0, o.x0));
      float inter = ih * iw;
      float union = area() + o.area() - inter;
      return union <= 0 ? 0 : inter / union;
    }
  }

  /**
   * Boxes from anchors ([ymin, xmin, ymax, xmax] each) and encodings ([ty, tx, th, tw]), with the
   * sigmoid of class 1 at or above {@code minScore}.
   */
  static List<Candidate> decode(
      float[] anchors, float[] encodings, float[] logits, float minScore) {
    List<Candidate> out = new ArrayList<>();
    int n = anchors.length / 4;
    for (int i = 0; i < n; i++) {
      float score = (float) (1 / (1 + Math.exp(-logits[3 * i + 1])));
      if (score < minScore) {
        continue;
      }
      float ah = anchors[4 * i + 2] - anchors[4 * i];
      float aw = anchors[4 * i + 3] - anchors[4 * i + 1];
      float cy = anchors[4 * i] + ah / 2 + encodings[4 * i] / 10 * ah;
      float cx = anchors[4 * i + 1] + aw / 2 + encodings[4 * i + 1] / 10 * aw;
      float hh = (float) Math.exp(encodings[4 * i + 2] / 5) * ah / 2;
      float hw = (float) Math.exp(encodings[4 * i + 3] / 5) * aw / 2;
      out.add(
          new Candidate(
              Math.max(0, cy - hh),
              Math.max(0, cx - hw),
              Math.min(1, cy + hh),
              Math.min(1, cx + hw),
              score));
    }
    return out;
  }

  /** Greedy non-maximum suppression, best score first. */
  static List<Candidate> suppress(List<Candidate> candidates, double iou, int max) {
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingDouble((Candidate c) -> -c.score()));
    List<Candidate> kept = new ArrayList<>();
    for (Candidate c : sorted) {
      if (kept.size() >= max) {
        break;
      }
      if (kept.stream().noneMatch(k -> k.iou(c) > iou)) {
        kept.add(c);
      }
    }
    return kept;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // closing frees native memory; nothing to do if it fails
    }
  }
}
