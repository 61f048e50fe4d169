package io.winnow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class ErrorBudgetTest {
  private static final Rejection ERROR =
      Rejection.ofError(
          "k", "http://x/broken.jpg", Stage.DECODE, new IllegalStateException("the codec broke"));
  private static final Rejection BAD_IMAGE =
      Rejection.of("k", "http://x/bad.jpg", Reason.CORRUPT_IMAGE, "not a JPEG");

  private static PipelineOptions options(double rate, long after) {
    ErrorBudget.Options options = PipelineOptionsFactory.as(ErrorBudget.Options.class);
    options.setMaxInternalErrorRate(rate);
    options.setInternalErrorRateAfter(after);
    return options;
  }

  @Test
  void theDefaultsAreOnePercentAfterAThousandImages() {
    ErrorBudget.Options defaults = PipelineOptionsFactory.as(ErrorBudget.Options.class);
    assertThat(defaults.getMaxInternalErrorRate()).isEqualTo(0.01);
    assertThat(defaults.getInternalErrorRateAfter()).isEqualTo(1_000);
  }

  @Test
  void errorsWithinTheRateAreRejectionsAndOneMoreFailsTheJob() {
    ErrorBudget budget = ErrorBudget.of("decode", options(0.01, 1_000));
    for (int i = 0; i < 10; i++) {
      budget.rejected(ERROR); // early errors: not judged before 1,000 images
    }
    for (int i = 0; i < 989; i++) {
      budget.passed();
    }
    assertThatCode(budget::passed).as("10 of 1,000").doesNotThrowAnyException();
    assertThatThrownBy(() -> budget.rejected(ERROR))
        .as("11 of 1,001")
        .isInstanceOf(ErrorBudget.SystemicFailure.class)
        .hasMessageContaining(
            "decode: 11 of 1,001 images on one worker failed with an internal "
                + "error (1.1 %, more than the 1.0 % allowed)")
        .hasMessageContaining("http://x/broken.jpg")
        .hasMessageContaining("java.lang.IllegalStateException: the codec broke")
        .hasMessageContaining("at io.winnow.schemas.ErrorBudgetTest");
  }

  @Test
  void aStormIsCaughtAsSoonAsEnoughImagesWereSeen() {
    ErrorBudget budget = ErrorBudget.of("embed", options(0.01, 100));
    for (int i = 0; i < 99; i++) {
      budget.rejected(ERROR);
    }
    assertThatThrownBy(() -> budget.rejected(ERROR))
        .isInstanceOf(ErrorBudget.SystemicFailure.class)
        .hasMessageContaining("100 of 100");
  }

  @Test
  void rejectionsForWhatTheImageIsAreNotErrors() {
    ErrorBudget budget = ErrorBudget.of("decode", options(0.0, 10));
    for (int i = 0; i < 1_000; i++) {
      budget.rejected(BAD_IMAGE);
    }
    Rejection faceCheck =
        Rejection.ofFailure(
            "k", "u", Reason.FACE_CHECK_FAILED, new RuntimeException("detector crashed"));
    assertThat(faceCheck.stackTrace()).contains("detector crashed");
    assertThatThrownBy(() -> budget.rejected(faceCheck))
        .isInstanceOf(ErrorBudget.SystemicFailure.class);
  }

  @Test
  void theRunAsAWholeIsHeldToTheSameRate() {
    Map<String, Map<String, Long>> spread =
        Map.of(
            "decode", Map.of("internal-error", 6L, "corrupt-image", 500L),
            "embed", Map.of("internal-error", 5L));
    assertThatThrownBy(() -> ErrorBudget.checkRun(1_000, spread, options(0.01, 1_000)))
        .isInstanceOf(ErrorBudget.SystemicFailure.class)
        .hasMessageContaining("11 of 1,000 images ended as internal errors")
        .hasMessageContaining("decode 6")
        .hasMessageContaining("embed 5");
    assertThatCode(() -> ErrorBudget.checkRun(1_100, spread, options(0.01, 1_000)))
        .as("11 of 1,100")
        .doesNotThrowAnyException();
    assertThatCode(() -> ErrorBudget.checkRun(999, spread, options(0.01, 1_000)))
        .as("a run smaller than the minimum")
        .doesNotThrowAnyException();
  }

  @Test
  void aRateOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> ErrorBudget.of("x", options(1.5, 10)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
