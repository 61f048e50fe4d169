package io.winnow.pipeline.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.UrlNormalizer;
import io.winnow.dataset.DatasetDir;
import io.winnow.dataset.DatasetIndex;
import io.winnow.dataset.Manifest;
import io.winnow.dataset.ReadDatasetVectors;
import io.winnow.dataset.SeenUrl;
import io.winnow.dataset.Takedown;
import io.winnow.export.WebDatasetReader;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.Digests;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioned datasets: refreshes with overlap, crashes before the commit, takedowns, resume. */
class RefreshDatasetTest {
  private static DemoServer server;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    server = DemoServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private Path urls(String name, String... images) throws IOException {
    return Files.write(
        dir.resolve(name),
        List.of(images).stream().map(i -> server.baseUrl() + "/images/" + i).toList());
  }

  private static WinnowConfig config(Path input) {
    return WinnowConfig.of(List.of(input.toString()), "unused")
        .withFetch(FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint())))
        .withSamplesPerShard(2);
  }

  private static Manifest refresh(
      Path dataset, Path input, int batches, RefreshDataset.Checkpoint checkpoint)
      throws IOException {
    return refresh(dataset, config(input), batches, checkpoint);
  }

  private static Manifest refresh(
      Path dataset, WinnowConfig config, int batches, RefreshDataset.Checkpoint checkpoint)
      throws IOException {
    return RefreshDataset.refresh(
        config,
        dataset,
        batches,
        RefreshDataset.DEFAULT_RETRY_SECONDS,
        RunWinnow.options("flink", 2),
        null,
        checkpoint);
  }

  /** Every sample of a version, by key → URL, read from the shards its manifest names. */
  private static Map<String, String> samples(Path dataset, int version) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (DatasetDir d = DatasetDir.openForReading(dataset)) {
      for (Manifest.Shard shard : d.manifest(version).shards()) {
        Path tar = d.shards().resolve(shard.name() + ".tar");
        assertThat(DatasetDir.sha256(tar)).isEqualTo(shard.tarSha256());
        List<Sample> read = new ArrayList<>();
        WebDatasetReader.read(tar, read::add);
        assertThat(read).hasSize((int) shard.samples());
        read.forEach(s -> all.put(s.key(), s.url()));
        // The embeddings index of the shard matches it row for row.
        assertThat(ReadDatasetVectors.keys(d.shards().resolve(shard.name() + ".parquet")))
            .containsExactlyElementsOf(read.stream().map(Sample::key).toList());
      }
    }
    return all;
  }

  private static List<Rejection> rejections(Path dataset, int version) throws IOException {
    List<Rejection> all = new ArrayList<>();
    try (var batches = Files.list(dataset.resolve("runs").resolve(Manifest.versionName(version)))) {
      for (Path batch : batches.filter(Files::isDirectory).toList()) {
        io.winnow.report.RunReport.forEachRejection(batch.resolve("rejections"), all::add);
      }
    }
    return all;
  }

  private String key(String image) {
    return SampleKeys.forNormalizedUrl(
        UrlNormalizer.normalize(server.baseUrl() + "/images/" + image).url());
  }

  @Test
  void aRefreshSkipsSeenUrlsDropsNearCopiesOfOldImagesAndAppends() throws Exception {
    Path dataset = dir.resolve("dataset");
    Manifest v1 =
        refresh(
            dataset,
            urls("v1.txt", "astronaut.jpg", "coffee.jpg", "chelsea.jpg", "rocket.jpg", "brick.jpg"),
            2,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.samples()).isEqualTo(5);
    assertThat(v1.summary().balanced()).isTrue();
    Map<String, String> first = samples(dataset, 1);

    Manifest v2 =
        refresh(
            dataset,
            urls(
                "v2.txt",
                "coffee.jpg",
                "rocket.jpg",
                "chelsea_near_duplicate.jpg",
                "grass.jpg",
                "horse.png"),
            2,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v2.parent()).isEqualTo(1);
    assertThat(v2.summary().input()).isEqualTo(5);
    assertThat(v2.summary().accepted()).isEqualTo(2);
    assertThat(v2.summary().balanced()).isTrue();
    Map<String, Rejection> rejected = new TreeMap<>();
    rejections(dataset, 2).forEach(r -> rejected.put(r.url().replaceAll(".*/", ""), r));
    assertThat(rejected).containsOnlyKeys("coffee.jpg", "rocket.jpg", "chelsea_near_duplicate.jpg");
    assertThat(rejected.get("coffee.jpg").reason().wireName()).isEqualTo("already-seen");
    assertThat(rejected.get("coffee.jpg").detail()).isEqualTo("accepted in v000001");
    Rejection near = rejected.get("chelsea_near_duplicate.jpg");
    assertThat(near.reason().wireName()).isEqualTo("near-duplicate");
    assertThat(near.detail())
        .startsWith("near-duplicate of " + key("chelsea.jpg"))
        .endsWith("already in the dataset)");

    // Old shards are kept as they were; the new version adds its own.
    Map<String, String> second = samples(dataset, 2);
    assertThat(second)
        .hasSize(7)
        .containsAllEntriesOf(first)
        .containsKeys(key("grass.jpg"), key("horse.png"));
    assertThat(v2.shards()).containsAll(v1.shards());
    assertThat(samples(dataset, 1)).isEqualTo(first);
    // One report for the refresh, over both batches.
    String report = Files.readString(dataset.resolve("runs/v000002/report/index.html"));
    assertThat(report)
        .contains("5 URLs · 2 accepted · 3 rejected")
        .contains("already-seen")
        .contains("chelsea_near_duplicate.jpg");
    // `winnow report DATASET` rebuilds it.
    Files.delete(dataset.resolve("runs/v000002/report/index.html"));
    assertThat(io.winnow.cli.WinnowCli.execute("report", dataset.toString())).isZero();
    assertThat(Files.readString(dataset.resolve("runs/v000002/report/index.html")))
        .isEqualTo(report);

    // The same input again: nothing new, no request made, nothing lost.
    Manifest v3 = refresh(dataset, dir.resolve("v2.txt"), 2, RefreshDataset.Checkpoint.NONE);
    assertThat(v3.summary().accepted()).isZero();
    assertThat(v3.summary().rejectedByReason().get("read")).containsEntry("already-seen", 5L);
    assertThat(samples(dataset, 3)).isEqualTo(second);
    try (DatasetDir d = DatasetDir.openForReading(dataset)) {
      assertThat(d.versions()).extracting(Manifest::version).containsExactly(1, 2, 3);
      assertThat(d.current()).isEqualTo(3);
    }
  }

  @Test
  void aCrashBeforeTheCommitLeavesTheOldVersionAndTheRerunResumes() throws Exception {
    Path dataset = dir.resolve("dataset");
    Path v1Urls = urls("v1.txt", "astronaut.jpg", "coffee.jpg", "chelsea.jpg");
    refresh(dataset, v1Urls, 1, RefreshDataset.Checkpoint.NONE);
    Map<String, String> first = samples(dataset, 1);
    Path v2Urls =
        urls(
            "v2.txt",
            "rocket.jpg",
            "brick.jpg",
            "grass.jpg",
            "horse.png",
            "chelsea_near_duplicate.jpg",
            "camera.jpg");

    assertThatThrownBy(
            () ->
                refresh(
                    dataset,
                    v2Urls,
                    3,
                    point -> {
                      if (point.equals("before-commit")) {
                        throw new IOException("simulated crash at " + point);
                      }
                    }))
        .hasMessageContaining("simulated crash");
    try (DatasetDir d = DatasetDir.openForReading(dataset)) {
      assertThat(d.current()).isEqualTo(1);
      assertThat(d.versions()).hasSize(1);
    }
    assertThat(samples(dataset, 1)).isEqualTo(first);

    // The re-run does no batch again and commits what an uninterrupted refresh gives.
    List<String> redone = new ArrayList<>();
    Manifest resumed = refresh(dataset, v2Urls, 3, point -> redone.add(point));
    assertThat(redone).containsExactly("before-commit");
    Path other = dir.resolve("uninterrupted");
    refresh(other, v1Urls, 1, RefreshDataset.Checkpoint.NONE);
    refresh(other, v2Urls, 3, RefreshDataset.Checkpoint.NONE);
    assertThat(samples(dataset, 2)).isEqualTo(samples(other, 2));
    assertThat(resumed.summary().input()).isEqualTo(6);
    assertThat(resumed.summary().balanced()).isTrue();
  }

  @Test
  void aCommitThatFailsSaysHowToFinishOrDiscardItAndTheRerunFinishesIt() throws Exception {
    Path dataset = dir.resolve("failed-commit");
    refresh(dataset, urls("c1.txt", "astronaut.jpg"), 1, RefreshDataset.Checkpoint.NONE);
    Path v2Urls = urls("c2.txt", "rocket.jpg", "brick.jpg");
    Path seenLog;
    try (DatasetDir d = DatasetDir.openForReading(dataset)) {
      seenLog = d.seenLog(2);
    }
    // Something in the way of the version's seen log: the commit cannot publish it.
    RefreshDataset.Checkpoint obstruct =
        point -> {
          if (point.equals("before-commit")) {
            Files.createDirectories(seenLog.resolve("in-the-way"));
          }
        };

    assertThatThrownBy(() -> refresh(dataset, v2Urls, 1, obstruct))
        .hasMessageContaining("the commit of v000002 failed, and the dataset is still at v000001")
        .hasMessageContaining("run the same command again to finish it")
        .hasMessageContaining("or delete that folder to discard them");
    try (DatasetDir d = DatasetDir.openForReading(dataset)) {
      assertThat(d.current()).isEqualTo(1);
    }
    assertThat(samples(dataset, 1)).hasSize(1);

    DatasetDir.deleteTree(seenLog);
    List<String> redone = new ArrayList<>();
    Manifest finished = refresh(dataset, v2Urls, 1, point -> redone.add(point));
    assertThat(redone).containsExactly("before-commit");
    assertThat(finished.version()).isEqualTo(2);
    assertThat(samples(dataset, 2)).hasSize(3);
  }

  @Test
  void aRefreshInterruptedAfterABatchContinuesWithTheNext() throws Exception {
    Path dataset = dir.resolve("dataset");
    Path input =
        urls(
            "v1.txt",
            "astronaut.jpg",
            "coffee.jpg",
            "chelsea.jpg",
            "rocket.jpg",
            "brick.jpg",
            "grass.jpg");
    assertThatThrownBy(
            () ->
                refresh(
                    dataset,
                    input,
                    3,
                    point -> {
                      if (point.equals("batch-done-1")) {
                        throw new IOException("killed after " + point);
                      }
                    }))
        .hasMessageContaining("killed");
    Path work = dataset.resolve("work/v000001");
    String batch0 = Files.readString(work.resolve("batch-00000/.done"));
    List<String> points = new ArrayList<>();
    Manifest v1 = refresh(dataset, input, 3, points::add);
    assertThat(points).containsExactly("batch-done-2", "before-commit");
    assertThat(Files.readString(dataset.resolve("runs/v000001/batch-00000/.done")))
        .isEqualTo(batch0);
    assertThat(v1.samples()).isEqualTo(6);
    assertThat(v1.summary().balanced()).isTrue();
    // A different refresh while one is unfinished is refused, not mixed with it.
    Path next = urls("v2.txt", "horse.png", "camera.jpg");
    assertThatThrownBy(
            () ->
                refresh(
                    dataset,
                    next,
                    2,
                    point -> {
                      throw new IOException("killed after " + point);
                    }))
        .hasMessageContaining("killed");
    assertThatThrownBy(() -> refresh(dataset, input, 2, RefreshDataset.Checkpoint.NONE))
        .hasMessageContaining("an interrupted refresh with other arguments");
  }

  @Test
  void aTakedownRewritesOnlyTheShardsThatHeldTheSamplesAndIsNeverUndone() throws Exception {
    Path dataset = dir.resolve("dataset");
    // One sample per shard at most, so the three removals are in three shards. Keys depend on
    // the server's port, so which shards fill is chance: twelve samples in twelve shards leave
    // fewer than four shards about once in 100,000 runs (eight in eight: twice in a hundred).
    Manifest v1 =
        refresh(
            dataset,
            config(
                    urls(
                        "v1.txt",
                        "astronaut.jpg",
                        "coffee.jpg",
                        "chelsea.jpg",
                        "rocket.jpg",
                        "brick.jpg",
                        "grass.jpg",
                        "horse.png",
                        "camera.jpg",
                        "gravel.jpg",
                        "retina.jpg",
                        "hubble_deep_field.jpg",
                        "clock_motion.jpg"))
                .withSamplesPerShard(1),
            1,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v1.shards()).hasSizeGreaterThanOrEqualTo(4);
    // Two samples in different shards by key, one by URL.
    Map<String, String> before = samples(dataset, 1);
    List<String> byShard = new ArrayList<>();
    for (Manifest.Shard s : v1.shards()) {
      byShard.add(
          ReadDatasetVectors.keys(dataset.resolve("shards/" + s.name() + ".parquet")).get(0));
    }
    Path keys = Files.write(dir.resolve("keys.txt"), List.of(byShard.get(0), byShard.get(1)));
    String url = before.get(byShard.get(2));
    Path urlList = Files.write(dir.resolve("urls.txt"), List.of(url));
    Manifest v2 =
        Takedown.run(
            dataset,
            new Takedown.Request(Takedown.readKeys(keys), List.of(urlList.toString()), "test"),
            false);

    Map<String, String> after = samples(dataset, 2);
    assertThat(after)
        .hasSize(before.size() - 3)
        .doesNotContainKeys(byShard.get(0), byShard.get(1), byShard.get(2));
    assertThat(v2.removedSamples()).isEqualTo(3);
    long untouched = v1.shards().stream().filter(v2.shards()::contains).count();
    assertThat(untouched).isEqualTo(v1.shards().size() - 3);
    List<Takedown.Logged> log = new ArrayList<>();
    for (String line : Files.readAllLines(dataset.resolve("takedowns.jsonl"))) {
      log.add(Json.read(line, Takedown.Logged.class));
    }
    assertThat(log)
        .extracting(Takedown.Logged::key)
        .containsExactlyInAnyOrder(byShard.get(0), byShard.get(1), byShard.get(2));
    // The replaced files are gone, so the images are.
    for (Manifest.Shard s : v1.shards()) {
      assertThat(Files.exists(dataset.resolve("shards/" + s.name() + ".tar")))
          .isEqualTo(v2.shards().contains(s));
    }
    // A refresh listing a taken-down URL skips it.
    Manifest v3 =
        RefreshDataset.refresh(
            config(urlList),
            dataset,
            1,
            0,
            RunWinnow.options("flink", 2),
            null,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v3.summary().accepted()).isZero();
    assertThat(rejections(dataset, 3))
        .singleElement()
        .satisfies(r -> assertThat(r.detail()).isEqualTo("taken down in v000002"));
    assertThat(new TreeSet<>(samples(dataset, 3).keySet())).isEqualTo(after.keySet());
  }

  @Test
  void aTakenDownImageLeavesTheIndexSoANearCopyOfItIsNewAgain() throws Exception {
    Path dataset = dir.resolve("dataset");
    refresh(
        dataset,
        urls("v1.txt", "chelsea.jpg", "coffee.jpg", "rocket.jpg"),
        1,
        RefreshDataset.Checkpoint.NONE);
    String cat = key("chelsea.jpg");
    assertThat(indexedKeys(dataset, 1)).contains(cat).hasSize(3);
    Takedown.run(dataset, new Takedown.Request(Set.of(cat), List.of(), "test"), false);
    assertThat(indexedKeys(dataset, 1)).doesNotContain(cat).hasSize(2);
    Manifest v3 =
        refresh(
            dataset,
            urls("v3.txt", "chelsea_near_duplicate.jpg"),
            1,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v3.summary().accepted()).isEqualTo(1);
    assertThat(indexedKeys(dataset, 1)).contains(key("chelsea_near_duplicate.jpg")).hasSize(3);
  }

  @Test
  void knownBadHashListsTakeDownExistingSamplesAndKeepRefusingNewCopies() throws Exception {
    Path dataset = dir.resolve("dataset");
    refresh(
        dataset,
        urls("v1.txt", "coffee.jpg", "rocket.jpg", "brick.jpg", "chelsea.jpg"),
        1,
        RefreshDataset.Checkpoint.NONE);
    // A takedown by hash: rocket's downloaded bytes, and the cat photo's PDQ (matched against
    // the stored picture's pdq column).
    Path hashes =
        Files.write(
            dir.resolve("hotline.txt"),
            List.of(
                "# hotline",
                "sha256:" + Digests.sha256Hex(demo("rocket.jpg")),
                "pdq:"
                    + io.winnow.pipeline.testing.DemoImages.pdqOf(demo("chelsea.jpg"), false)
                        .hex()));
    Manifest v2 =
        Takedown.run(
            dataset,
            new Takedown.Request(Set.of(), List.of(), List.of(hashes.toString()), "hotline"),
            false);
    assertThat(v2.removedSamples()).isEqualTo(2);
    assertThat(samples(dataset, 2)).containsOnlyKeys(key("coffee.jpg"), key("brick.jpg"));
    assertThat(Files.readString(dataset.resolve("takedowns.jsonl")))
        .contains("line 2 (sha256)")
        .contains("line 3 (pdq, distance ");
    // The list is kept with the dataset: a smaller copy of the cat under a new URL is refused.
    Manifest v3 =
        refresh(
            dataset,
            urls("v3.txt", "chelsea_near_duplicate.jpg"),
            1,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v3.summary().accepted()).isZero();
    assertThat(rejections(dataset, 3))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason().wireName()).isEqualTo("known-bad-image");
              assertThat(r.detail()).contains("line 3 (pdq, distance ");
            });
    // A list given to a refresh applies to existing samples, by MD5 too.
    Path md5 =
        Files.write(dir.resolve("md5.txt"), List.of("md5:" + Digests.md5Hex(demo("coffee.jpg"))));
    Manifest v4 =
        refresh(
            dataset,
            config(urls("v4.txt", "grass.jpg"))
                .withFilter(
                    io.winnow.filters.FilterSettings.defaults()
                        .withKnownBadLists(List.of(md5.toString()))),
            1,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v4.removedSamples()).isEqualTo(1);
    assertThat(samples(dataset, 4)).containsOnlyKeys(key("brick.jpg"), key("grass.jpg"));
    assertThat(Files.readString(dataset.resolve("takedowns.jsonl")))
        .contains("known-bad lists of refresh v000004");
  }

  private static byte[] demo(String name) throws IOException {
    return io.winnow.pipeline.testing.DemoImages.bytes(name);
  }

  @Test
  void anOptOutListGivenToARefreshRemovesExistingSamplesToo() throws Exception {
    Path dataset = dir.resolve("dataset");
    refresh(
        dataset,
        urls("v1.txt", "coffee.jpg", "rocket.jpg", "brick.jpg"),
        1,
        RefreshDataset.Checkpoint.NONE);
    Path optOut =
        Files.write(dir.resolve("opt-out.txt"), List.of(server.baseUrl() + "/images/coffee.jpg"));
    Manifest v2 =
        refresh(
            dataset,
            config(urls("v2.txt", "grass.jpg"))
                .withFilter(
                    io.winnow.filters.FilterSettings.defaults()
                        .withLists(List.of(), List.of(), List.of(optOut.toString()))),
            1,
            RefreshDataset.Checkpoint.NONE);
    assertThat(v2.removedSamples()).isEqualTo(1);
    assertThat(samples(dataset, 2))
        .doesNotContainKey(key("coffee.jpg"))
        .containsKeys(key("grass.jpg"), key("rocket.jpg"), key("brick.jpg"));
    assertThat(indexedKeys(dataset, 1)).doesNotContain(key("coffee.jpg"));
    assertThat(Files.readString(dataset.resolve("takedowns.jsonl")))
        .contains(key("coffee.jpg"))
        .contains("opt-out list of refresh v000002");
    Manifest v3 = refresh(dataset, urls("v3.txt", "coffee.jpg"), 1, RefreshDataset.Checkpoint.NONE);
    assertThat(rejections(dataset, 3))
        .singleElement()
        .satisfies(r -> assertThat(r.detail()).isEqualTo("taken down in v000002"));
    assertThat(v3.samples()).isEqualTo(3);
  }

  @Test
  void anOutgrownIndexIsRetrainedAsANewGenerationAndStillFindsOldImages() throws Exception {
    Path dataset = dir.resolve("dataset");
    System.setProperty("winnow.index.rebuild-above", "3");
    try {
      Manifest v1 =
          refresh(
              dataset,
              urls("v1.txt", "chelsea.jpg", "coffee.jpg", "rocket.jpg"),
              1,
              RefreshDataset.Checkpoint.NONE);
      assertThat(v1.index().generation()).isEqualTo(1);
      Manifest v2 =
          refresh(dataset, urls("v2.txt", "grass.jpg"), 1, RefreshDataset.Checkpoint.NONE);
      assertThat(v2.index().generation()).isEqualTo(2);
      assertThat(dataset.resolve("index/g000001")).doesNotExist();
      assertThat(indexedKeys(dataset, 2)).hasSize(4).contains(key("chelsea.jpg"));
      Manifest v3 =
          refresh(
              dataset,
              urls("v3.txt", "chelsea_near_duplicate.jpg"),
              1,
              RefreshDataset.Checkpoint.NONE);
      assertThat(v3.summary().accepted()).isZero();
      assertThat(rejections(dataset, 3))
          .singleElement()
          .satisfies(
              r -> assertThat(r.detail()).startsWith("near-duplicate of " + key("chelsea.jpg")));
    } finally {
      System.clearProperty("winnow.index.rebuild-above");
    }
  }

  @Test
  void transientFailuresAreRetriedOnceOldEnoughAndNothingElseIs() {
    long now = java.time.Instant.parse("2026-11-26T12:00:00Z").getEpochSecond();
    long week = 7 * 24 * 3600;
    SeenUrl oldFailure =
        new SeenUrl(
            "k",
            "http://x/a.jpg",
            1,
            SeenUrl.REJECTED,
            "http-server-error",
            "2026-11-18T12:00:00Z");
    SeenUrl newFailure =
        new SeenUrl("k", "http://x/a.jpg", 1, SeenUrl.REJECTED, "timeout", "2026-11-25T12:00:00Z");
    assertThat(oldFailure.retryable(week, now)).isTrue();
    assertThat(oldFailure.retryable(-1, now)).as("never").isFalse();
    assertThat(newFailure.retryable(week, now)).isFalse();
    assertThat(newFailure.retryable(0, now)).isTrue();
    assertThat(
            new SeenUrl("k", "u", 1, SeenUrl.REJECTED, "http-not-found", "2026-01-01T00:00:00Z")
                .retryable(week, now))
        .as("permanent")
        .isFalse();
    assertThat(
            new SeenUrl("k", "u", 1, SeenUrl.ACCEPTED, null, "2026-01-01T00:00:00Z")
                .retryable(0, now))
        .isFalse();
    assertThat(
            new SeenUrl("k", "u", 1, SeenUrl.TAKEN_DOWN, null, "2026-01-01T00:00:00Z")
                .retryable(0, now))
        .isFalse();
  }

  /** The keys in the live list files of an index generation. */
  private static List<String> indexedKeys(Path dataset, int generation) throws IOException {
    List<String> keys = new ArrayList<>();
    Path lists = DatasetIndex.lists(DatasetIndex.generation(dataset, generation));
    int current;
    try (DatasetDir d = DatasetDir.openForReading(dataset)) {
      current = d.current();
    }
    try (var partitions = Files.list(lists)) {
      for (Path partition : partitions.toList()) {
        for (Path list : DatasetIndex.liveLists(partition, current)) {
          keys.addAll(DatasetIndex.read(list).keys());
        }
      }
    }
    return keys;
  }
}
