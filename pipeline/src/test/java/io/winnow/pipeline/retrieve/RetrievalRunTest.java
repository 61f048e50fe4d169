package io.winnow.pipeline.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.pipeline.RetrievalSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.crawl.FetchSettings;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.pipeline.export.WebDatasetReader;
import io.winnow.pipeline.testing.RunOutputs;
import io.winnow.retrieval.SeedSetSpec;

import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import java.io.InputStream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole run with a seed set: only what the seeds select is written; the rest is accounted. */
class RetrievalRunTest {
  @TempDir Path dir;

  @Test
  void aCatSeedRetrievesTheCatAndTheRestEndsNotRetrieved() throws Exception {
    Path seeds = Files.createDirectories(dir.resolve("cats"));
    try (InputStream in = DemoServer.class.getResourceAsStream(
        "/demo/images/chelsea_near_duplicate.jpg")) {
      Files.copy(in, seeds.resolve("smaller-cat.jpg"));
    }
    try (DemoServer server = DemoServer.start()) {
      List<String> names = List.of("astronaut.jpg", "coffee.jpg", "chelsea.jpg", "rocket.jpg",
          "brick.jpg", "grass.jpg");
      Path urls = Files.write(dir.resolve("urls.txt"),
          names.stream().map(n -> server.baseUrl() + "/images/" + n).toList());
      WinnowConfig config = WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
          .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
          .withRetrieval(new RetrievalSettings(List.of(SeedSetSpec.knn("cats", seeds.toString(),
              1)), null));
      RunSummary summary = RunWinnow.run(config, RunWinnow.options("flink", 2), null, false);
      assertThat(summary.balanced()).isTrue();
      assertThat(summary.accepted()).isEqualTo(1);

      List<Sample> kept = new ArrayList<>();
      for (Path shard : WebDatasetReader.shards(dir.resolve("out"), "shard")) {
        WebDatasetReader.read(shard, kept::add);
      }
      assertThat(kept).singleElement().satisfies(s -> {
        assertThat(s.url()).endsWith("/images/chelsea.jpg");
        assertThat(s.seedMatch()).singleElement().satisfies(m -> {
          assertThat(m.seedSet()).isEqualTo("cats");
          assertThat(m.seedKeys()).containsExactly("cats/smaller-cat.jpg");
          assertThat(m.similarity()).isGreaterThan(0.9f);
        });
      });
      List<Rejection> rejections = RunOutputs.rejections(dir.resolve("out/rejections"));
      assertThat(rejections).hasSize(5).allSatisfy(r -> {
        assertThat(r.reason().wireName()).isEqualTo("not-retrieved");
        assertThat(r.detail()).isEqualTo("selected by no seed set [cats]");
      });
    }
  }
}
