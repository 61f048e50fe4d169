package io.winnow.pipeline.refresh;

import io.winnow.dataset.DatasetDir;
import io.winnow.dataset.DatasetIndex;
import io.winnow.dataset.IndexShards;
import io.winnow.dataset.Manifest;
import io.winnow.dataset.RefreshSettings;
import io.winnow.dataset.SearchDatasetIndex;
import io.winnow.dataset.SkipSeenUrls;
import io.winnow.dataset.Takedown;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.schemas.Json;
import io.winnow.schemas.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@code winnow refresh}: adds a new version to a dataset from new URL lists (the first refresh of
 * an empty folder builds version 1).
 *
 * <ol>
 *   <li>The input is processed in batches by a hash of each URL's key; each batch is a whole
 *       pipeline run into {@code work/vN/batch-NNNNN/}. URLs the dataset has seen are skipped
 *       without a request ({@link SkipSeenUrls}); new images are deduplicated against the dataset's
 *       persisted index and the batches finished before them ({@link SearchDatasetIndex}), then
 *       among themselves, filtered and retrieved as in a run; then the batch's samples are added to
 *       the index ({@link IndexShards}).
 *   <li>A finished batch is never redone: re-running an interrupted refresh with the same arguments
 *       continues with the next batch, and since batches are fixed by key hash and run in order,
 *       ends with the same dataset an uninterrupted refresh gives.
 *   <li>Opt-out lists and the dataset's takedown rules are applied to existing shards too ({@link
 *       Takedown}).
 *   <li>Commit: new shards and index lists go into {@code shards/} and {@code index/} under names
 *       no other version uses, the seen log and the manifest are written, and CURRENT is renamed
 *       last. Old shards are never rewritten by a refresh.
 * </ol>
 */
public final class RefreshDataset {
  private RefreshDataset() {}

  /** Called at named points; tests throw from it to simulate a crash there. */
  public interface Checkpoint {
    void reached(String point) throws IOException;

    Checkpoint NONE = point -> {};
  }

  /** Transient failures are fetched again once a week old, unless asked otherwise. */
  public static final long DEFAULT_RETRY_SECONDS = 7 * 24 * 3600;

  /** What was asked: a resumed refresh must ask the same. */
  record Request(List<String> inputs, int batches, long retryAfterSeconds, long nowEpochSeconds) {}

  public static Manifest refresh(
      WinnowConfig template,
      Path dataset,
      int batches,
      long retryAfterSeconds,
      PipelineOptions options,
      PrintStream progress,
      Checkpoint checkpoint)
      throws IOException {
    try (DatasetDir dir = DatasetDir.openForWriting(dataset)) {
      dir.removeUncommitted();
      int current = dir.current();
      Manifest parent = current == 0 ? null : dir.manifest(current);
      int version = current + 1;
      Path work = dir.work(version);
      Request request =
          resumeOrStart(
              work,
              new Request(
                  template.inputs(), batches, retryAfterSeconds, Instant.now().getEpochSecond()),
              progress);

      // The dataset's takedown rules are refused like an opt-out list given now.
      List<String> optOut = new ArrayList<>(template.filter().optOutLists());
      List<String> takedownRules = ruleFiles(dir, ".txt");
      List<String> refused = new ArrayList<>(optOut);
      refused.addAll(takedownRules);
      // So are the hash lists of its takedowns; the lists given now apply to its samples too.
      List<String> knownBad = new ArrayList<>(template.filter().knownBadLists());
      List<String> allKnownBad = new ArrayList<>(knownBad);
      allKnownBad.addAll(ruleFiles(dir, Takedown.HASH_LIST_SUFFIX));
      WinnowConfig config =
          template.withFilter(
              template
                  .filter()
                  .withLists(
                      template.filter().blockLists(), template.filter().allowLists(), refused)
                  .withKnownBadLists(allKnownBad));

      // New images are compared with the dataset through its persisted index, and with the
      // batches of this refresh finished before them through the lists they added.
      Manifest.Index index = parent == null ? null : parent.index();
      Path generation =
          index == null ? null : DatasetIndex.generation(dir.root(), index.generation());
      Path workIndex = work.resolve("index");
      List<SearchDatasetIndex.ListRoot> roots = new ArrayList<>();
      if (generation != null) {
        roots.add(
            new SearchDatasetIndex.ListRoot(DatasetIndex.lists(generation).toString(), current));
      }
      roots.add(new SearchDatasetIndex.ListRoot(DatasetIndex.lists(workIndex).toString(), version));
      List<String> seenLogs = dir.committedSeenLogs();
      // Without embeddings there is no index: new images are compared by their bytes with the
      // dataset's shards and those of the batches before them.
      List<String> comparedShards = new ArrayList<>();
      if (parent != null) {
        parent.shards().forEach(s -> comparedShards.add(dir.shard(s.name()).toString()));
      }
      if (config.embed() == null && config.dedup() != null && progress != null) {
        progress.println(
            "[winnow] no embeddings: new images are deduplicated by their bytes "
                + "only (SHA-256), against the dataset's "
                + comparedShards.size()
                + " shards and "
                + "each other; near-duplicates need embeddings");
      }
      for (int b = 0; b < request.batches(); b++) {
        Path batchDir = BatchFolders.batchDir(work, b);
        String prefix = BatchFolders.batchPrefix(version, b);
        if (Files.exists(batchDir.resolve(".done"))) {
          if (progress != null) {
            progress.println(
                "[winnow] batch " + (b + 1) + "/" + request.batches() + ": finished earlier, kept");
          }
        } else {
          DatasetDir.deleteTree(batchDir);
          BatchFolders.deleteLists(workIndex, prefix);
          Path centroids = BatchFolders.centroids(generation, workIndex);
          RefreshSettings settings =
              new RefreshSettings(
                  b,
                  request.batches(),
                  seenLogs,
                  centroids == null ? null : centroids.toString(),
                  roots,
                  comparedShards,
                  request.retryAfterSeconds(),
                  request.nowEpochSeconds());
          if (progress != null) {
            progress.println("[winnow] batch " + (b + 1) + "/" + request.batches());
          }
          RunWinnow.run(
              config.withOutput(batchDir.toString(), prefix).withRefresh(settings),
              options,
              progress,
              false);
          // Its samples join the index (trained now if this is the first batch with any).
          Integer dimension = BatchFolders.dimension(batchDir);
          if (dimension != null) {
            List<String> embedded =
                BatchFolders.shardBases(batchDir, prefix).stream()
                    .filter(base -> Files.exists(Path.of(base + ".npy")))
                    .toList();
            IndexShards.run(embedded, centroids, workIndex, prefix, dimension, options);
          }
          Files.writeString(batchDir.resolve(".done"), Instant.now() + "\n");
          checkpoint.reached("batch-done-" + b);
        }
        comparedShards.addAll(BatchFolders.shardBases(batchDir, prefix));
      }
      checkpoint.reached("before-commit");
      return new CommitVersion(
              dir, parent, version, work, request, optOut, knownBad, takedownRules, options)
          .run();
    }
  }

  private static Request resumeOrStart(Path work, Request asked, PrintStream progress)
      throws IOException {
    Path file = work.resolve("request.json");
    if (Files.exists(file)) {
      Request earlier = Json.read(Files.readAllBytes(file), Request.class);
      if (!earlier.inputs().equals(asked.inputs())
          || earlier.batches() != asked.batches()
          || earlier.retryAfterSeconds() != asked.retryAfterSeconds()) {
        throw new IllegalStateException(
            "an interrupted refresh with other arguments is in "
                + work
                + " ("
                + earlier
                + "); re-run it with the same inputs and --batches to finish "
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

  private static List<String> ruleFiles(DatasetDir dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir.takedownRules())) {
      return files.filter(f -> f.toString().endsWith(suffix)).sorted().map(Path::toString).toList();
    }
  }

  /**
   * One report for the whole refresh in {@code runs/vN/report/} ({@link RefreshReport}); public so
   * that {@code winnow report} can write it again.
   */
  public static void writeReport(
      DatasetDir dir, int version, RunSummary summary, List<String> added) throws IOException {
    RefreshReport.write(dir, version, summary, added);
  }
}
