package io.winnow.filters;

import io.winnow.schemas.FaceBox;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** Finds faces in a BGR image. Instances are not thread-safe: one per thread. */
public interface FaceDetector extends AutoCloseable {
  /** Faces in image pixels, best first. */
  List<FaceBox> detect(Mat bgr);

  /** What this detector is, for metadata and logs. */
  String name();

  @Override
  void close();
}
