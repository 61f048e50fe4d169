package io.winnow.bench;

import io.winnow.bench.copyset.Entry;
import io.winnow.bench.copyset.PhotoSelection;
import io.winnow.bench.copyset.SetGenerator;
import io.winnow.bench.copyset.SetTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A copy-detection dev set made of real photos that Debian and npm packages ship, for calibrating
 * near-duplicate detection; {@code bench/copy-devset/README.md} says where each photo comes from.
 * This class is the command line; the steps are in {@link io.winnow.bench.copyset}.
 *
 * <p>Two steps. {@code select} ({@link PhotoSelection#select}) walks the unpacked packages ({@code
 * fetch-photos.sh} puts them in a sources folder), keeps the photographs that {@code
 * PhotoSources.SOURCES} names, drops tiny and near-uniform images, collapses a photo shipped twice
 * (another resolution or crop of the centre, a recolouring, a mirror image, the same upstream file)
 * into its largest version and writes {@code photos.csv}. {@code generate} ({@link
 * SetGenerator#generate}) writes every photo downscaled to at most 1024 px with 6 DISC21-style
 * edited copies, the hard negatives (different photos of one scene, which a copy detector must not
 * merge) and {@code labels.csv}. The same photos.csv and seed give byte-identical output: every
 * photo draws from its own seeded generator.
 *
 * <pre>
 * CopyDevSet select SOURCES_DIR PHOTOS_CSV
 * CopyDevSet generate PHOTOS_CSV OUT_DIR [SEED]
 * CopyDevSet scenes OUT_DIR COUNT
 * </pre>
 */
public final class CopyDevSet {
  private CopyDevSet() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("select")) {
      PhotoSelection.select(Path.of(args[1]), Path.of(args[2]));
    } else if ((args.length == 3 || args.length == 4) && args[0].equals("generate")) {
      long seed = args.length == 4 ? Long.parseLong(args[3]) : 42;
      long start = System.nanoTime();
      List<Entry> entries = SetGenerator.generate(Path.of(args[1]), Path.of(args[2]), seed);
      System.out.print(summary(entries));
      System.out.printf(
          Locale.ROOT, "%d images in %.1f s%n", entries.size(), (System.nanoTime() - start) / 1e9);
    } else if (args.length == 3 && args[0].equals("scenes")) {
      scenes(Path.of(args[1]), Integer.parseInt(args[2]));
    } else {
      System.err.println(
          "usage: CopyDevSet select SOURCES_DIR PHOTOS_CSV\n"
              + "       CopyDevSet generate PHOTOS_CSV OUT_DIR [SEED]\n"
              + "       CopyDevSet scenes OUT_DIR COUNT");
      System.exit(2);
    }
  }

  /**
   * Distinct synthetic pictures (the crawl bench's scenes: shapes, text and noise on gradients),
   * each its own photo: no pair is a copy, so every removal dedup makes among them is wrong.
   * Drawings and graphics like these give unrelated pairs chance keypoint fits.
   */
  static void scenes(Path outDir, int count) throws IOException {
    SetGenerator.clearJpegs(outDir.resolve("images"));
    List<byte[]> images = CrawlBench.sceneImages(count, 640, 480);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      String file = String.format(Locale.ROOT, "images/scene-%04d.jpg", i);
      Files.write(outDir.resolve(file), images.get(i));
      entries.add(
          new Entry(
              file,
              "scene-" + i,
              "original",
              "bench:CrawlBench.sceneImages",
              "synthetic",
              "",
              "seed " + i));
    }
    SetTables.writeLabels(outDir.resolve("labels.csv"), entries);
  }

  /** Photos, copies per edit type and hard-negative scenes, for the log. */
  static String summary(List<Entry> entries) {
    Map<String, Integer> byEdit = new TreeMap<>();
    Map<String, Integer> asStep = new TreeMap<>();
    Map<String, Integer> scenes = new TreeMap<>();
    int originals = 0;
    int copies = 0;
    for (Entry e : entries) {
      if (e.kind().equals("hard-negative")) {
        scenes.merge(e.scene(), 1, Integer::sum);
      } else if (e.edit().equals("original")) {
        originals++;
      } else {
        copies++;
        byEdit.merge(e.edit().contains("+") ? "combo" : e.edit(), 1, Integer::sum);
        if (e.edit().contains("+")) {
          Stream.of(e.edit().split("\\+")).forEach(step -> asStep.merge(step, 1, Integer::sum));
        }
      }
    }
    long real = scenes.keySet().stream().filter(s -> s.startsWith("real:")).count();
    int realImages =
        scenes.entrySet().stream()
            .filter(s -> s.getKey().startsWith("real:"))
            .mapToInt(Map.Entry::getValue)
            .sum();
    int hardNegatives = scenes.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d photos with %d copies; %d hard negatives in %d scenes (%d real: %d images,"
                    + " %d synthetic: %d images)%ncopies by edit type (and as a step of a combo):%n",
                originals,
                copies,
                hardNegatives,
                scenes.size(),
                real,
                realImages,
                scenes.size() - real,
                hardNegatives - realImages));
    byEdit.forEach(
        (edit, n) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "  %-10s %5d%s%n",
                    edit,
                    n,
                    asStep.containsKey(edit) ? " (+" + asStep.get(edit) + ")" : "")));
    return out.toString();
  }
}
