package io.winnow.bench.copyset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The set's tables: photos.csv (the selection), labels.csv (the images and their ground truth) and
 * the sources folder's versions.tsv. Fields with commas, quotes or newlines are quoted; a newline
 * inside a field becomes a space.
 */
public final class SetTables {
  private static final List<String> PHOTO_COLUMNS =
      List.of(
          "id",
          "package",
          "version",
          "path",
          "width",
          "height",
          "licence",
          "role",
          "scene",
          "duplicates",
          "location");

  private SetTables() {}

  static void writePhotos(Path file, List<Photo> photos) throws IOException {
    StringBuilder out = new StringBuilder(String.join(",", PHOTO_COLUMNS)).append('\n');
    for (Photo p : photos) {
      out.append(
          csv(
              p.id(),
              p.pkg(),
              p.version(),
              p.path(),
              String.valueOf(p.width()),
              String.valueOf(p.height()),
              p.licence(),
              p.role(),
              p.scene(),
              p.duplicates(),
              p.location()));
    }
    Files.writeString(file, out);
  }

  static List<Photo> readPhotos(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty() || !parseCsv(lines.get(0)).equals(PHOTO_COLUMNS)) {
      throw new IOException(file + " is not a photos.csv (header " + PHOTO_COLUMNS + ")");
    }
    List<Photo> photos = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> f = parseCsv(line);
      photos.add(
          new Photo(
              f.get(0),
              f.get(1),
              f.get(2),
              f.get(3),
              Integer.parseInt(f.get(4)),
              Integer.parseInt(f.get(5)),
              f.get(6),
              f.get(7),
              f.get(8),
              f.get(9),
              f.get(10)));
    }
    return photos;
  }

  public static void writeLabels(Path file, List<Entry> entries) throws IOException {
    StringBuilder out = new StringBuilder("file,photo,edit,source,kind,scene,detail\n");
    for (Entry e : entries) {
      out.append(csv(e.file(), e.photo(), e.edit(), e.source(), e.kind(), e.scene(), e.detail()));
    }
    Files.writeString(file, out);
  }

  private static String csv(String... fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i] == null ? "" : fields[i];
      if (i > 0) {
        line.append(',');
      }
      if (f.contains(",") || f.contains("\"") || f.contains("\n")) {
        line.append('"').append(f.replace("\"", "\"\"").replace("\n", " ")).append('"');
      } else {
        line.append(f);
      }
    }
    return line.append('\n').toString();
  }

  private static List<String> parseCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }

  static Map<String, String> readVersions(Path file) throws IOException {
    Map<String, String> versions = new HashMap<>();
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split("\t");
        if (f.length >= 2) {
          versions.put(f[0], f[1]);
        }
      }
    }
    return versions;
  }
}
