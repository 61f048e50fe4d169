package io.winnow.filters;

import io.winnow.schemas.FaceBox;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A first detector on every image and, on images where it found a face, a second one, with the
 * union of their boxes. Faces come in company: on the face dev set every face BlazeFace missed was
 * in a photo where it had found another (small and dark faces at the back of a group), and the
 * second detector costs only where faces are (docs/faces.md).
 */
public final class SecondOpinionFaceDetector implements FaceDetector {
  /** Boxes that overlap this much are one face: the first detector's box is kept. */
  static final double SAME_FACE_IOU = 0.3;

  private final FaceDetector first;
  private final FaceDetector second;

  public SecondOpinionFaceDetector(FaceDetector first, FaceDetector second) {
    this.first = first;
    this.second = second;
  }

  @Override
  public List<FaceBox> detect(Mat bgr) {
    List<FaceBox> faces = new ArrayList<>(first.detect(bgr));
    if (faces.isEmpty()) {
      return faces;
    }
    for (FaceBox extra : second.detect(bgr)) {
      if (faces.stream().noneMatch(f -> iou(f, extra) >= SAME_FACE_IOU)) {
        faces.add(extra);
      }
    }
    return faces;
  }

  static double iou(FaceBox a, FaceBox b) {
    double w = Math.max(0, Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x()));
    double h =
        Math.max(0, Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y()));
    double inter = w * h;
    return inter / ((double) a.width() * a.height() + (double) b.width() * b.height() - inter);
  }

  @Override
  public String name() {
    return first.name() + "+" + second.name() + " (second where the first found a face)";
  }

  @Override
  public void close() {
    try {
      first.close();
    } finally {
      second.close();
    }
  }
}
