package io.winnow.pipeline.refresh;

import io.winnow.pipeline.RefreshSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.export.ShardStats;
import io.winnow.pipeline.report.RunConfiguration;
import io.winnow.pipeline.report.Summarize;
import io.winnow.schemas.Json;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@code winnow refresh}: adds a new version to a dataset from new URL lists (the first refresh
 * of an empty folder builds version 1).
 *
 * <ol>
 *   <li>The input is processed in batches by a hash of each URL's key; each batch is a whole
 *       pipeline run into {@code work/vN/batch-NNNNN/}. URLs the dataset has seen are skipped
 *       without a request ({@link SkipSeenUrls}); new images are deduplicated against the
 *       dataset's embeddings and the batches finished before them ({@code ReadDatasetVectors}),
 *       then among themselves, filtered and retrieved as in a run.
 *   <li>A finished batch is never redone: re-running an interrupted refresh with the same
 *       arguments continues with the next batch, and since batches are fixed by key hash and run
 *       in order, ends with the same dataset an uninterrupted refresh gives.
 *   <li>Opt-out lists and the dataset's takedown rules are applied to existing shards too
 *       ({@link Takedown}).
 *   <li>Commit: new shards move into {@code shards/} under names no other version uses, the seen
 *       log and the manifest are written, and CURRENT is renamed last. Old shards are never
 *       rewritten by a refresh.
 * </ol>
 */
public final class RefreshDataset {
  private RefreshDataset() {}

  /** Called at named points; tests throw from it to simulate a crash there. */
  public interface Checkpoint {
    void reached(String point) throws IOException;

    Checkpoint NONE = point -> { };
  }

  /** What was asked: a resumed refresh must ask the same. */
  record Request(List<String> inputs, int batches, long retryAfterSeconds, long nowEpochSeconds) {}

  public static Manifest refresh(WinnowConfig template, Path dataset, int batches,
      long retryAfterSeconds, PipelineOptions options, PrintStream progress,
      Checkpoint checkpoint) throws IOException {
    try (DatasetDir dir = DatasetDir.openForWriting(dataset)) {
      dir.removeUncommitted();
      int current = dir.current();
      Manifest parent = current == 0 ? null : dir.manifest(current);
      int version = current + 1;
      Path work = dir.work(version);
      Request request = resumeOrStart(work, new Request(template.inputs(), batches,
          retryAfterSeconds, Instant.now().getEpochSecond()), progress);

      // The dataset's takedown rules are refused like an opt-out list given now.
      List<String> optOut = new ArrayList<>(template.filter().optOutLists());
      List<String> takedownRules = ruleFiles(dir);
      List<String> refused = new ArrayList<>(optOut);
      refused.addAll(takedownRules);
      WinnowConfig config = template.withFilter(template.filter().withLists(
          template.filter().blockLists(), template.filter().allowLists(), refused));

      List<String> datasetShards = new ArrayList<>();
      if (parent != null) {
        parent.shards().forEach(s -> datasetShards.add(dir.shard(s.name()).toString()));
      }
      List<String> seenLogs = dir.committedSeenLogs();
      for (int b = 0; b < request.batches(); b++) {
        Path batchDir = work.resolve(String.format(java.util.Locale.ROOT, "batch-%05d", b));
        String prefix = Manifest.versionName(version) + "-b" + String.format(
            java.util.Locale.ROOT, "%05d", b);
        if (Files.exists(batchDir.resolve(".done"))) {
          if (progress != null) {
            progress.println("[winnow] batch " + (b + 1) + "/" + request.batches()
                + ": finished earlier, kept");
          }
        } else {
          deleteTree(batchDir);
          RefreshSettings settings = new RefreshSettings(b, request.batches(), seenLogs,
              datasetShards, request.retryAfterSeconds(), request.nowEpochSeconds());
          if (progress != null) {
            progress.println("[winnow] batch " + (b + 1) + "/" + request.batches());
          }
          RunWinnow.run(config.withOutput(batchDir.toString(), prefix).withRefresh(settings),
              options, progress, false);
          Files.writeString(batchDir.resolve(".done"), Instant.now() + "\n");
          checkpoint.reached("batch-done-" + b);
        }
        // Later batches dedup against this one's samples too.
        for (Path tar : shardTars(batchDir, prefix)) {
          String file = tar.getFileName().toString();
          datasetShards.add(batchDir.resolve(file.substring(0, file.length() - 4)).toString());
        }
      }
      checkpoint.reached("before-commit");
      return commit(dir, parent, version, work, request, config, optOut, takedownRules);
    }
  }

  private static Request resumeOrStart(Path work, Request asked, PrintStream progress)
      throws IOException {
    Path file = work.resolve("request.json");
    if (Files.exists(file)) {
      Request earlier = Json.read(Files.readAllBytes(file), Request.class);
      if (!earlier.inputs().equals(asked.inputs()) || earlier.batches() != asked.batches()
          || earlier.retryAfterSeconds() != asked.retryAfterSeconds()) {
        throw new IllegalStateException("an interrupted refresh with other arguments is in "
            + work + " (" + earlier + "); re-run it with the same inputs and --batches to finish "
            + "it, or delete that folder to discard it");
      }
      if (progress != null) {
        progress.println("[winnow] resuming the interrupted refresh in " + work);
      }
      return earlier; // its clock too: the retry policy decides as it did
    }
    Files.createDirectories(work);
    DatasetDir.write(file, Json.writePretty(asked));
    return asked;
  }

  private static List<String> ruleFiles(DatasetDir dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.takedownRules())) {
      return files.filter(f -> f.toString().endsWith(".txt")).sorted().map(Path::toString)
          .toList();
    }
  }

  private static Manifest commit(DatasetDir dir, Manifest parent, int version, Path work,
      Request request, WinnowConfig config, List<String> optOut, List<String> takedownRules)
      throws IOException {
    Instant now = Instant.now();
    // Existing samples on the opt-out lists given now go the way a takedown removes them.
    List<Manifest.Shard> shards = parent == null ? new ArrayList<>()
        : new ArrayList<>(parent.shards());
    List<String> replaced = List.of();
    List<Takedown.Logged> optedOut = List.of();
    List<String> added = new ArrayList<>();
    if (parent != null && !optOut.isEmpty()) {
      Takedown.Applied applied = Takedown.apply(dir, shards, version, Set.of(), optOut, now,
          "opt-out list of refresh " + Manifest.versionName(version));
      shards = new ArrayList<>(applied.shards());
      replaced = applied.replaced();
      optedOut = applied.removed();
      added.addAll(applied.added());
    }
    List<RunSummary> summaries = new ArrayList<>();
    Path seenTemp = work.resolve("seen.jsonl");
    try (BufferedWriter seen = Files.newBufferedWriter(seenTemp, StandardCharsets.UTF_8)) {
      for (int b = 0; b < request.batches(); b++) {
        Path batchDir = work.resolve(String.format(java.util.Locale.ROOT, "batch-%05d", b));
        String prefix = Manifest.versionName(version) + "-b" + String.format(
            java.util.Locale.ROOT, "%05d", b);
        summaries.add(Summarize.read(batchDir));
        for (Path tar : shardTars(batchDir, prefix)) {
          String file = tar.getFileName().toString();
          String name = file.substring(0, file.length() - 4);
          Path base = batchDir.resolve(name);
          ShardStats stats = Json.read(Files.readAllBytes(Path.of(base + "_stats.json")),
              ShardStats.class);
          for (String[] row : ReadDatasetVectors.keysAndUrls(Path.of(base + ".parquet"))) {
            seen.write(Json.write(new SeenUrl(row[0], row[1], version, SeenUrl.ACCEPTED, null,
                now.toString())));
            seen.newLine();
          }
          shards.add(new Manifest.Shard(name, stats.count(), Files.size(tar),
              DatasetDir.sha256(tar), version));
          added.add(name);
        }
        forEachRejection(batchDir.resolve("rejections"), r -> {
          if (r.reason() == Reason.ALREADY_SEEN || r.reason() == Reason.DUPLICATE_URL
              || r.key() == null) {
            return; // already in an earlier log; a row without a key has nothing to skip by
          }
          try {
            seen.write(Json.write(new SeenUrl(r.key(), r.url(), version, SeenUrl.REJECTED,
                r.reason().wireName(), now.toString())));
            seen.newLine();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
      for (Takedown.Logged l : optedOut) {
        seen.write(Json.write(new SeenUrl(l.key(), l.url(), version, SeenUrl.TAKEN_DOWN, null,
            l.at())));
        seen.newLine();
      }
    }
    // Everything in place under new names, then the manifest and CURRENT. Batch shards are
    // linked, not moved, so a commit cut short is simply done again by the next attempt.
    for (String name : added) {
      for (Path file : ShardRewriter.files(dir.shard(name))) {
        Path batchFile = findInBatches(work, file.getFileName().toString());
        if (batchFile != null) {
          Files.deleteIfExists(file);
          try {
            Files.createLink(file, batchFile);
          } catch (UnsupportedOperationException | IOException noLinks) {
            Files.copy(batchFile, file);
          }
        }
      }
    }
    Files.move(seenTemp, dir.seenLog(version), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    if (!optedOut.isEmpty()) {
      try (BufferedWriter log = Files.newBufferedWriter(dir.takedownLog(),
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND)) {
        for (Takedown.Logged l : optedOut) {
          log.write(Json.write(l));
          log.newLine();
        }
      }
    }
    RunSummary summary = sum(summaries);
    Map<String, Object> settings = new LinkedHashMap<>();
    Map<String, Object> runConfig = RunConfiguration.read(work.resolve("batch-00000"));
    for (String key : List.of("embed.model", "embed.model_sha256", "embed.dimension",
        "dedup.threshold", "dedup.eval_threshold", "filter.nsfw_threshold", "filter.faces",
        "filter.nsfw_model")) {
      if (runConfig.containsKey(key)) {
        settings.put(key, runConfig.get(key));
      }
    }
    settings.put("batches", request.batches());
    settings.put("retry_failed_after_seconds", request.retryAfterSeconds());
    settings.put("opt_out_lists", optOut);
    settings.put("takedown_rules", takedownRules);
    Manifest manifest = new Manifest(version, parent == null ? null : parent.version(),
        now.toString(), "refresh", shards.stream().mapToLong(Manifest.Shard::samples).sum(),
        shards, settings, summary, added, optedOut.isEmpty() ? null : (long) optedOut.size());
    dir.commit(manifest);
    // The batches' reports, rejections and summaries stay for people to read; their shard
    // files now live in shards/.
    for (String name : added) {
      for (Path file : ShardRewriter.files(dir.shard(name))) {
        Path batchFile = findInBatches(work, file.getFileName().toString());
        if (batchFile != null) {
          Files.delete(batchFile);
        }
      }
    }
    Files.createDirectories(dir.runs(version).getParent());
    deleteTree(dir.runs(version));
    Files.move(work, dir.runs(version), StandardCopyOption.ATOMIC_MOVE);
    Takedown.deleteShards(dir, replaced);
    return manifest;
  }

  private static Path findInBatches(Path work, String file) throws IOException {
    try (Stream<Path> batches = Files.list(work)) {
      for (Path batch : batches.filter(Files::isDirectory).toList()) {
        if (Files.exists(batch.resolve(file))) {
          return batch.resolve(file);
        }
      }
    }
    return null;
  }

  static RunSummary sum(List<RunSummary> parts) {
    long input = 0;
    long accepted = 0;
    long rejected = 0;
    long shards = 0;
    long downloaded = 0;
    long written = 0;
    double fetchSeconds = 0;
    double wall = 0;
    Map<String, Long> byStage = new TreeMap<>();
    Map<String, Map<String, Long>> byReason = new TreeMap<>();
    for (RunSummary s : parts) {
      input += s.input();
      accepted += s.accepted();
      rejected += s.rejected();
      shards += s.shards();
      downloaded += s.bytesDownloaded();
      written += s.bytesWritten();
      fetchSeconds += s.fetchSecondsTotal();
      wall += s.wallSeconds();
      if (s.rejectedByStage() != null) {
        s.rejectedByStage().forEach((k, v) -> byStage.merge(k, v, Long::sum));
      }
      if (s.rejectedByReason() != null) {
        s.rejectedByReason().forEach((stage, reasons) -> reasons.forEach((reason, n) ->
            byReason.computeIfAbsent(stage, x -> new TreeMap<>()).merge(reason, n, Long::sum)));
      }
    }
    return new RunSummary(input, accepted, rejected, input == accepted + rejected, byStage,
        byReason, shards, downloaded, written, fetchSeconds, wall,
        wall > 0 ? Math.round(accepted / wall * 10) / 10.0 : null,
        parts.isEmpty() ? null : parts.get(0).startedAt(),
        parts.isEmpty() ? null : parts.get(parts.size() - 1).finishedAt());
  }

  static List<Path> shardTars(Path batchDir, String prefix) throws IOException {
    if (!Files.isDirectory(batchDir)) {
      return List.of();
    }
    return io.winnow.pipeline.export.WebDatasetReader.shards(batchDir, prefix);
  }

  /** Streams a batch's rejections, one line at a time. */
  static void forEachRejection(Path folder, java.util.function.Consumer<Rejection> each)
      throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        try (Stream<String> lines = Files.lines(file)) {
          lines.filter(l -> !l.isBlank()).forEach(l -> each.accept(Json.read(l, Rejection.class)));
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
