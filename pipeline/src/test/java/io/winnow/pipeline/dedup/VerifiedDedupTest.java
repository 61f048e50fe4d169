package io.winnow.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.TestImages;
import io.winnow.dedup.DropNearDuplicates;
import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
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
import org.apache.beam.sdk.values.PCollectionTuple;
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
    return Sample.builder(key, "http://x/" + key).sha256("sha-" + key)
        .originalSize(side, side).storedSize(256, 256).image(new byte[] {1}).embedding(v)
        .pdq(print.pdqHex(), print.pdqQuality()).fingerprint(print.encode()).build();
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
    // A chain: "collage" is the left half of chelsea beside the right half of a different
    // photo (coffee's right side is not in the set; chelsea's is).
    Mat chelsea = TestImages.photo("chelsea.jpg");
    SAMPLES.add(sample("chelsea", chelsea, 2000));
    Mat other = TestImages.scale(TestImages.photo("rocket.jpg"), 1.0, 1.0);
    Mat collage = new Mat(chelsea.rows(), chelsea.cols(), chelsea.type());
    int half = chelsea.cols() / 2;
    TestImages.crop(chelsea, 0, 0, 0.5, 1).copyTo(new Mat(collage, new Rect(0, 0, half,
        chelsea.rows())));
    Mat right = TestImages.scale(TestImages.crop(other, 0.5, 0, 0.5, 1),
        (double) (chelsea.cols() - half) / (other.cols() - other.cols() / 2),
        (double) chelsea.rows() / other.rows());
    new Mat(right, new Rect(0, 0, chelsea.cols() - half, chelsea.rows()))
        .copyTo(new Mat(collage, new Rect(half, 0, chelsea.cols() - half, chelsea.rows())));
    SAMPLES.add(sample("collage", collage, 1500));
    // The far end of the chain: the collage's right half alone, a copy of the collage but not
    // of chelsea.
    SAMPLES.add(sample("collage-right", TestImages.crop(collage, 0.5, 0, 0.5, 1), 800));
  }

  private static Map<String, String> run(List<Sample> samples, int parallelism) {
    OUT.clear();
    Pipeline p = Pipeline.create(RunWinnow.options("flink", parallelism));
    PCollectionTuple out = p.apply(Create.of(samples).withCoder(new Sample.Coder()))
        .apply(DropNearDuplicates.with(D, 0.99).withK(64).withExactSearch(true));
    out.get(DropNearDuplicates.KEPT).apply("Kept", ParDo.of(new DoFn<Sample, Void>() {
      @ProcessElement
      public void process(@Element Sample s) {
        OUT.put(s.key(), "kept");
      }
    }));
    out.get(DropNearDuplicates.REJECTIONS).apply("Removed", ParDo.of(new DoFn<Rejection, Void>() {
      @ProcessElement
      public void process(@Element Rejection r) {
        OUT.put(r.key(), r.reason().wireName() + " " + r.detail());
      }
    }));
    p.run().waitUntilFinish();
    return new TreeMap<>(OUT);
  }

  @Test
  void copiesGoDifferentPhotosStayAndNothingChains() {
    Map<String, String> one = run(SAMPLES, 1);
    assertThat(one).hasSize(SAMPLES.size());
    Set<String> kept = new TreeSet<>();
    one.forEach((key, outcome) -> {
      if (outcome.equals("kept")) {
        kept.add(key);
      }
    });
    assertThat(kept).containsExactlyInAnyOrder("astronaut", "coffee", "rocket", "camera",
        "chelsea", "collage-right");
    for (String name : new String[] {"astronaut", "coffee", "rocket", "camera"}) {
      for (String edit : new String[] {"crop", "flip", "caption", "border"}) {
        assertThat(one.get(name + "-" + edit)).as(name + "-" + edit)
            .startsWith("near-duplicate near-duplicate of " + name + " (cosine 1.0000, ")
            .contains(" inliers").contains("pixels agree").endsWith("group of 5)");
      }
    }
    assertThat(one.get("astronaut-flip")).contains("inliers mirrored");
    // The collage is a copy of chelsea; its right half is a copy of the collage only, which is
    // not kept, so it stays.
    assertThat(one.get("collage")).startsWith("near-duplicate near-duplicate of chelsea ");

    List<Sample> shuffled = new ArrayList<>(SAMPLES);
    Collections.shuffle(shuffled, new Random(5));
    assertThat(run(shuffled, 3)).isEqualTo(one);
  }

  @Test
  void aSceneWithItsSubjectMovedIsKeptTwice() throws Exception {
    Mat background = TestImages.photo("camera.jpg");
    Mat subject = TestImages.scale(TestImages.photo("chelsea.jpg"), 0.45, 0.45);
    Mat first = background.clone();
    Mat second = background.clone();
    subject.copyTo(new Mat(first, new Rect(10, 10, subject.cols(), subject.rows())));
    subject.copyTo(new Mat(second, new Rect(background.cols() - subject.cols() - 10,
        background.rows() - subject.rows() - 10, subject.cols(), subject.rows())));
    Map<String, String> out = run(List.of(sample("frame-1", first, 500),
        sample("frame-2", second, 500)), 1);
    assertThat(out).containsEntry("frame-1", "kept").containsEntry("frame-2", "kept");
  }
}
