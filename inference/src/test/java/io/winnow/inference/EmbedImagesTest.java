package io.winnow.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import io.winnow.testing.Pipelines;
import io.winnow.testing.TestImages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

class EmbedImagesTest {
  private static Sample stored(String key, byte[] jpeg, int w, int h) {
    return Sample.builder(key, "http://example.com/" + key)
        .image(jpeg)
        .originalSize(w, h)
        .storedSize(w, h)
        .build();
  }

  private static List<Sample> images(int n) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      samples.add(
          stored("k" + i, TestImages.jpeg(120 + 10 * i, 100 + 7 * i), 120 + 10 * i, 100 + 7 * i));
    }
    return samples;
  }

  private static EmbedSettings tinyVit(int batch) {
    return EmbedSettings.defaults()
        .withModel(ModelFixtures.tinyVit().toString())
        .withBatchSize(batch)
        .withThreads(1, 2);
  }

  @Test
  void embedsEveryImageAndRejectsWhatDoesNotDecode() {
    List<Sample> samples = new ArrayList<>(images(5));
    samples.add(stored("broken", new byte[] {1, 2, 3, 4}, 10, 10));
    Pipeline pipeline = Pipelines.direct();
    StageResult<Sample> out =
        pipeline.apply(Create.of(samples)).apply(EmbedImages.with(tinyVit(2)));
    PAssert.that(out.accepted())
        .satisfies(
            embedded -> {
              List<String> keys = new ArrayList<>();
              for (Sample s : embedded) {
                keys.add(s.key());
                assertThat(s.embedding()).hasSize(96);
                double norm = 0;
                for (float x : s.embedding()) {
                  norm += x * x;
                }
                assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
                assertThat(s.nsfwScores()).as("no unsafe classes in this model").isNull();
              }
              assertThat(keys).containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4");
              return null;
            });
    PAssert.that(
            out.rejections()
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via((Rejection r) -> r.key() + " " + r.reason())))
        .containsInAnyOrder("broken " + Reason.PREPROCESS_FAILED);
    pipeline.run().waitUntilFinish();
  }

  /** A sample that already has this model's embedding (the NSFW pass's) is not embedded again. */
  @Test
  void keepsAnEmbeddingAlreadyMadeAndEmbedsTheRest() {
    List<Sample> samples = new ArrayList<>(images(3));
    float[] made = new float[96];
    made[5] = 1;
    samples.set(1, samples.get(1).toBuilder().embedding(made).build());
    Pipeline pipeline = Pipelines.direct();
    StageResult<Sample> out =
        pipeline.apply(Create.of(samples)).apply(EmbedImages.with(tinyVit(2)));
    PAssert.that(out.accepted())
        .satisfies(
            embedded -> {
              int count = 0;
              for (Sample s : embedded) {
                count++;
                if (s.key().equals("k1")) {
                  assertThat(s.embedding()).containsExactly(made);
                } else {
                  assertThat(s.embedding()).hasSize(96).isNotEqualTo(made);
                }
              }
              assertThat(count).isEqualTo(3);
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void batchSizeDoesNotChangeEmbeddings() {
    List<Sample> samples = images(7);
    Map<Integer, Map<String, float[]>> byBatch = new HashMap<>();
    for (int batch : new int[] {1, 3, 8}) {
      Pipeline pipeline = Pipelines.direct();
      // Batch 1 preprocesses then runs; 3 and 8 leave a core free, so they overlap the two.
      EmbedSettings settings = batch == 1 ? tinyVit(batch) : tinyVit(batch).withThreads(1, 1);
      StageResult<Sample> out =
          pipeline.apply(Create.of(samples)).apply(EmbedImages.with(settings));
      PAssert.that(out.accepted())
          .satisfies(
              embedded -> {
                Map<String, float[]> vectors = new HashMap<>();
                embedded.forEach(s -> vectors.put(s.key(), s.embedding()));
                Results.put(batch, vectors);
                return null;
              });
      pipeline.run().waitUntilFinish();
      byBatch.put(batch, Results.take(batch));
    }
    for (String key : byBatch.get(1).keySet()) {
      float[] one = byBatch.get(1).get(key);
      for (int batch : new int[] {3, 8}) {
        float[] other = byBatch.get(batch).get(key);
        for (int k = 0; k < one.length; k++) {
          assertThat(other[k]).isCloseTo(one[k], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
    }
  }

  @Test
  void overlapsPreprocessingOnlyWhereItDoesNotCompeteWithInference() {
    EmbedSettings cpu = EmbedSettings.defaults();
    assertThat(cpu.withThreads(0, 2).overlapsPreprocessing(2)).isFalse();
    assertThat(cpu.withThreads(2, 1).overlapsPreprocessing(2)).isFalse();
    assertThat(cpu.withThreads(1, 1).overlapsPreprocessing(2)).isTrue();
    assertThat(cpu.withProvider(ExecutionProvider.CUDA).withThreads(0, 2).overlapsPreprocessing(2))
        .isTrue();
  }

  @Test
  void theDefaultModelAlsoGivesClassScores() {
    Pipeline pipeline = Pipelines.direct();
    StageResult<Sample> out =
        pipeline
            .apply(Create.of(images(2)))
            .apply(EmbedImages.with(EmbedSettings.defaults().withBatchSize(4).withThreads(2, 1)));
    PAssert.that(out.accepted())
        .satisfies(
            embedded -> {
              for (Sample s : embedded) {
                assertThat(s.embedding()).hasSize(1280);
                assertThat(s.nsfwScores())
                    .containsOnlyKeys("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
                double total =
                    s.nsfwScores().values().stream().mapToDouble(Float::doubleValue).sum();
                assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
              }
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void emptyInputGivesEmptyOutputs() {
    Pipeline pipeline = Pipelines.direct();
    StageResult<Sample> out =
        pipeline.apply(Create.empty(new SampleCoder())).apply(EmbedImages.with(tinyVit(4)));
    PAssert.that(out.accepted()).empty();
    PAssert.that(out.rejections()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void aBadModelIsRefusedWhenThePipelineIsBuilt() {
    assertThatThrownBy(
            () -> EmbedImages.with(EmbedSettings.defaults().withModel("/nonexistent/model.json")))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model descriptor /nonexistent/model.json does not exist");
  }

  /** PAssert callbacks run inside the pipeline; results come back through this static map. */
  private static final class Results {
    private static final Map<Integer, Map<String, float[]>> BY_BATCH = new HashMap<>();

    static synchronized void put(int batch, Map<String, float[]> vectors) {
      BY_BATCH.put(batch, vectors);
    }

    static synchronized Map<String, float[]> take(int batch) {
      return BY_BATCH.remove(batch);
    }
  }
}
