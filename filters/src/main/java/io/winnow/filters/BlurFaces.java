package io.winnow.filters;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.FaceBox;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Detects faces in each stored image and blurs them (or drops the image), before anything is
 * embedded or written. Every kept sample records its faces ({@code faces}: boxes in stored-image
 * pixels with scores; empty when none), so a reader can tell "checked, none" from "not checked". An
 * image the detector cannot process is rejected ({@code face-check-failed}): an unchecked image is
 * never stored. Blurred images are re-encoded as JPEG at the run's quality; others are left
 * byte-for-byte as they were.
 */
public final class BlurFaces extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  /**
   * BlazeFace, and face-api's SSD MobileNetV1 on images where BlazeFace found a face (default);
   * BlazeFace alone; or OpenCV's Haar cascade.
   */
  public static final java.util.List<String> DETECTORS =
      java.util.List.of("blazeface+ssd", "blazeface", "haar");

  public static final String DEFAULT_DETECTOR = "blazeface+ssd";
  static final String MODEL =
      "/io/winnow/filters/blazeface-full-range/face_detection_full_range.tflite";

  /** How faces are found and what happens to them. */
  public record Settings(
      boolean drop,
      String detector,
      double minScore,
      double margin,
      FaceBlur.Style style,
      int jpegQuality)
      implements Serializable {
    public Settings {
      if (!DETECTORS.contains(detector)) {
        throw new IllegalArgumentException("face detector is one of " + DETECTORS);
      }
    }

    public static Settings blur(int jpegQuality) {
      return new Settings(false, DEFAULT_DETECTOR, 0.5, 0.2, FaceBlur.Style.GAUSSIAN, jpegQuality);
    }
  }

  private final Settings settings;

  private BlurFaces(Settings settings) {
    this.settings = settings;
  }

  /**
   * The stage. The detector is loaded once here, where the pipeline is built, so a detector that
   * cannot run fails the job before anything is fetched.
   */
  public static BlurFaces with(Settings settings) {
    open(settings.detector(), settings.minScore()).close();
    return new BlurFaces(settings);
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> samples) {
    PCollectionTuple out =
        samples.apply(
            "DetectAndBlur",
            ParDo.of(
                    new BlurFn(
                        settings, ErrorBudget.of("faces", samples.getPipeline().getOptions())))
                .withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(samples.getCoder());
    return StageResult.of(out, KEPT, REJECTIONS);
  }

  /**
   * The configured detector. When BlazeFace cannot run here the job fails, saying so: a worker that
   * quietly used the Haar cascade instead would blur with a weaker detector than the run records.
   * The Haar cascade is used only when chosen ({@code --face-detector haar}).
   */
  public static FaceDetector open(String detector, double minScore) {
    return switch (detector) {
      case "blazeface" -> openBlazeFace(blazeFaceModel(), minScore);
      case "blazeface+ssd" -> {
        FaceDetector blaze = openBlazeFace(blazeFaceModel(), minScore);
        try {
          yield new SecondOpinionFaceDetector(blaze, SsdFaceDetector.load(minScore));
        } catch (IllegalStateException e) {
          blaze.close();
          throw new IllegalStateException(
              "the SSD face detector cannot run here ("
                  + e.getMessage()
                  + "); run with --face-detector blazeface to blur with BlazeFace "
                  + "alone",
              e);
        }
      }
      case "haar" -> HaarFaceDetector.load();
      default -> throw new IllegalArgumentException("face detector is one of " + DETECTORS);
    };
  }

  static FaceDetector openBlazeFace(byte[] model, double minScore) {
    try {
      return BlazeFaceDetector.load(model, minScore);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "the BlazeFace face detector cannot run here ("
              + e.getMessage()
              + "); run with --face-detector haar to blur with OpenCV's Haar "
              + "cascade instead",
          e);
    }
  }

  public static byte[] blazeFaceModel() {
    try (InputStream in = BlurFaces.class.getResourceAsStream(MODEL)) {
      if (in == null) {
        throw new IllegalStateException(MODEL + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + MODEL, e);
    }
  }

  static final class BlurFn extends DoFn<Sample, Sample> {
    private final Settings settings;
    private final Counter withFaces = Metrics.counter("faces", "images_with_faces");
    private final Counter facesFound = Metrics.counter("faces", "faces");
    private final Distribution micros = Metrics.distribution("faces", "micros_per_image");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("faces");
    private final ErrorBudget errors;
    private transient FaceDetector detector;

    BlurFn(Settings settings, ErrorBudget errors) {
      this.settings = settings;
      this.errors = errors;
    }

    @Setup
    public void setup() {
      detector = open(settings.detector(), settings.minScore());
    }

    @ProcessElement
    public void process(@Element Sample sample, MultiOutputReceiver out) {
      long start = System.nanoTime();
      Outcome outcome;
      try {
        outcome = check(detector, sample, settings);
      } catch (RuntimeException e) {
        // Not stored unchecked; with its stack trace, and within the stage's error budget.
        outcome =
            new Outcome(
                null,
                Rejection.ofFailure(sample.key(), sample.url(), Reason.FACE_CHECK_FAILED, e),
                0);
      }
      timer.since(start);
      if (outcome.rejection() != null) {
        errors.rejected(outcome.rejection());
        out.get(REJECTIONS).output(outcome.rejection());
      } else {
        errors.passed();
        out.get(KEPT).output(outcome.sample());
      }
      if (outcome.faces() > 0) {
        withFaces.inc();
        facesFound.inc(outcome.faces());
      }
      micros.update((System.nanoTime() - start) / 1000);
    }

    @Teardown
    public void teardown() {
      if (detector != null) {
        detector.close();
      }
    }
  }

  /** One image's result: the sample to keep or the rejection, and how many faces it had. */
  public record Outcome(Sample sample, Rejection rejection, int faces) {}

  /** The whole check of one sample, without Beam: used by the stage, its tests and the bench. */
  public static Outcome check(FaceDetector detector, Sample sample, Settings settings) {
    byte[] image = sample.image();
    if (image == null || image.length == 0) {
      return new Outcome(
          null,
          Rejection.of(
              sample.key(), sample.url(), Reason.FACE_CHECK_FAILED, "no stored image to check"),
          0);
    }
    try (BytePointer bytes = new BytePointer(image);
        Mat encoded =
            new Mat(1, image.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, bytes);
        Mat bgr = imdecode(encoded, IMREAD_COLOR)) {
      if (bgr == null || bgr.empty()) {
        return new Outcome(
            null,
            Rejection.of(
                sample.key(),
                sample.url(),
                Reason.FACE_CHECK_FAILED,
                "the stored image does not decode"),
            0);
      }
      List<FaceBox> faces = List.copyOf(detector.detect(bgr));
      if (faces.isEmpty()) {
        return new Outcome(sample.toBuilder().faces(List.of()).build(), null, 0);
      }
      if (settings.drop()) {
        return new Outcome(
            null,
            Rejection.of(
                sample.key(),
                sample.url(),
                Reason.HAS_FACES,
                String.format(
                    Locale.ROOT,
                    "%d face%s (%s, best score %.2f)",
                    faces.size(),
                    faces.size() == 1 ? "" : "s",
                    detector.name(),
                    faces.get(0).score())),
            faces.size());
      }
      FaceBlur.apply(bgr, faces, settings.margin(), settings.style());
      byte[] blurred = encodeJpeg(bgr, settings.jpegQuality());
      // An embedding made before blurring (the NSFW pass's) is of the faces: it goes.
      return new Outcome(
          sample.toBuilder()
              .image(blurred)
              .storedByteSize(blurred.length)
              .faces(faces)
              .embedding(null)
              .build(),
          null,
          faces.size());
    }
  }

  static byte[] encodeJpeg(Mat bgr, int quality) {
    try (BytePointer out = new BytePointer();
        IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
      if (!imencode(".jpg", bgr, out, params)) {
        throw new IllegalStateException("JPEG encoding of the blurred image failed");
      }
      byte[] bytes = new byte[(int) out.limit()];
      out.get(bytes);
      return bytes;
    }
  }
}
