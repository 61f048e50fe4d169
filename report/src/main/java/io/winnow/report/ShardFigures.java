package io.winnow.report;

import io.winnow.export.WebDatasetReader;
import io.winnow.filters.DropNsfw;
import io.winnow.report.ReportMetrics.Selected;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SeedMatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a report counts and shows of the exported samples, from one streamed pass over the shards
 * (one sample in memory at a time, besides the few kept for the gallery): face and NSFW figures,
 * images kept per seed set and per cluster, what each sampled seed selected, and the gallery.
 * Thumbnails of what is shown are written to {@code thumbs} on the way.
 */
final class ShardFigures {
  static final int GALLERY = 24;
  static final int SELECTED_PER_SEED = 6;

  long checkedForFaces;
  long withFaces;
  long faces;
  long scored;
  double maxUnsafe;
  final Map<String, Long> keptBySet = new TreeMap<>();
  final Map<String, Map<String, Long>> keptByCluster = new TreeMap<>();
  final Map<String, List<Selected>> selectedBySeed = new TreeMap<>();
  final List<Sample> gallery = new ArrayList<>();

  private final List<Sample> withFaceSamples = new ArrayList<>();
  private final List<Sample> others = new ArrayList<>();
  private final List<String> unsafeClasses;
  private final Path thumbs;

  private ShardFigures(List<String> unsafeClasses, Set<String> seedKeys, Path thumbs) {
    this.unsafeClasses = unsafeClasses;
    this.thumbs = thumbs;
    seedKeys.forEach(k -> selectedBySeed.put(k, new ArrayList<>()));
  }

  /** {@code seedKeys}: the sampled seeds whose selections are shown. */
  static ShardFigures scan(
      List<Path> shards, List<String> unsafeClasses, Set<String> seedKeys, Path thumbs)
      throws IOException {
    ShardFigures figures = new ShardFigures(unsafeClasses, seedKeys, thumbs);
    for (Path shard : shards) {
      WebDatasetReader.read(shard, figures::add);
    }
    // Images with faces first: their blurred versions are what the faces section shows.
    figures.gallery.addAll(figures.withFaceSamples);
    for (Sample s : figures.others) {
      if (figures.gallery.size() < GALLERY) {
        figures.gallery.add(s);
      }
    }
    for (Sample s : figures.gallery) {
      writeThumbnail(thumbs, s);
    }
    return figures;
  }

  private void add(Sample s) {
    if (s.faces() != null) {
      checkedForFaces++;
      if (!s.faces().isEmpty()) {
        withFaces++;
        faces += s.faces().size();
      }
    }
    if (s.nsfwScores() != null) {
      scored++;
      maxUnsafe = Math.max(maxUnsafe, DropNsfw.unsafeScore(s.nsfwScores(), unsafeClasses));
    }
    if (s.seedMatch() != null) {
      for (SeedMatch m : s.seedMatch()) {
        addMatch(s, m);
      }
    }
    List<Sample> bucket = s.faces() != null && !s.faces().isEmpty() ? withFaceSamples : others;
    if (bucket.size() < GALLERY) {
      bucket.add(s);
    }
  }

  private void addMatch(Sample s, SeedMatch m) {
    keptBySet.merge(m.seedSet(), 1L, Long::sum);
    if (m.clusterIds() != null && !m.clusterIds().isEmpty()) {
      String cluster =
          m.clusterIds().stream().map(String::valueOf).collect(Collectors.joining("/"));
      keptByCluster
          .computeIfAbsent(m.seedSet(), x -> new TreeMap<>())
          .merge(cluster, 1L, Long::sum);
    }
    for (String seed : m.seedKeys() == null ? List.<String>of() : m.seedKeys()) {
      List<Selected> selected = selectedBySeed.get(seed);
      if (selected != null && selected.size() < SELECTED_PER_SEED) {
        selected.add(
            new Selected(
                s.key(), s.url(), m.similarity(), "thumbs/" + Thumbnails.fileName(s.key())));
        writeThumbnail(thumbs, s);
      }
    }
  }

  private static void writeThumbnail(Path thumbs, Sample s) {
    Path file = thumbs.resolve(Thumbnails.fileName(s.key()));
    try {
      if (!Files.exists(file)) {
        Files.write(file, Thumbnails.of(s.image()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
