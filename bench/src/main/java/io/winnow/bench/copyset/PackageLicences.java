package io.winnow.bench.copyset;

import io.winnow.bench.copyset.PhotoSources.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A photo's licence note for photos.csv, read from where its package states it: skimage's and
 * sklearn's docs ({@link PhotoSources#LICENCE_NOTES}), GCompris' READMEs inside its rcc archives,
 * Palapeli's .desktop files, or the package's machine-readable debian/copyright.
 */
final class PackageLicences {
  private PackageLicences() {}

  /** A photo's licence as its package states it, and the upstream file it was made from. */
  record Licence(String note, String upstream) {}

  static Licence licence(Path root, Source source, String path) throws IOException {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (PhotoSources.LICENCE_NOTES.containsKey(name) && !source.pkg().equals("gcompris-qt-data")) {
      return new Licence(PhotoSources.LICENCE_NOTES.get(name), "");
    }
    if (source.pkg().equals(PhotoSources.FACE_API)) {
      return new Licence("not stated (package licence MIT; photo provenance not given)", "");
    }
    int bang = path.indexOf("!/");
    if (bang >= 0) {
      return gcomprisReadme(
          RccArchive.open(root.resolve(path.substring(1, bang))), path.substring(bang + 2));
    }
    Path desktop = root.resolve(path.substring(1).replaceAll("\\.[^.]+$", ".desktop"));
    if (Files.isRegularFile(desktop)) {
      return palapeliDesktop(desktop);
    }
    return new Licence(
        debianCopyright(root.resolve("usr/share/doc/" + source.pkg() + "/copyright"), name), "");
  }

  /** GCompris keeps a README beside its images: stanzas of Copyright/Source/License/Files. */
  private static Licence gcomprisReadme(RccArchive archive, String entry) throws IOException {
    for (String dir = entry; dir.contains("/"); ) {
      dir = dir.substring(0, dir.lastIndexOf('/'));
      String readme =
          archive.names().contains(dir + "/README")
              ? dir + "/README"
              : archive.names().contains(dir + "/readme") ? dir + "/readme" : null;
      if (readme == null) {
        continue;
      }
      String relative = entry.substring(dir.length() + 1);
      for (Map<String, String> stanza :
          stanzas(new String(archive.read(readme), StandardCharsets.UTF_8))) {
        List<String> files = List.of(stanza.getOrDefault("Files", "").trim().split("\\s+"));
        if (files.contains(relative)) {
          String upstream = stanza.getOrDefault("Source", "").trim();
          return new Licence(
              join(stanza.get("License"), stanza.get("Copyright"), upstream), upstream);
        }
      }
    }
    return new Licence("GPL-3+ (gcompris-qt-data default, per debian/copyright)", "");
  }

  private static Licence palapeliDesktop(Path desktop) throws IOException {
    Map<String, String> keys = new HashMap<>();
    for (String line : Files.readAllLines(desktop)) {
      int eq = line.indexOf('=');
      if (line.startsWith("X-KDE-PluginInfo-") && eq > 0) {
        keys.putIfAbsent(line.substring(17, eq), line.substring(eq + 1).trim());
      }
    }
    return new Licence(join(keys.get("License"), keys.get("Author"), keys.get("Website")), "");
  }

  /** The machine-readable debian/copyright stanza whose Files pattern names the file. */
  private static String debianCopyright(Path copyright, String name) throws IOException {
    if (!Files.isRegularFile(copyright)) {
      return "not stated";
    }
    String fallback = null;
    String match = null;
    for (Map<String, String> stanza : stanzas(Files.readString(copyright))) {
      String files = stanza.get("Files");
      if (files == null) {
        continue;
      }
      String note =
          join(firstLine(stanza.get("License")), firstLine(stanza.get("Copyright")))
              + ", per debian/copyright";
      for (String pattern : files.trim().split("\\s+")) {
        String last = pattern.substring(pattern.lastIndexOf('/') + 1);
        if (pattern.equals("*")) {
          fallback = note;
        } else if (!last.equals("*") && PhotoFinder.matcher(last).matches(Path.of(name))) {
          match = note;
        }
      }
    }
    return match != null ? match : fallback != null ? fallback : "not stated";
  }

  /** RFC 822-like stanzas (debian/copyright, GCompris READMEs): blank-line separated fields. */
  private static List<Map<String, String>> stanzas(String text) {
    List<Map<String, String>> stanzas = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String field = null;
    Pattern header = Pattern.compile("^([A-Za-z-]+):\\s*(.*)$");
    for (String line : text.split("\r?\n")) {
      Matcher m = header.matcher(line);
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          stanzas.add(current);
        }
        current = new LinkedHashMap<>();
        field = null;
      } else if (m.matches() && !line.startsWith(" ")) {
        field = m.group(1);
        current.merge(field, m.group(2), (a, b) -> a + "\n" + b);
      } else if (field != null) {
        current.merge(field, line.trim(), (a, b) -> a + "\n" + b);
      }
    }
    if (!current.isEmpty()) {
      stanzas.add(current);
    }
    return stanzas;
  }

  private static String firstLine(String s) {
    return s == null ? null : s.strip().split("\n")[0];
  }

  private static String join(String... parts) {
    List<String> kept = new ArrayList<>();
    for (String p : parts) {
      if (p != null && !p.isBlank()) {
        kept.add(p.strip().replaceAll("\\s+", " "));
      }
    }
    return kept.isEmpty() ? "not stated" : String.join("; ", kept);
  }
}
