package io.winnow.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleKeys;
import io.winnow.testing.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteWebDatasetTest {
  @TempDir Path dir;

  @Test
  void writesCompleteShardsInKeyOrderWithNothingLeftHalfWritten() throws Exception {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      samples.add(ShardWritingTest.sample(SampleKeys.forNormalizedUrl("http://x/" + i), "c" + i));
    }
    Pipeline pipeline = Pipelines.direct();
    PCollection<ShardStats> shards =
        pipeline
            .apply(Create.of(samples))
            .apply(WriteWebDataset.to(dir.toString()).withPrefix("part").withSamplesPerShard(10));
    PAssert.that(shards.apply(MapElements.into(TypeDescriptors.longs()).via(ShardStats::count)))
        .satisfies(
            counts -> {
              long total = 0;
              int n = 0;
              for (long c : counts) {
                total += c;
                n++;
              }
              assertThat(n).as("ceil(25 / 10) shards").isEqualTo(3);
              assertThat(total).isEqualTo(25);
              return null;
            });
    pipeline.run().waitUntilFinish();

    List<Path> tars = WebDatasetReader.shards(dir, "part");
    assertThat(tars)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("part-000000.tar", "part-000001.tar", "part-000002.tar");
    List<String> keys = new ArrayList<>();
    for (Path tar : tars) {
      List<String> inShard = new ArrayList<>();
      WebDatasetReader.read(tar, s -> inShard.add(s.key()));
      assertThat(inShard).isSorted();
      keys.addAll(inShard);
      String name = tar.getFileName().toString().replace(".tar", "");
      assertThat(dir.resolve(name + ".parquet")).exists();
      assertThat(dir.resolve(name + "_stats.json"))
          .content()
          .contains("\"count\" : " + inShard.size());
    }
    assertThat(keys)
        .containsExactlyInAnyOrderElementsOf(samples.stream().map(Sample::key).toList());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.contains("inprogress"));
    }
  }

  @Test
  void theSameSamplesInAnotherOrderGiveTheSameBytes() throws Exception {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      samples.add(
          ShardWritingTest.sample(SampleKeys.forNormalizedUrl("http://o/" + i), "c" + i).toBuilder()
              .embedding(new float[] {i, 1f / (i + 1)})
              .fetchedAt("2026-12-02T10:00:0" + (i % 10) + "Z")
              .build());
    }
    List<Sample> reversed = new ArrayList<>(samples);
    java.util.Collections.reverse(reversed);
    for (var run : List.of(Map.entry("first", samples), Map.entry("second", reversed))) {
      Pipeline pipeline = Pipelines.direct();
      pipeline
          .apply(Create.of(run.getValue()))
          .apply(WriteWebDataset.to(dir.resolve(run.getKey()).toString()).withSamplesPerShard(15));
      pipeline.run().waitUntilFinish();
    }
    List<String> files;
    try (Stream<Path> all = Files.list(dir.resolve("first"))) {
      // The stats files say when each shard was written; everything else is the samples'.
      files =
          all.map(p -> p.getFileName().toString())
              .filter(n -> !n.endsWith("_stats.json"))
              .sorted()
              .toList();
    }
    assertThat(files).hasSize(9); // 3 shards: tar, parquet, npy
    for (String name : files) {
      assertThat(dir.resolve("second").resolve(name))
          .as(name)
          .hasSameBinaryContentAs(dir.resolve("first").resolve(name));
    }
  }

  @Test
  void embeddingsGoToAnNpyFileInTheShardsRowOrder() throws Exception {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      samples.add(
          ShardWritingTest.sample(SampleKeys.forNormalizedUrl("http://e/" + i), "c" + i).toBuilder()
              .embedding(new float[] {i, -i, 0.5f})
              .build());
    }
    Pipeline pipeline = Pipelines.direct();
    pipeline
        .apply(Create.of(samples))
        .apply(WriteWebDataset.to(dir.toString()).withPrefix("emb").withSamplesPerShard(5));
    pipeline.run().waitUntilFinish();

    int rows = 0;
    for (Path tar : WebDatasetReader.shards(dir, "emb")) {
      List<String> keys = new ArrayList<>();
      WebDatasetReader.read(tar, s -> keys.add(s.key()));
      NpyFiles.Array npy;
      try (var in =
          Files.newInputStream(dir.resolve(tar.getFileName().toString().replace(".tar", ".npy")))) {
        npy = NpyFiles.read(in);
      }
      assertThat(npy.shape()).containsExactly(keys.size(), 3);
      for (int r = 0; r < keys.size(); r++) {
        String key = keys.get(r);
        Sample original =
            samples.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
        assertThat(npy.row(r)).containsExactly(original.embedding());
      }
      rows += keys.size();
    }
    assertThat(rows).isEqualTo(12);
  }
}
