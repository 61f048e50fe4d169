package io.winnow.pipeline.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The demo's URL list: each row says what it shows, and the outcome it should have. */
public final class DemoCorpus {
  /** One row of the list. {@code expected} is "accepted" or a rejection reason's wire name. */
  public record Entry(String path, String caption, String expected) {}

  /** Marks a path served under the host name {@code localhost}, which the demo block list names. */
  static final String LOCALHOST = "{localhost}";

  public static final List<Entry> ENTRIES =
      List.of(
          new Entry("/images/astronaut.jpg", "Astronaut Eileen Collins", "accepted"),
          new Entry("/images/camera.jpg", "A man with a camera", "accepted"),
          new Entry("/images/chelsea.jpg", "Chelsea the cat", "accepted"),
          new Entry(
              "/images/chelsea_near_duplicate.jpg",
              "Chelsea again, smaller (near-duplicate)",
              "near-duplicate"),
          new Entry("/images/coffee.jpg", "A cup of coffee", "accepted"),
          new Entry("/images/rocket.jpg", "A rocket launch", "accepted"),
          new Entry("/images/hubble_deep_field.jpg", "Hubble deep field", "accepted"),
          new Entry("/images/retina.jpg", "A human retina", "accepted"),
          new Entry("/images/brick.jpg", "Brick wall", "accepted"),
          new Entry("/images/grass.jpg", "Grass", "accepted"),
          new Entry("/images/gravel.jpg", "Gravel", "accepted"),
          new Entry("/images/horse.png", "A horse silhouette (PNG)", "accepted"),
          new Entry("/images/gradient.png", "A colour gradient (generated PNG)", "accepted"),
          new Entry("/images/shapes.jpg", "Shapes (generated)", "accepted"),
          new Entry("/redirect/clock_motion.jpg", "A clock, behind a redirect", "accepted"),
          // Same bytes as /images/shapes.jpg: one of the two is kept (the smaller key, so which
          // one depends on the demo server's port), the other is an exact duplicate.
          new Entry(
              "/flaky/shapes.jpg?copy=2",
              "Shapes from a server that fails once",
              "exact-duplicate"),
          new Entry("/images/chelsea.jpg#again", "The cat's URL again", "duplicate-url"),
          new Entry("/images/tiny-icon.png", "A 16×16 icon", "image-too-small"),
          new Entry("/images/truncated.jpg", "A JPEG cut short", "truncated-image"),
          new Entry("/page.jpg", "HTML served as image/jpeg", "not-an-image"),
          new Entry("/missing.jpg", "A missing image", "http-not-found"),
          new Entry("/loop/a", "A redirect loop", "redirect-loop"),
          new Entry("/escape", "A redirect to a loopback port", "blocked-address"),
          new Entry("ftp://example.invalid/image.jpg", "Not http", "unsupported-scheme"),
          new Entry(
              "/private/brick.jpg", "Disallowed by the server's robots.txt", "robots-disallowed"),
          new Entry("/noai/grass.jpg", "Served with X-Robots-Tag: noai", "opt-out-header"),
          new Entry("/images/gravel.jpg?opt-out", "On the demo's opt-out list", "opted-out"),
          new Entry(
              LOCALHOST + "/images/coffee.jpg",
              "On a blocked host (the demo block list)",
              "unsafe-domain"));

  private DemoCorpus() {}

  /** The entry's URL on a demo server at {@code baseUrl} ({@code http://127.0.0.1:PORT}). */
  public static String url(Entry entry, String baseUrl) {
    if (entry.path().contains("://")) {
      return entry.path();
    }
    if (entry.path().startsWith(LOCALHOST)) {
      return baseUrl.replace("127.0.0.1", "localhost") + entry.path().substring(LOCALHOST.length());
    }
    return baseUrl + entry.path();
  }

  /**
   * The demo's block list ({@code localhost}) and opt-out list (one URL), written to {@code dir}.
   */
  public static SafetyListFiles writeSafetyLists(Path dir, String baseUrl) throws IOException {
    Files.createDirectories(dir);
    Path block =
        Files.write(
            dir.resolve("block-list.txt"),
            List.of(
                "# Demo block list: rules are example.com, *.example.com, =host or sha256:HEX",
                "=localhost"),
            StandardCharsets.UTF_8);
    Path optOut =
        Files.write(
            dir.resolve("opt-out-list.txt"),
            List.of(
                "# Demo opt-out list: URLs, or domain rules",
                baseUrl + "/images/gravel.jpg?opt-out"),
            StandardCharsets.UTF_8);
    return new SafetyListFiles(block.toString(), optOut.toString());
  }

  /** Where {@link #writeSafetyLists} put the lists. */
  public record SafetyListFiles(String blockList, String optOutList) {}

  /** Writes the list as CSV (url, caption) with URLs on {@code baseUrl}. */
  public static Path writeUrlList(Path file, String baseUrl) throws IOException {
    Files.createDirectories(file.getParent());
    List<String> lines = new ArrayList<>();
    lines.add("url,caption");
    for (Entry entry : ENTRIES) {
      String url = url(entry, baseUrl);
      lines.add(url + ",\"" + entry.caption().replace("\"", "\"\"") + "\"");
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }
}
