package io.winnow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class RecordsTest {
  @Test
  void sampleSurvivesItsCoderWithImageAndEmbedding() throws Exception {
    Sample sample =
        Sample.builder("k1", "http://example.com/a.jpg")
            .caption("a cat")
            .source("urls.csv", 3)
            .httpStatus(200)
            .sha256("00ff")
            .byteSize(10)
            .originalSize(640, 480)
            .storedSize(256, 192)
            .nsfwScores(Map.of("porn", 0.01f))
            .faces(List.of(new FaceBox(1, 2, 3, 4, 0.9f)))
            .seedMatch(List.of(new SeedMatch("imagenet", List.of("s1"), 0.8f, null)))
            .image(new byte[] {1, 2, 3})
            .embedding(new float[] {0.6f, 0.8f})
            .fingerprint(new byte[] {7, 8})
            .contentBox(new ContentBox(0, 32, 256, 192))
            .build();
    Sample back = CoderUtils.clone(new SampleCoder(), sample);
    assertThat(back).isEqualTo(sample);
    assertThat(back.embedding()).containsExactly(0.6f, 0.8f);
    assertThat(back.image()).containsExactly(1, 2, 3);
    assertThat(back.fingerprint()).containsExactly(7, 8);
    assertThat(back.contentBox()).isEqualTo(new ContentBox(0, 32, 256, 192));
    assertThat(back.toJson()).as("a stage-to-stage hand-over, not exported").doesNotContain("32");
  }

  @Test
  void sampleWithoutOptionalPartsRoundTrips() throws Exception {
    Sample bare = Sample.builder("k2", "http://example.com/b.jpg").build();
    Sample back = CoderUtils.clone(new SampleCoder(), bare);
    assertThat(back).isEqualTo(bare);
    assertThat(back.image()).isNull();
    assertThat(back.embedding()).isNull();
    assertThat(back.contentBox()).isNull();
    assertThat(back.status()).isEqualTo("success");
  }

  @Test
  void rejectionsUseStableWireNames() throws Exception {
    Rejection r = Rejection.of("k", "http://x/y.jpg", Reason.HTTP_NOT_FOUND, "HTTP 404");
    assertThat(r.stage()).isEqualTo(Stage.FETCH);
    String json = Json.write(r);
    assertThat(json)
        .contains("\"stage\":\"fetch\"", "\"reason\":\"http-not-found\"")
        .doesNotContain("stack_trace");
    assertThat(CoderUtils.clone(new Rejection.Coder(), r)).isEqualTo(r);
    assertThat(Json.read(json, Rejection.class)).isEqualTo(r);
  }

  @Test
  void errorsKeepTheirStackTrace() {
    Rejection r = Rejection.ofError("k", "u", Stage.DECODE, new IllegalStateException("boom"));
    assertThat(r.reason()).isEqualTo(Reason.INTERNAL_ERROR);
    assertThat(r.stackTrace()).contains("IllegalStateException: boom").contains("RecordsTest");
  }

  @Test
  void aReasonCannotBeFiledUnderAnotherStage() {
    assertThatThrownBy(() -> new Rejection("k", "u", Stage.DECODE, Reason.HTTP_NOT_FOUND, "", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FETCH");
  }

  @Test
  void summaryBalancesOnlyWhenEveryUrlIsAccountedFor() {
    RunSummary balanced =
        RunSummary.fromMetrics(
            Map.of(
                "input",
                5L,
                "accepted",
                3L,
                "rejected/fetch/timeout",
                1L,
                "rejected/read/duplicate-url",
                1L));
    assertThat(balanced.balanced()).isTrue();
    assertThat(balanced.rejectedByStage()).containsEntry("fetch", 1L).containsEntry("read", 1L);
    RunSummary lost =
        RunSummary.fromMetrics(Map.of("input", 5L, "accepted", 3L, "rejected/fetch/timeout", 1L));
    assertThat(lost.balanced()).isFalse();
  }
}
