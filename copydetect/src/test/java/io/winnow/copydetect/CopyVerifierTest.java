package io.winnow.copydetect;

import static io.winnow.copydetect.TestImages.photo;
import static io.winnow.copydetect.TestImages.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class CopyVerifierTest {
  private static final CopyVerifier VERIFIER = CopyVerifier.with(CopyVerifier.Settings.defaults());

  static Map<String, UnaryOperator<Mat>> edits() {
    Map<String, UnaryOperator<Mat>> edits = new LinkedHashMap<>();
    edits.put("crop 70 %", m -> TestImages.crop(m, 0.1, 0.2, 0.7, 0.7));
    edits.put("crop 50 %", m -> TestImages.crop(m, 0.3, 0.1, 0.5, 0.6));
    edits.put("white border", m -> TestImages.border(m, 0.1, new Scalar(255, 255, 255, 0)));
    edits.put("caption bar", m -> TestImages.caption(m, "(c) a stock photo site"));
    edits.put("flip", TestImages::mirror);
    edits.put("rotate 10", m -> TestImages.rotate(m, 10));
    edits.put("greyscale", TestImages::grey);
    edits.put("blur", m -> TestImages.blur(m, 3));
    edits.put("jpeg 15", m -> TestImages.jpeg(m, 15));
    edits.put("rescale", m -> TestImages.scale(m, 0.4, 0.4));
    edits.put("brighter", m -> TestImages.brighter(m, 1.3, 25));
    edits.put("aspect", m -> TestImages.scale(m, 1.0, 0.75));
    edits.put("pasted", m -> TestImages.paste(m, 0.6, new Scalar(200, 120, 40, 0)));
    edits.put("flip + crop", m -> TestImages.crop(TestImages.mirror(m), 0.1, 0.1, 0.8, 0.8));
    return edits;
  }

  @Test
  void findsACopyMadeWithEachEdit() throws Exception {
    for (String name : new String[] {"astronaut.jpg", "coffee.jpg", "rocket.jpg"}) {
      Mat original = photo(name);
      Fingerprint a = stored(original);
      for (Map.Entry<String, UnaryOperator<Mat>> edit : edits().entrySet()) {
        Fingerprint b = stored(edit.getValue().apply(original));
        CopyVerifier.Verdict v = VERIFIER.verify(a, b, 0.8f, 1);
        assertThat(v.copy()).as("%s, %s: %s", name, edit.getKey(), v).isTrue();
        assertThat(v.evidence())
            .as("%s, %s", name, edit.getKey())
            .isIn(CopyVerifier.Evidence.KEYPOINTS, CopyVerifier.Evidence.PDQ);
      }
    }
  }

  @Test
  void theSameJudgementWhicheverSideComesFirst() throws Exception {
    Mat original = photo("chelsea.jpg");
    Fingerprint a = stored(original);
    Fingerprint b = stored(TestImages.crop(TestImages.mirror(original), 0.2, 0.1, 0.7, 0.8));
    assertThat(VERIFIER.verify(a, b, 0.8f, 7).copy()).isTrue();
    assertThat(VERIFIER.verify(b, a, 0.8f, 7).copy()).isTrue();
    assertThat(VERIFIER.verify(a, b, 0.8f, 7)).isEqualTo(VERIFIER.verify(a, b, 0.8f, 7));
  }

  @Test
  void differentPhotosAreNotCopiesWhateverTheCosine() throws Exception {
    String[] names = {"astronaut.jpg", "coffee.jpg", "chelsea.jpg", "rocket.jpg", "camera.jpg"};
    for (int i = 0; i < names.length; i++) {
      for (int j = i + 1; j < names.length; j++) {
        CopyVerifier.Verdict v =
            VERIFIER.verify(stored(photo(names[i])), stored(photo(names[j])), 0.99f, 3);
        assertThat(v.copy()).as("%s vs %s: %s", names[i], names[j], v).isFalse();
      }
    }
  }

  @Test
  void twoPicturesInTheSameFrameAreNotCopies() throws Exception {
    Scalar white = new Scalar(255, 255, 255, 0);
    Fingerprint a = stored(TestImages.border(photo("coffee.jpg"), 0.15, white));
    Fingerprint b = stored(TestImages.border(photo("chelsea.jpg"), 0.15, white));
    assertThat(VERIFIER.verify(a, b, 0.95f, 3).copy()).isFalse();
  }

  @Test
  void barelyOverlappingCropsOfOnePhotoAreDifferentPictures() throws Exception {
    Mat photo = photo("astronaut.jpg");
    Fingerprint left = stored(TestImages.crop(photo, 0.0, 0.0, 0.55, 1.0));
    Fingerprint right = stored(TestImages.crop(photo, 0.5, 0.0, 0.5, 1.0));
    assertThat(VERIFIER.verify(left, right, 0.9f, 3).copy()).isFalse();
  }

  @Test
  void aSceneWithItsSubjectMovedIsNotACopy() throws Exception {
    // Two "frames": the same background, a different photo pasted at two far-apart places. This
    // holds for this pair; smaller subjects, or a flat background, can still be judged a copy
    // (docs/copy-detection.md, known limits).
    Mat background = photo("coffee.jpg");
    Mat subject = TestImages.scale(photo("rocket.jpg"), 0.45, 0.45);
    Mat first = background.clone();
    Mat second = background.clone();
    subject.copyTo(new Mat(first, new Rect(20, 20, subject.cols(), subject.rows())));
    subject.copyTo(
        new Mat(
            second,
            new Rect(
                background.cols() - subject.cols() - 20,
                background.rows() - subject.rows() - 20,
                subject.cols(),
                subject.rows())));
    CopyVerifier.Verdict v = VERIFIER.verify(stored(first), stored(second), 0.95f, 3);
    assertThat(v.copy()).as("%s", v).isFalse();
  }

  @Test
  void featurelessPicturesFallBackToTheEmbeddingAndSaySo() {
    Mat flat =
        new Mat(
            200, 300, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 140, 200, 0));
    Fingerprint a = stored(flat);
    Fingerprint b = stored(TestImages.brighter(flat, 1.0, 10));
    CopyVerifier.Verdict close = VERIFIER.verify(a, b, 0.99f, 3);
    assertThat(close.copy()).isTrue();
    assertThat(close.evidence()).isEqualTo(CopyVerifier.Evidence.EMBEDDING);
    assertThat(close.describe()).contains("embedding only: too featureless to verify");
    CopyVerifier.Verdict far = VERIFIER.verify(a, b, 0.9f, 3);
    assertThat(far.copy()).isFalse();
  }

  @Test
  void fingerprintsSurviveTheirWireForm() throws Exception {
    Fingerprint a = stored(photo("camera.jpg"));
    Fingerprint back = Fingerprint.decode(a.encode());
    assertThat(back.content()).isEqualTo(a.content());
    assertThat(back.pdqHex()).isEqualTo(a.pdqHex());
    assertThat(back.pdqQuality()).isEqualTo(a.pdqQuality());
    assertThat(back.features().count()).isEqualTo(a.features().count());
    assertThat(Fingerprint.contentOf(a.encode())).isEqualTo(a.content());
    assertThat(Fingerprint.pdqOf(a.encode()).original()).isEqualTo(a.pdq().original());
    // Points are kept to a tenth of a pixel.
    for (int i = 0; i < a.features().points().length; i++) {
      assertThat(back.features().points()[i])
          .isCloseTo(a.features().points()[i], org.assertj.core.data.Offset.offset(0.051f));
    }
    assertThat(back.features().descriptors()).isEqualTo(a.features().descriptors());
    assertThat(a.encode().length).isLessThan(32_000);
  }

  @Test
  void theFeaturesWireFormIsTheDocumentedLayout() throws Exception {
    // Fingerprints are stored with kept samples: the layout must not drift between builds.
    LocalFeatures f =
        new LocalFeatures(
            300,
            200,
            new float[] {1.25f, 2f},
            new long[] {1, -2, 3, Long.MIN_VALUE},
            new float[] {298.75f, 2f},
            new long[] {5, 6, 7, 8},
            2,
            1,
            new byte[] {9, (byte) 200});
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeShort(300);
      out.writeShort(200);
      out.writeShort(1);
      out.writeShort(13); // 1.25 px in tenths, rounded
      out.writeShort(20);
      for (long v : new long[] {1, -2, 3, Long.MIN_VALUE}) {
        out.writeLong(v);
      }
      out.writeShort(1);
      out.writeShort(2988);
      out.writeShort(20);
      for (long v : new long[] {5, 6, 7, 8}) {
        out.writeLong(v);
      }
      out.writeShort(2);
      out.writeShort(1);
      out.write(new byte[] {9, (byte) 200});
    }
    assertThat(f.encode()).isEqualTo(bytes.toByteArray());
    LocalFeatures back = LocalFeatures.decode(bytes.toByteArray());
    assertThat(back.points()).containsExactly(1.3f, 2f);
    assertThat(back.mirrorDescriptors()).containsExactly(5, 6, 7, 8);
    assertThat(back.thumb()).containsExactly(9, (byte) 200);
    assertThatThrownBy(() -> LocalFeatures.decode(java.util.Arrays.copyOf(f.encode(), 20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("damaged");
  }

  /** Measurements of a fit with {@code inliers} whose photometric check found {@code look}. */
  private static CopyVerifier.Measurements fitted(int inliers, int pdq, double correlation) {
    return new CopyVerifier.Measurements(
        0.9f,
        pdq,
        200,
        90,
        0,
        inliers,
        80,
        0.3,
        false,
        new PhotometricMatch.Result(1, correlation, 0.9, 16, 0.86),
        null);
  }

  @Test
  void aWeakFitMustAlsoLookAlike() {
    // Unrelated drawings (shapes on gradients) find a dozen chance inliers along straight
    // edges and pass a loose photometric check; a weak fit must correlate at 0.85.
    CopyVerifier.Verdict chance = VERIFIER.decide(fitted(12, 118, 0.55));
    assertThat(chance.copy()).isFalse();
    assertThat(chance.reason())
        .isEqualTo("a weak fit (12 inliers) whose pictures correlate " + "only 0.55");
    assertThat(VERIFIER.decide(fitted(12, 118, 0.9)).copy()).isTrue();
    // Thirty inliers are no chance; nor is a weak fit that PDQ backs.
    assertThat(VERIFIER.decide(fitted(40, 118, 0.55)).copy()).isTrue();
    assertThat(VERIFIER.decide(fitted(12, 50, 0.55)).copy()).isTrue();
  }
}
