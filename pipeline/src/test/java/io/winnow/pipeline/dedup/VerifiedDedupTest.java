package io.winnow.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.TestImages;
import io.winnow.dedup.DropNearDuplicates;
import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dedup with verification on real photos and their edited copies, on Flink. Every sample has the
 * same embedding, so every pair is a candidate and only verification decides.
 */
class VerifiedDedupTest {
  private static final int D = 8;
  private static final Map<String, String> OUT = new ConcurrentHashMap<>();
  private static final List<Sample> SAMPLES = new ArrayList<>();

  static Sample sample(String key, Mat image, int side) {
    float[] v = new float[D];
    v[0] = 1;
    Fingerprint print = TestImages.stored(image);
    return Sample.builder(key, "http://x/" + key)
        .sha256("sha-" + key)
        .originalSize(side, side)
        .storedSize(256, 256)
        .image(new byte[] {1})
        .embedding(v)
        .pdq(print.pdqHex(), print.pdqQuality())
        .fingerprint(print.encode())
        .build();
  }

  @BeforeAll
  static void makeSamples() throws Exception {
    Scalar white = new Scalar(255, 255, 255, 0);
    for (String name : new String[] {"astronaut", "coffee", "rocket", "camera"}) {
      Mat photo = TestImages.photo(name + ".jpg");
      SAMPLES.add(sample(name, photo, 1000));
      SAMPLES.add(sample(name + "-crop", TestImages.crop(photo, 0.2, 0.1, 0.7, 0.75), 600));
      SAMPLES.add(sample(name + "-flip", TestImages.mirror(photo), 600));
      SAMPLES.add(sample(name + "-caption", TestImages.caption(photo, "www.example.com"), 600));
      SAMPLES.add(sample(name + "-border", TestImages.border(photo, 0.12, white), 600));
    }
    // A collage: the left half of chelsea beside the right half of rocket. Half of it is another
    // picture, so it is not a copy of either; its right half alone is a copy of rocket.
    Mat chelsea = TestImages.photo("chelsea.jpg");
    SAMPLES.add(sample("chelsea", chelsea, 2000));
    Mat other = TestImages.scale(TestImages.photo("rocket.jpg"), 1.0, 1.0);
    Mat collage = new Mat(chelsea.rows(), chelsea.cols(), chelsea.type());
    int half = chelsea.cols() / 2;
    TestImages.crop(chelsea, 0, 0, 0.5, 1)
        .copyTo(new Mat(collage, new Rect(0, 0, half, chelsea.rows())));
    Mat right =
        TestImages.scale(
            TestImages.crop(other, 0.5, 0, 0.5, 1),
            (double) (chelsea.cols() - half) / (other.cols() - other.cols() / 2),
            (double) chelsea.rows() / other.rows());
    new Mat(right, new Rect(0, 0, chelsea.cols() - half, chelsea.rows()))
        .copyTo(new Mat(collage, new Rect(half, 0, chelsea.cols() - half, chelsea.rows())));
    SAMPLES.add(sample("collage", collage, 1500));
    SAMPLES.add(sample("collage-right", TestImages.crop(collage, 0.5, 0, 0.5, 1), 800));
  }

  private static Map<String, String> run(List<Sample> samples, int parallelism) {
    return run(samples, parallelism, 64);
  }

  private static Map<String, String> run(List<Sample> samples, int parallelism, int k) {
    OUT.clear();
    Pipeline p = Pipeline.create(RunWinnow.options("flink", parallelism));
    StageResult<Sample> out =
        p.apply(Create.of(samples).withCoder(new SampleCoder()))
            .apply(DropNearDuplicates.with(D, 0.99).withK(k).withExactSearch(true));
    out.accepted()
        .apply(
            "Kept",
            ParDo.of(
                new DoFn<Sample, Void>() {
                  @ProcessElement
                  public void process(@Element Sample s) {
                    OUT.put(s.key(), "kept");
                  }
                }));
    out.rejections()
        .apply(
            "Removed",
            ParDo.of(
                new DoFn<Rejection, Void>() {
                  @ProcessElement
                  public void process(@Element Rejection r) {
                    OUT.put(r.key(), r.reason().wireName() + " " + r.detail());
                  }
                }));
    p.run().waitUntilFinish();
    return new TreeMap<>(OUT);
  }

  @Test
  void copiesGoAndDifferentPhotosStayWhateverTheParallelism() {
    Map<String, String> one = run(SAMPLES, 1);
    assertThat(one).hasSize(SAMPLES.size());
    Set<String> kept = new TreeSet<>();
    one.forEach(
        (key, outcome) -> {
          if (outcome.equals("kept")) {
            kept.add(key);
          }
        });
    assertThat(kept)
        .containsExactlyInAnyOrder("astronaut", "coffee", "rocket", "camera", "chelsea", "collage");
    for (String name : new String[] {"astronaut", "coffee", "rocket", "camera"}) {
      for (String edit : new String[] {"crop", "flip", "caption", "border"}) {
        assertThat(one.get(name + "-" + edit))
            .as(name + "-" + edit)
            .startsWith("near-duplicate near-duplicate of " + name + " (cosine 1.0000, ")
            .contains(" inliers")
            .contains("pixels agree")
            .contains(", group of ");
      }
    }
    assertThat(one.get("astronaut-flip")).contains("inliers mirrored");
    // The collage's right half is a crop of rocket (and of the collage): it goes.
    assertThat(one.get("collage-right"))
        .matches("near-duplicate near-duplicate of (rocket|collage) .*");

    List<Sample> shuffled = new ArrayList<>(SAMPLES);
    Collections.shuffle(shuffled, new Random(5));
    assertThat(run(shuffled, 3)).isEqualTo(one);
  }

  /** A sample like {@link #sample} whose embedding lies at {@code angle} radians from the axis. */
  static Sample sampleAt(String key, Mat image, int side, double angle) {
    Sample s = sample(key, image, side);
    float[] v = new float[D];
    v[0] = (float) Math.cos(angle);
    v[1] = (float) Math.sin(angle);
    return s.toBuilder().embedding(v).build();
  }

  @Test
  void aCopyTheNearestNeighboursPairOnlyWithASiblingIsRecheckedAgainstItsOriginal()
      throws Exception {
    // k = 1: the crop's nearest is the border copy, the border copy's is the original, so the
    // only candidates are (original, border) and (border, crop). Without the recheck the crop
    // would stay: its only edge leads to a removed member.
    Mat photo = TestImages.photo("coffee.jpg");
    List<Sample> chain =
        List.of(
            sampleAt("coffee", photo, 1000, 0),
            sampleAt(
                "coffee-border", TestImages.border(photo, 0.12, new Scalar(0, 0, 0, 0)), 600, 0.3),
            sampleAt("coffee-crop", TestImages.crop(photo, 0.2, 0.1, 0.7, 0.75), 500, 0.7));
    Map<String, String> out = run(chain, 2, 1);
    assertThat(out.get("coffee")).isEqualTo("kept");
    assertThat(out.get("coffee-border")).startsWith("near-duplicate near-duplicate of coffee ");
    assertThat(out.get("coffee-crop"))
        .startsWith("near-duplicate near-duplicate of coffee (cosine 0.7648, ")
        .contains(" inliers");
  }
}
