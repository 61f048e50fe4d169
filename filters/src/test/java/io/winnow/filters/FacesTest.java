package io.winnow.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import io.winnow.schemas.FaceBox;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real detectors (BlazeFace through OpenCV DNN, OpenCV's Haar cascade) on public-domain photos. */
class FacesTest {
  private static FaceDetector blazeFace;
  private static FaceDetector haar;

  @BeforeAll
  static void load() {
    blazeFace = BlazeFaceDetector.load(BlurFaces.blazeFaceModel(), 0.5);
    haar = HaarFaceDetector.load();
  }

  @AfterAll
  static void close() {
    blazeFace.close();
    haar.close();
  }

  static byte[] photo(String name) throws IOException {
    try (InputStream in = FacesTest.class.getResourceAsStream("/faces/" + name)) {
      return in.readAllBytes();
    }
  }

  static Mat decode(byte[] bytes) {
    return imdecode(new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)), IMREAD_COLOR);
  }

  @Test
  void blazeFaceFindsTheAstronautsFaceInTheUpperMiddle() throws IOException {
    Mat image = decode(photo("astronaut.jpg"));
    List<FaceBox> faces = blazeFace.detect(image);
    assertThat(faces).hasSize(1);
    FaceBox face = faces.get(0);
    assertThat(face.score()).isGreaterThan(0.8f);
    // Eileen Collins' face: centred in the upper half, a fifth to a third of the frame wide.
    double cx = (face.x() + face.width() / 2.0) / image.cols();
    double cy = (face.y() + face.height() / 2.0) / image.rows();
    assertThat(cx).isBetween(0.3, 0.6);
    assertThat(cy).isBetween(0.1, 0.45);
    assertThat((double) face.width() / image.cols()).isBetween(0.1, 0.4);
  }

  @Test
  void bothDetectorsFindTheCameramanAndNoFaceInTheCoffeeCup() throws IOException {
    assertThat(blazeFace.detect(decode(photo("camera.jpg")))).hasSize(1);
    assertThat(haar.detect(decode(photo("astronaut.jpg")))).isNotEmpty();
    assertThat(blazeFace.detect(decode(photo("coffee.jpg")))).isEmpty();
  }

  @Test
  void blurringFlattensTheFaceAndLeavesEveryOtherPixelAlone() throws IOException {
    Mat image = decode(photo("astronaut.jpg"));
    Mat original = image.clone();
    List<FaceBox> faces = blazeFace.detect(image);
    Rect box = FaceBlur.grown(faces.get(0), 0.2, image.cols(), image.rows());
    double before = stdDev(new Mat(original, box));
    FaceBlur.apply(image, faces, 0.2, FaceBlur.Style.GAUSSIAN);
    double after = stdDev(new Mat(image, box));
    assertThat(after).isLessThan(before * 0.6);
    assertThat(changedOutside(original, image, box)).isZero();

    Mat pixelated = original.clone();
    FaceBlur.apply(pixelated, faces, 0.2, FaceBlur.Style.PIXELATE);
    assertThat(stdDev(new Mat(pixelated, box))).isLessThan(before);
    assertThat(changedOutside(original, pixelated, box)).isZero();
  }

  @Test
  void theStageRecordsFacesBlursOrDropsAndLeavesFaceFreeImagesAsTheyWere() throws IOException {
    byte[] astronaut = photo("astronaut.jpg");
    Sample withFace =
        Sample.builder("k1", "http://a/astronaut.jpg")
            .image(astronaut)
            .embedding(new float[] {1, 0})
            .build();
    BlurFaces.Outcome blurred = BlurFaces.check(blazeFace, withFace, BlurFaces.Settings.blur(95));
    assertThat(blurred.rejection()).isNull();
    // The embedding of the unblurred image (the NSFW pass's) does not survive the blur.
    assertThat(blurred.sample().embedding()).isNull();
    assertThat(blurred.sample().faces()).hasSize(1);
    assertThat(blurred.sample().image()).isNotEqualTo(astronaut);
    FaceBox face = blurred.sample().faces().get(0);
    Rect box = new Rect(face.x(), face.y(), face.width(), face.height());
    assertThat(stdDev(new Mat(decode(blurred.sample().image()), box)))
        .isLessThan(stdDev(new Mat(decode(astronaut), box)) * 0.6);

    BlurFaces.Settings drop =
        new BlurFaces.Settings(true, "blazeface", 0.5, 0.2, FaceBlur.Style.GAUSSIAN, 95);
    BlurFaces.Outcome dropped = BlurFaces.check(blazeFace, withFace, drop);
    assertThat(dropped.sample()).isNull();
    assertThat(dropped.rejection().reason()).isEqualTo(Reason.HAS_FACES);
    assertThat(dropped.rejection().detail()).startsWith("1 face (blazeface-full-range");

    byte[] coffee = photo("coffee.jpg");
    BlurFaces.Outcome clean =
        BlurFaces.check(
            blazeFace,
            Sample.builder("k2", "http://a/coffee.jpg").image(coffee).build(),
            BlurFaces.Settings.blur(95));
    assertThat(clean.sample().faces()).isEmpty();
    assertThat(clean.sample().image()).isEqualTo(coffee);

    BlurFaces.Outcome broken =
        BlurFaces.check(
            blazeFace,
            Sample.builder("k3", "http://a/x.jpg").image(new byte[] {1, 2, 3}).build(),
            BlurFaces.Settings.blur(95));
    assertThat(broken.rejection().reason()).isEqualTo(Reason.FACE_CHECK_FAILED);
  }

  private static double stdDev(Mat region) {
    Mat gray = new Mat();
    org.bytedeco.opencv.global.opencv_imgproc.cvtColor(
        region, gray, org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
    Mat mean = new Mat();
    Mat std = new Mat();
    meanStdDev(gray, mean, std);
    return std.createIndexer() instanceof org.bytedeco.javacpp.indexer.DoubleIndexer d
        ? d.get(0)
        : Double.NaN;
  }

  private static long changedOutside(Mat a, Mat b, Rect box) {
    UByteIndexer ia = a.createIndexer();
    UByteIndexer ib = b.createIndexer();
    long changed = 0;
    for (int y = 0; y < a.rows(); y++) {
      for (int x = 0; x < a.cols(); x++) {
        boolean inside =
            x >= box.x() && x < box.x() + box.width() && y >= box.y() && y < box.y() + box.height();
        if (!inside) {
          for (int c = 0; c < 3; c++) {
            if (ia.get(y, x, c) != ib.get(y, x, c)) {
              changed++;
            }
          }
        }
      }
    }
    return changed;
  }

  @Test
  void aBlazeFaceModelThatCannotLoadFailsInsteadOfFallingBackQuietly() {
    // A worker that silently used the Haar cascade would blur with a weaker detector than the
    // run records; the job fails and says how to choose Haar.
    byte[] damaged = java.util.Arrays.copyOf(BlurFaces.blazeFaceModel(), 4096);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BlurFaces.openBlazeFace(damaged, 0.5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--face-detector haar");
  }

  @Test
  void theSsdDetectorFindsTheFacesBlazeFaceFindsAndNoneInTheCoffeeCup() throws IOException {
    try (SsdFaceDetector ssd = SsdFaceDetector.load(0.5)) {
      for (String name : List.of("astronaut.jpg", "camera.jpg")) {
        Mat image = decode(photo(name));
        List<FaceBox> found = ssd.detect(image);
        assertThat(found).as(name).hasSize(1);
        assertThat(SecondOpinionFaceDetector.iou(found.get(0), blazeFace.detect(image).get(0)))
            .as(name)
            .isGreaterThan(0.4);
      }
      assertThat(ssd.detect(decode(photo("coffee.jpg")))).isEmpty();
    }
  }

  /** The second detector runs only where the first found a face, and adds only new boxes. */
  @Test
  void theSecondOpinionRunsWhereTheFirstFoundAFace() throws IOException {
    int[] secondCalls = {0};
    FaceBox extra = new FaceBox(1, 1, 10, 10, 0.9f);
    FaceDetector counting =
        new FaceDetector() {
          @Override
          public List<FaceBox> detect(Mat bgr) {
            secondCalls[0]++;
            List<FaceBox> own = new java.util.ArrayList<>(blazeFace.detect(bgr));
            own.add(extra);
            return own;
          }

          @Override
          public String name() {
            return "counting";
          }

          @Override
          public void close() {}
        };
    SecondOpinionFaceDetector both = new SecondOpinionFaceDetector(blazeFace, counting);
    assertThat(both.detect(decode(photo("coffee.jpg")))).isEmpty();
    assertThat(secondCalls[0]).isZero();
    List<FaceBox> faces = both.detect(decode(photo("astronaut.jpg")));
    assertThat(secondCalls[0]).isEqualTo(1);
    assertThat(faces).hasSize(2).contains(extra);
    assertThat(BlurFaces.open("blazeface+ssd", 0.5).name())
        .startsWith("blazeface-full-range+face-api-ssd-mobilenetv1");
  }
}
