package io.winnow.report;

import io.winnow.report.ReportMetrics.Shown;
import io.winnow.schemas.Json;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The rejections a report shows, from one streamed pass over a run's rejection files: a few
 * examples per stage and reason, the first near-duplicate removals, and the URLs of the removed
 * images of the sampled duplicate pairs. Only what is shown is kept (the smallest keys, for a
 * stable page).
 */
record RejectionExamples(
    Map<String, Map<String, List<Shown>>> byStageAndReason,
    List<Shown> nearDuplicates,
    Map<String, String> removedUrls) {

  static final int PER_REASON = 3;
  static final int NEAR_DUPLICATES_LISTED = 50;

  // Read-stage rejections may have no key (an unreadable row): order by key, then URL.
  private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());
  static final Comparator<Rejection> BY_KEY =
      Comparator.comparing(Rejection::key, TEXT)
          .thenComparing(Rejection::url, TEXT)
          .thenComparing(Rejection::detail, TEXT);

  /** Scans {@code folders}; {@code removedKeys} are the keys whose URLs are wanted. */
  static RejectionExamples scan(List<Path> folders, Set<String> removedKeys) throws IOException {
    Map<String, String> removedUrls = new TreeMap<>();
    Map<String, Map<String, TreeSet<Rejection>>> kept = new TreeMap<>();
    TreeSet<Rejection> nearKept = new TreeSet<>(BY_KEY);
    for (Path folder : folders) {
      forEachRejection(
          folder,
          r -> {
            if (r.key() != null && removedKeys.contains(r.key())) {
              removedUrls.put(r.key(), r.url());
            }
            // Known-bad images are counted, never shown: not even their URLs go on the page.
            keepSmallest(
                kept.computeIfAbsent(r.stage().wireName(), st -> new TreeMap<>())
                    .computeIfAbsent(r.reason().wireName(), re -> new TreeSet<>(BY_KEY)),
                r,
                r.reason() == Reason.KNOWN_BAD_IMAGE ? 0 : PER_REASON);
            if (r.reason().wireName().equals("near-duplicate")) {
              keepSmallest(nearKept, r, NEAR_DUPLICATES_LISTED);
            }
          });
    }
    Map<String, Map<String, List<Shown>>> examples = new TreeMap<>();
    kept.forEach(
        (stage, reasons) ->
            reasons.forEach(
                (reason, list) ->
                    examples
                        .computeIfAbsent(stage, st -> new TreeMap<>())
                        .put(reason, shown(list))));
    return new RejectionExamples(examples, shown(nearKept), removedUrls);
  }

  /** Streams the rejections of a run's {@code rejections/} folder, one line at a time. */
  public static void forEachRejection(Path folder, Consumer<Rejection> each) throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jsonl")) {
      for (Path file : files) {
        try (Stream<String> lines = Files.lines(file)) {
          lines
              .filter(line -> !line.isBlank())
              .forEach(line -> each.accept(Json.read(line, Rejection.class)));
        }
      }
    }
  }

  private static void keepSmallest(TreeSet<Rejection> set, Rejection r, int limit) {
    set.add(r);
    if (set.size() > limit) {
      set.pollLast();
    }
  }

  private static List<Shown> shown(Collection<Rejection> rejections) {
    List<Shown> out = new ArrayList<>();
    for (Rejection r : rejections) {
      out.add(new Shown(String.valueOf(r.url()), String.valueOf(r.detail())));
    }
    return out;
  }
}
