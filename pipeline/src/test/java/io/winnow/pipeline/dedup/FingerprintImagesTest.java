package io.winnow.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.winnow.dedup.FingerprintImages;
import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import io.winnow.testing.TestImages;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;

class FingerprintImagesTest {
  @Test
  void storedImagesGetTheirPdqAndAnImageThatCannotBeFingerprintedIsRejectedNotLost() {
    Sample good =
        Sample.builder("good", "http://x/good.jpg").image(TestImages.jpeg(256, 192)).build();
    // Not an image: the stage before would have rejected it, so here it is a bug to report.
    Sample broken =
        Sample.builder("broken", "http://x/broken.jpg").image(new byte[] {1, 2, 3, 4}).build();
    Pipeline p = Pipeline.create(RunWinnow.options("direct", 2));
    StageResult<Sample> out =
        p.apply(Create.of(List.of(good, broken)).withCoder(new SampleCoder()))
            .apply(FingerprintImages.create());
    PAssert.that(out.accepted())
        .satisfies(
            kept -> {
              assertThat(kept)
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.key()).isEqualTo("good");
                        assertThat(s.pdq()).matches("[0-9a-f]{64}");
                        assertThat(s.fingerprint()).isNotEmpty();
                      });
              return null;
            });
    PAssert.that(out.rejections())
        .satisfies(
            rejected -> {
              assertThat(rejected)
                  .singleElement()
                  .satisfies(
                      (Rejection r) -> {
                        assertThat(r.key()).isEqualTo("broken");
                        assertThat(r.reason().wireName()).isEqualTo("internal-error");
                        assertThat(r.detail()).contains("does not decode");
                      });
              return null;
            });
    p.run().waitUntilFinish();
  }

  /** 200 stored images, {@code broken} of them not images; 5 % may fail, after 50 per worker. */
  private static Pipeline fingerprintWithBroken(int broken) {
    List<Sample> samples = new java.util.ArrayList<>();
    byte[] jpeg = TestImages.jpeg(64, 48);
    for (int i = 0; i < 200; i++) {
      samples.add(
          Sample.builder("k" + i, "http://x/" + i + ".jpg")
              .image(i % (200 / broken) == 0 ? new byte[] {1, 2, 3, 4} : jpeg)
              .build());
    }
    org.apache.beam.sdk.options.PipelineOptions options = RunWinnow.options("flink", 2);
    ErrorBudget.Options budget = options.as(ErrorBudget.Options.class);
    budget.setMaxInternalErrorRate(0.05);
    budget.setInternalErrorRateAfter(50);
    Pipeline p = Pipeline.create(options);
    StageResult<Sample> out =
        p.apply(Create.of(samples).withCoder(new SampleCoder())).apply(FingerprintImages.create());
    PAssert.that(out.rejections())
        .satisfies(
            rejected -> {
              assertThat(rejected)
                  .hasSize(broken)
                  .allSatisfy(
                      r -> {
                        assertThat(r.reason().wireName()).isEqualTo("internal-error");
                        assertThat(r.stackTrace()).contains("at io.winnow.copydetect.Fingerprint");
                      });
              return null;
            });
    return p;
  }

  @Test
  void aStormOfInternalErrorsFailsTheJobWhileAFewAreRejections() {
    fingerprintWithBroken(2).run().waitUntilFinish(); // 1 %: rejections, within the budget

    Throwable storm = catchThrowable(() -> fingerprintWithBroken(20).run().waitUntilFinish());
    assertThat(storm).as("10 %% of the images failing").isNotNull();
    assertThat(io.winnow.cli.WinnowCli.systemicFailure(storm))
        .startsWith("fingerprint: ")
        .contains("images on one worker failed with an internal " + "error")
        .contains("more than the 5.0 % allowed")
        .contains("does not decode");
  }

  /** The NSFW pass's embedding survives only where the picture has no borders to trim. */
  @Test
  void anEarlierEmbeddingIsDroppedWhenThePictureIsTrimmed() {
    float[] earlier = {1, 0, 0};
    Sample plain =
        Sample.builder("plain", "http://x/plain.jpg")
            .image(TestImages.jpeg(256, 192))
            .originalSize(256, 192)
            .storedSize(256, 192)
            .embedding(earlier)
            .build();
    org.bytedeco.opencv.opencv_core.Mat framed =
        new org.bytedeco.opencv.opencv_core.Mat(
            192,
            256,
            org.bytedeco.opencv.global.opencv_core.CV_8UC3,
            new org.bytedeco.opencv.opencv_core.Scalar(255, 255, 255, 0));
    byte[] innerJpeg = TestImages.jpeg(176, 112);
    org.bytedeco.opencv.opencv_core.Mat inner =
        org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(
            new org.bytedeco.opencv.opencv_core.Mat(
                1,
                innerJpeg.length,
                org.bytedeco.opencv.global.opencv_core.CV_8UC1,
                new org.bytedeco.javacpp.BytePointer(innerJpeg)),
            org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR);
    inner.copyTo(
        new org.bytedeco.opencv.opencv_core.Mat(
            framed, new org.bytedeco.opencv.opencv_core.Rect(40, 40, 176, 112)));
    org.bytedeco.javacpp.BytePointer jpeg = new org.bytedeco.javacpp.BytePointer();
    org.bytedeco.opencv.global.opencv_imgcodecs.imencode(".jpg", framed, jpeg);
    byte[] bytes = new byte[(int) jpeg.limit()];
    jpeg.get(bytes);
    Sample bordered =
        Sample.builder("framed", "http://x/framed.jpg")
            .image(bytes)
            .originalSize(256, 192)
            .storedSize(256, 192)
            .embedding(earlier)
            .build();
    Pipeline p = Pipeline.create(RunWinnow.options("direct", 2));
    StageResult<Sample> out =
        p.apply(Create.of(List.of(plain, bordered)).withCoder(new SampleCoder()))
            .apply(FingerprintImages.create());
    PAssert.that(out.accepted())
        .satisfies(
            kept -> {
              assertThat(kept).hasSize(2);
              for (Sample s : kept) {
                if (s.key().equals("plain")) {
                  assertThat(s.embedding()).containsExactly(earlier);
                } else {
                  assertThat(s.embedding()).isNull();
                }
              }
              return null;
            });
    p.run().waitUntilFinish();
  }
}
