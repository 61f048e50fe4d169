package io.winnow.pipeline.refresh;

import io.winnow.dataset.DatasetDir;
import io.winnow.dataset.Manifest;
import io.winnow.pipeline.RunConfiguration;
import io.winnow.report.RunReport;
import io.winnow.report.StageTimings;
import io.winnow.report.Summarize;
import io.winnow.report.WriteThumbnails;
import io.winnow.schemas.Json;
import io.winnow.schemas.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The account of a refresh over all its batches: their summaries added up into the version's, and
 * one report made of theirs. Each batch is a run of its own, so each wrote its own summary and
 * report; a reader of the dataset wants one per version.
 */
final class RefreshReport {
  private RefreshReport() {}

  /**
   * One report for the whole refresh in {@code runs/vN/report/}: its batches' rejections, the
   * shards it added, the duplicate and seed thumbnails its batches kept, timings added up.
   */
  static void write(DatasetDir dir, int version, RunSummary summary, List<String> added)
      throws IOException {
    Path runs = dir.runs(version);
    List<Path> batches;
    try (Stream<Path> files = Files.list(runs)) {
      batches =
          files.filter(f -> f.getFileName().toString().startsWith("batch-")).sorted().toList();
    }
    Summarize.write(runs, summary);
    Path report = runs.resolve(RunReport.DIR);
    List<String> examples = new ArrayList<>();
    for (String folder : List.of(RunReport.DUPLICATES, RunReport.SEEDS)) {
      Path target = Files.createDirectories(report.resolve(folder));
      Map<String, String> index = new TreeMap<>();
      for (Path batch : batches) {
        Path from = batch.resolve(RunReport.DIR).resolve(folder);
        index.putAll(WriteThumbnails.index(from));
        for (String file : WriteThumbnails.index(from).values()) {
          Files.copy(from.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Path batchExamples = from.resolve(RunReport.EXAMPLES_FILE);
        if (folder.equals(RunReport.DUPLICATES) && Files.exists(batchExamples)) {
          Json.mapper().readTree(batchExamples.toFile()).forEach(e -> examples.add(e.toString()));
        }
      }
      DatasetDir.write(target.resolve(WriteThumbnails.INDEX), Json.writePretty(index));
    }
    DatasetDir.write(
        report.resolve(RunReport.DUPLICATES).resolve(RunReport.EXAMPLES_FILE),
        "[\n" + String.join(",\n", examples) + "\n]\n");
    Map<String, long[]> timings = new LinkedHashMap<>();
    for (Path batch : batches) {
      for (StageTimings.Timing t : StageTimings.read(batch)) {
        long[] sum = timings.computeIfAbsent(t.stage(), s -> new long[2]);
        sum[0] += Math.round(t.seconds() * 1e6);
        sum[1] += t.items();
      }
    }
    List<Path> shards = new ArrayList<>();
    for (String name : added) {
      if (name.startsWith(Manifest.versionName(version) + "-b")) { // not opt-out rewrites
        shards.add(dir.shard(name).resolveSibling(name + ".tar"));
      }
    }
    RunReport.write(
        runs,
        new RunReport.Sources(
            summary,
            batches.stream().map(b -> b.resolve("rejections")).toList(),
            batches.isEmpty() ? Map.of() : RunConfiguration.readAsMap(batches.get(0)),
            shards,
            StageTimings.ordered(timings)));
  }

  /** The batches' summaries added up: the version's summary. */
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
        s.rejectedByReason()
            .forEach(
                (stage, reasons) ->
                    reasons.forEach(
                        (reason, n) ->
                            byReason
                                .computeIfAbsent(stage, x -> new TreeMap<>())
                                .merge(reason, n, Long::sum)));
      }
    }
    return RunSummary.counts(
            input, accepted, rejected, byStage, byReason, shards, downloaded, written, fetchSeconds)
        .withTiming(
            parts.isEmpty() ? null : parts.get(0).startedAt(),
            parts.isEmpty() ? null : parts.get(parts.size() - 1).finishedAt(),
            wall);
  }
}
