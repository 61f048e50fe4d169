package io.winnow.pipeline.refresh;

import io.winnow.dataset.DatasetDir;
import io.winnow.dataset.DatasetIndex;
import io.winnow.dataset.Manifest;
import io.winnow.dataset.ReadDatasetVectors;
import io.winnow.dataset.SeenUrl;
import io.winnow.dataset.ShardRewriter;
import io.winnow.dataset.Takedown;
import io.winnow.export.ShardStats;
import io.winnow.pipeline.RunConfiguration;
import io.winnow.report.RunReport;
import io.winnow.report.Summarize;
import io.winnow.schemas.Json;
import io.winnow.schemas.Reason;
import io.winnow.schemas.RunSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Commits a refresh's finished batches as a new version, step by step: the lists given now applied
 * to the dataset's samples, the seen log, the batches' shards linked into {@code shards/}, the
 * index lists published, then the manifest and CURRENT (the commit point), then tidying up. Until
 * CURRENT moves on the dataset stays at its last version and every step can be done again, so a
 * commit that fails is finished by running the same refresh again, or discarded by deleting its
 * work folder; the failure says which.
 */
final class CommitVersion {
  private final DatasetDir dir;
  private final Manifest parent;
  private final int version;
  private final Path work;
  private final RefreshDataset.Request request;
  private final List<String> optOut;
  private final List<String> knownBad;
  private final List<String> takedownRules;
  private final PipelineOptions options;
  private final Instant now = Instant.now();

  // What the steps build up.
  private List<Manifest.Shard> shards;
  private List<String> replaced = List.of();
  private List<Takedown.Logged> optedOut = List.of();
  private final List<String> added = new ArrayList<>();
  private List<Path> supersededLists = List.of();
  private final List<RunSummary> summaries = new ArrayList<>();

  CommitVersion(
      DatasetDir dir,
      Manifest parent,
      int version,
      Path work,
      RefreshDataset.Request request,
      List<String> optOut,
      List<String> knownBad,
      List<String> takedownRules,
      PipelineOptions options) {
    this.dir = dir;
    this.parent = parent;
    this.version = version;
    this.work = work;
    this.request = request;
    this.optOut = optOut;
    this.knownBad = knownBad;
    this.takedownRules = takedownRules;
    this.options = options;
    this.shards = parent == null ? new ArrayList<>() : new ArrayList<>(parent.shards());
  }

  Manifest run() throws IOException {
    Manifest manifest;
    try {
      applyListsToOldSamples();
      Path seen = logSeenUrls();
      linkBatchShards();
      publishLogs(seen);
      manifest = manifest(PublishIndex.publish(dir, parent, version, work, shards, options));
      dir.commit(manifest);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "the commit of "
              + Manifest.versionName(version)
              + " failed, and the dataset is still at "
              + (parent == null ? "no version" : Manifest.versionName(parent.version()))
              + ": run the same command again to finish it (its finished batches in "
              + work
              + " are kept), or delete that folder to discard them ("
              + e
              + ")",
          e);
    }
    tidyUp(manifest);
    return manifest;
  }

  /**
   * Existing samples on the opt-out and known-bad lists given now go as a takedown removes them.
   */
  private void applyListsToOldSamples() throws IOException {
    if (parent == null || (optOut.isEmpty() && knownBad.isEmpty())) {
      return;
    }
    Takedown.Applied applied =
        Takedown.apply(
            dir,
            shards,
            version,
            Set.of(),
            optOut,
            knownBad,
            now,
            (knownBad.isEmpty()
                    ? "opt-out list"
                    : optOut.isEmpty() ? "known-bad lists" : "opt-out and known-bad lists")
                + " of refresh "
                + Manifest.versionName(version));
    shards = new ArrayList<>(applied.shards());
    replaced = applied.replaced();
    optedOut = applied.removed();
    added.addAll(applied.added());
    supersededLists =
        Takedown.removeFromIndex(dir, parent.index(), parent.version(), version, optedOut);
  }

  /**
   * The version's seen log (every URL of its batches, accepted or rejected, and what the lists took
   * down), written beside the batches; the batches' shards and summaries are gathered on the way.
   */
  private Path logSeenUrls() throws IOException {
    Path seenTemp = work.resolve("seen.jsonl");
    try (BufferedWriter seen = Files.newBufferedWriter(seenTemp, StandardCharsets.UTF_8)) {
      for (int b = 0; b < request.batches(); b++) {
        Path batchDir = BatchFolders.batchDir(work, b);
        String prefix = BatchFolders.batchPrefix(version, b);
        summaries.add(Summarize.read(batchDir));
        for (Path tar : BatchFolders.shardTars(batchDir, prefix)) {
          addShard(batchDir, tar, seen);
        }
        RunReport.forEachRejection(
            batchDir.resolve("rejections"),
            r -> {
              if (r.reason() == Reason.ALREADY_SEEN
                  || r.reason() == Reason.DUPLICATE_URL
                  || r.key() == null) {
                return; // already in an earlier log; a row without a key has nothing to skip by
              }
              writeLine(
                  seen,
                  new SeenUrl(
                      r.key(),
                      r.url(),
                      version,
                      SeenUrl.REJECTED,
                      r.reason().wireName(),
                      now.toString()));
            });
      }
      for (Takedown.Logged l : optedOut) {
        writeLine(seen, new SeenUrl(l.key(), l.url(), version, SeenUrl.TAKEN_DOWN, null, l.at()));
      }
    }
    return seenTemp;
  }

  private void addShard(Path batchDir, Path tar, BufferedWriter seen) throws IOException {
    String file = tar.getFileName().toString();
    String name = file.substring(0, file.length() - 4);
    Path base = batchDir.resolve(name);
    ShardStats stats =
        Json.read(Files.readAllBytes(Path.of(base + "_stats.json")), ShardStats.class);
    for (String[] row : ReadDatasetVectors.keysAndUrls(Path.of(base + ".parquet"))) {
      writeLine(seen, new SeenUrl(row[0], row[1], version, SeenUrl.ACCEPTED, null, now.toString()));
    }
    shards.add(
        new Manifest.Shard(name, stats.count(), Files.size(tar), DatasetDir.sha256(tar), version));
    added.add(name);
  }

  private static void writeLine(BufferedWriter out, Object record) {
    try {
      out.write(Json.write(record));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Everything in place under new names before the manifest and CURRENT. Batch shards are linked,
   * not moved, so a commit cut short is simply done again by the next attempt.
   */
  private void linkBatchShards() throws IOException {
    for (String name : added) {
      for (Path file : ShardRewriter.files(dir.shard(name))) {
        Path batchFile = BatchFolders.findInBatches(work, file.getFileName().toString());
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
  }

  /** The seen log under the version's name, and what the lists took down in the takedown log. */
  private void publishLogs(Path seenTemp) throws IOException {
    Files.move(
        seenTemp,
        dir.seenLog(version),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    if (optedOut.isEmpty()) {
      return;
    }
    try (BufferedWriter log =
        Files.newBufferedWriter(
            dir.takedownLog(),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      for (Takedown.Logged l : optedOut) {
        writeLine(log, l);
      }
    }
  }

  private Manifest manifest(Manifest.Index index) throws IOException {
    Map<String, Object> settings = new LinkedHashMap<>();
    Map<String, Object> runConfig = RunConfiguration.readAsMap(BatchFolders.batchDir(work, 0));
    for (String key :
        List.of(
            "embed.model",
            "embed.model_sha256",
            "embed.dimension",
            "dedup.threshold",
            "dedup.eval_threshold",
            "filter.nsfw_threshold",
            "filter.faces",
            "filter.nsfw_model")) {
      if (runConfig.containsKey(key)) {
        settings.put(key, runConfig.get(key));
      }
    }
    settings.put("batches", request.batches());
    settings.put("retry_failed_after_seconds", request.retryAfterSeconds());
    settings.put("opt_out_lists", optOut);
    settings.put("known_bad_lists", knownBad);
    settings.put("takedown_rules", takedownRules);
    return new Manifest(
        version,
        parent == null ? null : parent.version(),
        now.toString(),
        "refresh",
        shards.stream().mapToLong(Manifest.Shard::samples).sum(),
        shards,
        settings,
        RefreshReport.sum(summaries),
        added,
        optedOut.isEmpty() ? null : (long) optedOut.size(),
        index);
  }

  /**
   * After the commit point: what the new version no longer needs goes (superseded index lists, an
   * outgrown index generation, the batches' copies of the shards, replaced shards); the batches'
   * reports, rejections and summaries move to {@code runs/vN/} for people to read. A failure here
   * leaves the version committed; what it left is removed by the next refresh or takedown.
   */
  private void tidyUp(Manifest manifest) {
    try {
      Takedown.deleteLists(supersededLists);
      Manifest.Index index = manifest.index();
      if (parent != null
          && parent.index() != null
          && index != null
          && index.generation() != parent.index().generation()) {
        DatasetDir.deleteTree(DatasetIndex.generation(dir.root(), parent.index().generation()));
      }
      for (String name : added) {
        for (Path file : ShardRewriter.files(dir.shard(name))) {
          Path batchFile = BatchFolders.findInBatches(work, file.getFileName().toString());
          if (batchFile != null) {
            Files.delete(batchFile);
          }
        }
      }
      Files.createDirectories(dir.runs(version).getParent());
      DatasetDir.deleteTree(dir.runs(version));
      Files.move(work, dir.runs(version), StandardCopyOption.ATOMIC_MOVE);
      Takedown.deleteShards(dir, replaced);
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "winnow: "
              + Manifest.versionName(version)
              + " is committed, but tidying up after it failed ("
              + e
              + "); the next refresh or takedown removes what was left");
      return;
    }
    try {
      RefreshReport.write(dir, version, manifest.summary(), added);
    } catch (IOException | RuntimeException e) {
      System.err.println("winnow: the refresh's report could not be written: " + e);
    }
  }
}
