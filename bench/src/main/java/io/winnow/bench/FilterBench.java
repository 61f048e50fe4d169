package io.winnow.bench;

import static io.winnow.bench.StepTimer.print;
import static io.winnow.bench.StepTimer.report;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import io.winnow.copydetect.Fingerprint;
import io.winnow.crawl.OptOutHeaders;
import io.winnow.crawl.RobotsRules;
import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ImageProcessor;
import io.winnow.dedup.FingerprintImages;
import io.winnow.filters.BlazeFaceDetector;
import io.winnow.filters.BlurFaces;
import io.winnow.filters.DomainPolicy;
import io.winnow.filters.DomainRules;
import io.winnow.filters.FaceDetector;
import io.winnow.filters.HaarFaceDetector;
import io.winnow.inference.EmbeddingModel;
import io.winnow.inference.ExecutionProvider;
import io.winnow.inference.OnnxEmbedder;
import io.winnow.inference.Preprocessor;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.Sample;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_quality.QualityBRISQUE;

/**
 * Per-image cost of each safety filter on this machine, one thread, beside the spine's own
 * per-image fetch (loopback) and decode costs measured in the same run on the same photos, so it
 * shows which stage bounds throughput. Photos: the 12 bundled demo photos, stored as the pipeline
 * stores them (256 px, border mode, JPEG 95).
 *
 * <pre>FilterBench [rounds]</pre>
 */
public final class FilterBench {
  private static final String[] PHOTOS = {
    "astronaut.jpg",
    "brick.jpg",
    "camera.jpg",
    "chelsea.jpg",
    "clock_motion.jpg",
    "coffee.jpg",
    "grass.jpg",
    "gravel.jpg",
    "horse.png",
    "hubble_deep_field.jpg",
    "retina.jpg",
    "rocket.jpg"
  };

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<byte[]> originals = new ArrayList<>();
    for (String name : PHOTOS) {
      try (InputStream in = DemoServer.class.getResourceAsStream("/demo/images/" + name)) {
        originals.add(in.readAllBytes());
      }
    }
    int n = originals.size();
    DecodeSettings decode = DecodeSettings.defaults();
    ImageProcessor processor = new ImageProcessor(decode);
    List<Sample> stored = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ImageProcessor.Processed p = processor.process(originals.get(i)).image();
      stored.add(p.storeOn(Sample.builder("k" + i, "http://bench/" + PHOTOS[i])).build());
    }
    List<Mat> storedMats = new ArrayList<>();
    for (Sample s : stored) {
      storedMats.add(
          imdecode(
              new Mat(1, s.image().length, CV_8UC1, new BytePointer(s.image())), IMREAD_COLOR));
    }
    System.out.printf(
        Locale.ROOT,
        "== %d photos × %d rounds, one thread, %d cores%n",
        n,
        rounds,
        Runtime.getRuntime().availableProcessors());
    StepTimer.header();

    // Spine: fetch over loopback, as the crawler fetches.
    LoopbackFetchCost.measure(PHOTOS, rounds);
    report(
        "spine: decode + resize + JPEG encode",
        rounds,
        n,
        i -> processor.process(originals.get(i)));

    // Lists: 10,000 domain rules and 100,000 hashed ones, as industry lists come.
    List<String> rules = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      rules.add("blocked" + i + ".example");
    }
    for (int i = 0; i < 100_000; i++) {
      rules.add("sha256:" + DomainRules.sha256("hashed" + i + ".example"));
    }
    DomainPolicy policy =
        DomainPolicy.of(
            DomainRules.parse(rules, "bench"), DomainRules.empty(), DomainRules.empty(), Set.of());
    report(
        "domain lists (10k rules + 100k hashed)",
        rounds * 100,
        n,
        i -> policy.check("http://img" + i + ".cdn.some-site.example/photos/" + PHOTOS[i]));
    RobotsRules robots =
        RobotsRules.parse(
            "http://h.example/robots.txt",
            ("User-agent: *\nDisallow: /private/\nAllow: /private/ok/\nDisallow: /*.gif$\n")
                .getBytes(StandardCharsets.UTF_8),
            "text/plain",
            "Winnow");
    report(
        "robots.txt rule check (parsed once per host)",
        rounds * 100,
        n,
        i -> robots.allows("http://h.example/images/" + PHOTOS[i]));
    report(
        "X-Robots-Tag check",
        rounds * 100,
        n,
        i ->
            OptOutHeaders.optOut(
                List.of("max-image-preview:large, noarchive"),
                OptOutHeaders.DEFAULT_DIRECTIVES,
                "Winnow"));

    // Known-bad hash lists: 100,000 PDQ entries and 100,000 MD5s, matched as DropKnownBadImages
    // does (digests, then the picture's PDQ in its 8 rotations and flips through the index).
    java.util.Random random = new java.util.Random(1);
    List<String> hashLines = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      hashLines.add(
          String.format(
              "pdq:%016x%016x%016x%016x",
              random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
      hashLines.add(String.format("md5:%016x%016x", random.nextLong(), random.nextLong()));
    }
    io.winnow.filters.KnownBadHashes knownBad =
        io.winnow.filters.KnownBadHashes.builder().add("bench", hashLines).build();
    report(
        "known-bad: digests + PDQ of the picture (100k + 100k entries)",
        rounds,
        n,
        i -> {
          Sample s = stored.get(i);
          if (knownBad.matchDigests(s.sha256(), s.md5()) == null) {
            knownBad.matchPictures(
                Fingerprint.pictureHashesOfEncoded(s.image(), FingerprintImages.pictureWithin(s)));
          }
        });

    // Faces on the stored images: detection alone, and the whole stage (decode, detect, blur,
    // re-encode when faces are found).
    try (FaceDetector blaze = BlazeFaceDetector.load(BlurFaces.blazeFaceModel(), 0.5);
        FaceDetector haar = HaarFaceDetector.load()) {
      report(
          "faces: BlazeFace detect, OpenCV's threads",
          rounds,
          n,
          i -> blaze.detect(storedMats.get(i)));
      // Everything else here runs on one thread; OpenCV DNN spreads a forward pass over its own.
      org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
      report("faces: BlazeFace detect", rounds, n, i -> blaze.detect(storedMats.get(i)));
      report("faces: Haar cascade detect", rounds, n, i -> haar.detect(storedMats.get(i)));
      try (FaceDetector ssd = io.winnow.filters.SsdFaceDetector.load(0.5);
          FaceDetector shipped = BlurFaces.open(BlurFaces.DEFAULT_DETECTOR, 0.5)) {
        report(
            "faces: SSD MobileNetV1 detect (512 px, ONNX Runtime)",
            rounds,
            n,
            i -> ssd.detect(storedMats.get(i)));
        report(
            "faces: default (BlazeFace, SSD where it found a face)",
            rounds,
            n,
            i -> shipped.detect(storedMats.get(i)));
      }
      BlurFaces.Settings blur = BlurFaces.Settings.blur(decode.jpegQuality());
      report(
          "faces: BlurFaces stage (BlazeFace, blur, encode)",
          rounds,
          n,
          i -> BlurFaces.check(blaze, stored.get(i), blur));
    }

    // NSFW: the classifier's own pass (when the embedding model is another one). Sharing the
    // embedding pass costs only the threshold.
    EmbeddingModel nsfw = EmbeddingModel.load(EmbeddingModel.DEFAULT);
    Preprocessor preprocessor = new Preprocessor(nsfw.descriptor());
    int size = preprocessor.tensorSize();
    float[] batch = new float[n * size];
    try (OnnxEmbedder classifier = new OnnxEmbedder(nsfw, ExecutionProvider.CPU, 1)) {
      report(
          "nsfw: preprocess (224 px tensor)",
          rounds,
          n,
          i -> preprocessor.fill(stored.get(i), batch, i * size));
      classifier.run(batch, n); // warm-up
      long start = System.nanoTime();
      for (int r = 0; r < rounds; r++) {
        classifier.run(batch, n);
      }
      print("nsfw: nsfwjs MobileNetV2, batch 12, 1 thread", start, rounds * n);
    }

    // Copy detection: fingerprints and the verification of a candidate pair.
    CopyDetectionCosts.measure(stored, storedMats, rounds);

    // BRISQUE (OpenCV contrib quality module, model files in the OpenCV jar).
    String share = "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/quality/";
    File model = Loader.cacheResource(FilterBench.class, share + "brisque_model_live.yml");
    File range = Loader.cacheResource(FilterBench.class, share + "brisque_range_live.yml");
    try (QualityBRISQUE brisque =
        QualityBRISQUE.create(model.getAbsolutePath(), range.getAbsolutePath())) {
      report("quality: BRISQUE score (256 px)", rounds, n, i -> brisque.compute(storedMats.get(i)));
    }
  }
}
