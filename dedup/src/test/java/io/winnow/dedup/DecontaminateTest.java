package io.winnow.dedup;

import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoinTest;
import io.winnow.knn.TestVectors;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

class DecontaminateTest {
  private static final int D = 16;

  @Test
  void removesPoolImagesAtOrAboveTheEvalThreshold() {
    Random r = new Random(11);
    float[] eval = TestVectors.random(D, r);
    float[] close = TestVectors.atCosine(eval, 0.5, TestVectors.random(D, r));
    float[] atThreshold = TestVectors.atCosine(eval, 0.45, TestVectors.random(D, r));
    float threshold = KeyedVector.dot(eval, atThreshold);
    float[] far = TestVectors.atCosine(eval, 0.1, TestVectors.random(D, r));
    Pipeline p = KnnJoinTest.pipeline();
    PCollection<KeyedVector> evalSet =
        p.apply(
            "Eval",
            Create.of(new KeyedVector("val/0001.jpg", eval)).withCoder(new KeyedVector.Coder()));
    StageResult<Sample> out =
        p.apply(
                "Pool",
                Create.of(
                        List.of(
                            DropNearDuplicatesTest.sample("close", "s1", 10, close),
                            DropNearDuplicatesTest.sample("edge", "s2", 10, atThreshold),
                            DropNearDuplicatesTest.sample("far", "s3", 10, far)))
                    .withCoder(new SampleCoder()))
            .apply(Decontaminate.against(evalSet, D, threshold));
    PAssert.that(
            out.accepted()
                .apply("Kept", MapElements.into(TypeDescriptors.strings()).via(Sample::key)))
        .containsInAnyOrder("far");
    PAssert.that(
            out.rejections()
                .apply(
                    "Removed",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (Rejection x) ->
                                x.key()
                                    + " "
                                    + x.reason().wireName()
                                    + " "
                                    + x.detail().replaceAll("cosine [0-9.]+", "cosine C"))))
        .containsInAnyOrder(
            "close contaminated within cosine C of eval image val/0001.jpg",
            "edge contaminated within cosine C of eval image val/0001.jpg");
    p.run().waitUntilFinish();
  }

  @Test
  void noEvalImagesKeepsEverything() {
    Pipeline p = KnnJoinTest.pipeline();
    PCollection<KeyedVector> none = p.apply("Eval", Create.empty(new KeyedVector.Coder()));
    StageResult<Sample> out =
        p.apply(
                "Pool",
                Create.of(
                        List.of(
                            DropNearDuplicatesTest.sample(
                                "a", "s1", 10, TestVectors.random(D, new Random(1)))))
                    .withCoder(new SampleCoder()))
            .apply(Decontaminate.against(none, D, 0.45));
    PAssert.that(
            out.accepted()
                .apply("Kept", MapElements.into(TypeDescriptors.strings()).via(Sample::key)))
        .containsInAnyOrder("a");
    PAssert.that(out.rejections()).empty();
    p.run().waitUntilFinish();
  }
}
