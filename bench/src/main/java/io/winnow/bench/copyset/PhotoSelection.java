package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.ThumbnailSimilarity.similarity;

import io.winnow.bench.copyset.PhotoSources.Scene;
import io.winnow.bench.copyset.PhotoSources.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code select} step: from the candidates {@link PhotoFinder} reads, assigns each its role
 * (photo, real hard-negative member, held-out material), folds photos shipped twice into the
 * largest copy, and writes photos.csv.
 */
public final class PhotoSelection {
  /** Thumbnail correlation from which two files count as one photo. */
  static final double SAME_PHOTO = 0.90;

  private PhotoSelection() {}

  /**
   * Finds the photos under {@code sources} (the folder fetch-photos.sh fills: {@code deb/PKG/},
   * {@code npm/NAME/}, {@code versions.tsv}), drops tiny, near-uniform and duplicate ones, and
   * writes photos.csv. Fails when a named source or hard-negative member is missing, so a changed
   * package shows up instead of quietly shrinking the set.
   */
  public static List<Photo> select(Path sources, Path photosCsv) throws IOException {
    Path base = photosCsv.toAbsolutePath().getParent();
    Files.createDirectories(base);
    Map<String, String> versions = SetTables.readVersions(sources.resolve("versions.tsv"));
    List<Candidate> candidates = new ArrayList<>();
    for (Source source : PhotoSources.SOURCES) {
      List<String> paths = PhotoFinder.find(sources, source);
      if (paths.isEmpty()) {
        throw new IOException("no file matches " + source + " under " + sources);
      }
      for (String path : paths) {
        Candidate c = PhotoFinder.candidate(sources, base, source, path);
        if (c != null) {
          candidates.add(c);
        }
      }
    }
    assignRoles(candidates);
    List<Candidate> kept = collapseDuplicates(candidates);
    checkScenes(kept);
    List<Photo> photos = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Candidate c : kept) {
      String id = c.from.tag() + "-" + slug(c.path);
      for (int n = 2; !ids.add(id); n++) {
        id = c.from.tag() + "-" + slug(c.path) + "-" + n;
      }
      photos.add(
          new Photo(
              id,
              c.from.pkg(),
              versions.getOrDefault(c.from.pkg(), ""),
              c.path,
              c.width,
              c.height,
              c.licence,
              c.role,
              c.scene,
              String.join(" ", c.duplicates),
              c.location));
    }
    SetTables.writePhotos(photosCsv, photos);
    System.out.print(selectionSummary(photos));
    return photos;
  }

  private static void assignRoles(List<Candidate> candidates) throws IOException {
    Map<String, Candidate> byKey = new HashMap<>();
    candidates.forEach(c -> byKey.put(c.key(), c));
    for (Scene scene : PhotoSources.REAL_SCENES) {
      for (String member : scene.members()) {
        Candidate c = byKey.get(member);
        if (c == null) {
          System.err.printf(
              "hard negative %s: %s is missing or was skipped%n", scene.name(), member);
          continue;
        }
        c.role = "hard-negative";
        c.scene = scene.name();
      }
    }
    setRole(byKey, PhotoSources.SPLIT, "split");
    setRole(byKey, PhotoSources.PASTE_BACKGROUNDS, "paste-background");
    setRole(byKey, PhotoSources.PASTE_OBJECTS, "paste-object");
  }

  private static void setRole(Map<String, Candidate> byKey, List<String> keys, String role)
      throws IOException {
    for (String key : keys) {
      Candidate c = byKey.get(key);
      if (c == null) {
        throw new IOException(role + " photo " + key + " is missing or was skipped");
      }
      c.role = role;
    }
  }

  /**
   * Folds every candidate that is the same photo as an earlier one (same upstream file, or
   * thumbnails that correlate at {@link #SAME_PHOTO} or more) into the larger of the two.
   */
  private static List<Candidate> collapseDuplicates(List<Candidate> candidates) {
    List<Candidate> kept = new ArrayList<>();
    for (Candidate c : candidates) {
      int same = -1;
      double best = 0;
      for (int k = 0; k < kept.size() && same < 0; k++) {
        Candidate other = kept.get(k);
        if (!c.upstream.isEmpty() && c.upstream.equals(other.upstream)) {
          same = k;
          best = 1;
          continue;
        }
        double s = similarity(c.thumb, other.thumb);
        if (s >= SAME_PHOTO) {
          same = k;
          best = s;
        }
      }
      if (same < 0) {
        kept.add(c);
        continue;
      }
      Candidate other = kept.get(same);
      Candidate larger = (long) c.width * c.height > (long) other.width * other.height ? c : other;
      Candidate smaller = larger == c ? other : c;
      if (larger.role.equals("photo") && !smaller.role.equals("photo")) {
        larger.role = smaller.role;
        larger.scene = smaller.scene;
      }
      larger.duplicates.add(smaller.key());
      larger.duplicates.addAll(smaller.duplicates);
      kept.set(same, larger);
      System.err.printf(
          Locale.ROOT,
          "same photo (%.2f): kept %s, dropped %s%n",
          best,
          larger.key(),
          smaller.key());
    }
    return kept;
  }

  /** A real scene needs two different photos left; a lone member becomes an ordinary photo. */
  private static void checkScenes(List<Candidate> kept) {
    Map<String, List<Candidate>> byScene = new TreeMap<>();
    kept.stream()
        .filter(c -> c.role.equals("hard-negative"))
        .forEach(c -> byScene.computeIfAbsent(c.scene, s -> new ArrayList<>()).add(c));
    for (Map.Entry<String, List<Candidate>> scene : byScene.entrySet()) {
      List<Candidate> members = scene.getValue();
      if (members.size() < 2) {
        System.err.println(
            "hard negative "
                + scene.getKey()
                + ": fewer than two different photos left, kept as an ordinary photo");
        members.forEach(
            c -> {
              c.role = "photo";
              c.scene = "";
            });
        continue;
      }
      double max = 0;
      for (int i = 0; i < members.size(); i++) {
        for (int j = i + 1; j < members.size(); j++) {
          max = Math.max(max, similarity(members.get(i).thumb, members.get(j).thumb));
        }
      }
      System.err.printf(
          Locale.ROOT,
          "hard negative %s: %d photos, most similar pair %.2f%n",
          scene.getKey(),
          members.size(),
          max);
    }
  }

  private static String slug(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    name = dot > 0 ? name.substring(0, dot) : name;
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }

  private static String selectionSummary(List<Photo> photos) {
    Map<String, int[]> byPackage = new TreeMap<>();
    for (Photo p : photos) {
      int[] counts = byPackage.computeIfAbsent(p.pkg(), k -> new int[3]);
      counts[p.role().equals("photo") ? 0 : p.role().equals("hard-negative") ? 1 : 2]++;
    }
    StringBuilder out = new StringBuilder("package: photos / hard-negative members / held out\n");
    int[] total = new int[3];
    byPackage.forEach(
        (pkg, c) -> {
          out.append(String.format(Locale.ROOT, "  %-26s %4d %4d %4d%n", pkg, c[0], c[1], c[2]));
          for (int i = 0; i < 3; i++) {
            total[i] += c[i];
          }
        });
    out.append(
        String.format(Locale.ROOT, "  %-26s %4d %4d %4d%n", "total", total[0], total[1], total[2]));
    return out.toString();
  }
}
