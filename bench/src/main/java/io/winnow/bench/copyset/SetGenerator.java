package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.Edited.DEFAULT_QUALITY;
import static io.winnow.bench.copyset.SetImages.encode;
import static io.winnow.bench.copyset.SetImages.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The {@code generate} step: every photo of photos.csv with its edited copies, then the hard
 * negatives, each image written as it is made, and labels.csv. Each photo draws from its own
 * generator, seeded from the seed and its id, so the same photos.csv and seed give byte-identical
 * files and adding a photo leaves the others' copies alone.
 */
public final class SetGenerator {
  static final int COPIES_PER_PHOTO = 6;

  private SetGenerator() {}

  /**
   * Writes the dev set into {@code outDir}: {@code images/} (each photo, long side at most 1024 px,
   * and its edited copies), {@code hard-negatives/} and {@code labels.csv}. The same photos.csv and
   * seed give byte-identical files.
   */
  public static List<Entry> generate(Path photosCsv, Path outDir, long seed) throws IOException {
    Path base = photosCsv.toAbsolutePath().getParent();
    List<Photo> photos = SetTables.readPhotos(photosCsv);
    List<Photo> set = withRole(photos, "photo");
    for (String dir : List.of("images", "hard-negatives")) {
      clearJpegs(outDir.resolve(dir));
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < set.size(); i++) {
      entries.addAll(photoAndCopies(set, i, base, outDir, seed));
    }
    entries.addAll(HardNegatives.real(withRole(photos, "hard-negative"), base, outDir));
    entries.addAll(HardNegatives.split(withRole(photos, "split"), base, outDir, seed));
    entries.addAll(
        HardNegatives.paste(
            withRole(photos, "paste-background"),
            withRole(photos, "paste-object"),
            base,
            outDir,
            seed));
    SetTables.writeLabels(outDir.resolve("labels.csv"), entries);
    return entries;
  }

  /** Empties a folder of the JPEGs an earlier run left, so no stale image survives. */
  public static void clearJpegs(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".jpg")).toList()) {
        Files.delete(f);
      }
    }
  }

  private static List<Photo> withRole(List<Photo> photos, String role) {
    return photos.stream().filter(p -> p.role().equals(role)).toList();
  }

  static Random random(long seed, String id) {
    return new Random(seed * 0x9E3779B97F4A7C15L + id.hashCode());
  }

  /** The photo and its copies: edit types {@code (6 i + k) mod 15}, so each type is used evenly. */
  private static List<Entry> photoAndCopies(
      List<Photo> set, int index, Path base, Path outDir, long seed) throws IOException {
    Photo photo = set.get(index);
    Random random = random(seed, photo.id());
    List<Entry> entries = new ArrayList<>();
    try (PointerScope scope = new PointerScope()) {
      Mat original = load(base, photo);
      entries.add(
          write(
              outDir,
              "images/" + photo.id() + "__original.jpg",
              photo,
              "original",
              new Edited(original, DEFAULT_QUALITY, ""),
              "photo",
              ""));
      for (int k = 0; k < COPIES_PER_PHOTO; k++) {
        String type = CopyEdits.EDITS.get((index * COPIES_PER_PHOTO + k) % CopyEdits.EDITS.size());
        CopyEdits.Backgrounds backgrounds = new CopyEdits.Backgrounds(set, index, base);
        String name = type;
        Edited edited;
        if (type.equals("combo")) {
          List<String> steps = CopyEdits.comboSteps(random);
          name = String.join("+", steps);
          edited = CopyEdits.combo(original, steps, random, backgrounds);
        } else {
          edited = CopyEdits.apply(type, original, random, backgrounds);
        }
        entries.add(
            write(
                outDir,
                "images/" + photo.id() + "__" + name + ".jpg",
                photo,
                name,
                edited,
                "photo",
                ""));
      }
    }
    return entries;
  }

  static Entry write(
      Path outDir, String file, Photo photo, String edit, Edited edited, String kind, String scene)
      throws IOException {
    Files.write(outDir.resolve(file), encode(edited.image(), edited.quality()));
    return new Entry(file, photo.id(), edit, photo.source(), kind, scene, edited.detail());
  }
}
