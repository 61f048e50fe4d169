package io.winnow.decode;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import io.winnow.testing.Pipelines;
import io.winnow.testing.TestImages;
import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

class DecodeImagesTest {
  private static Sample fetched(String key, byte[] bytes) {
    return Sample.builder(key, "http://example.com/" + key)
        .byteSize(bytes.length)
        .mimeType("image/jpeg")
        .image(bytes)
        .build();
  }

  @Test
  void keepsGoodImagesAndRejectsBadOnesWithTheirReason() {
    byte[] good = TestImages.jpeg(400, 300);
    Pipeline pipeline = Pipelines.direct();
    StageResult<Sample> out =
        pipeline
            .apply(
                Create.of(
                    fetched("good", good),
                    fetched("cut", Arrays.copyOf(good, 500)),
                    fetched("tiny", TestImages.png(10, 10))))
            .apply(
                DecodeImages.with(
                    DecodeSettings.defaults().withResize(100, ResizeMode.CENTER_CROP)));
    PAssert.that(
            out.accepted()
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            s ->
                                s.key()
                                    + " "
                                    + s.width()
                                    + "x"
                                    + s.height()
                                    + " from "
                                    + s.originalWidth()
                                    + "x"
                                    + s.originalHeight())))
        .containsInAnyOrder("good 100x100 from 400x300");
    PAssert.that(
            out.rejections()
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via((Rejection r) -> r.key() + " " + r.reason())))
        .containsInAnyOrder("cut " + Reason.TRUNCATED_IMAGE, "tiny " + Reason.IMAGE_TOO_SMALL);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void emptyInputGivesEmptyOutputs() {
    Pipeline pipeline = Pipelines.direct();
    StageResult<Sample> out =
        pipeline
            .apply(Create.empty(new SampleCoder()))
            .apply(DecodeImages.with(DecodeSettings.defaults()));
    PAssert.that(out.accepted()).empty();
    PAssert.that(out.rejections()).empty();
    pipeline.run().waitUntilFinish();
  }
}
