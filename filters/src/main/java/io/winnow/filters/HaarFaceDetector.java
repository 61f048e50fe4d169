package io.winnow.filters;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;

import io.winnow.schemas.FaceBox;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * OpenCV's frontal-face Haar cascade ({@code haarcascade_frontalface_alt2.xml}, shipped inside the
 * OpenCV jar): the fallback detector. Frontal faces only, and more false positives than BlazeFace;
 * its boxes carry score 1.
 */
public final class HaarFaceDetector implements FaceDetector {
  static final String CASCADE = "haarcascade_frontalface_alt2.xml";
  private final CascadeClassifier cascade;

  private HaarFaceDetector(CascadeClassifier cascade) {
    this.cascade = cascade;
  }

  public static HaarFaceDetector load() {
    String resource =
        "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/haarcascades/" + CASCADE;
    File file;
    try {
      file = Loader.cacheResource(HaarFaceDetector.class, resource);
    } catch (IOException e) {
      throw new IllegalStateException("cannot unpack " + resource + " from the OpenCV jar", e);
    }
    if (file == null) {
      throw new IllegalStateException(resource + " is not in the OpenCV jar");
    }
    CascadeClassifier cascade = new CascadeClassifier(file.getAbsolutePath());
    if (cascade.empty()) {
      throw new IllegalStateException("OpenCV could not load " + file);
    }
    return new HaarFaceDetector(cascade);
  }

  @Override
  public String name() {
    return "haar-frontalface-alt2";
  }

  @Override
  public List<FaceBox> detect(Mat bgr) {
    List<FaceBox> faces = new ArrayList<>();
    try (Mat gray = new Mat();
        RectVector found = new RectVector()) {
      cvtColor(bgr, gray, COLOR_BGR2GRAY);
      equalizeHist(gray, gray);
      int min = Math.max(16, Math.min(bgr.cols(), bgr.rows()) / 40);
      cascade.detectMultiScale(gray, found, 1.1, 4, 0, new Size(min, min), new Size());
      for (long i = 0; i < found.size(); i++) {
        Rect r = found.get(i);
        faces.add(new FaceBox(r.x(), r.y(), r.width(), r.height(), 1f));
      }
    }
    faces.sort(
        java.util.Comparator.comparingInt((FaceBox f) -> -f.width() * f.height())
            .thenComparingInt(FaceBox::y)
            .thenComparingInt(FaceBox::x));
    return faces;
  }

  @Override
  public void close() {
    cascade.close();
  }
}
