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

  public static final List<Entry> ENTRIES = List.of(
      new Entry("/images/astronaut.jpg", "Astronaut Eileen Collins", "accepted"),
      new Entry("/images/camera.jpg", "A man with a camera", "accepted"),
      new Entry("/images/chelsea.jpg", "Chelsea the cat", "accepted"),
      new Entry("/images/chelsea_near_duplicate.jpg", "Chelsea again, smaller (near-duplicate)",
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
      new Entry("/flaky/shapes.jpg?copy=2", "Shapes from a server that fails once", "exact-duplicate"),
      new Entry("/images/chelsea.jpg#again", "The cat's URL again", "duplicate-url"),
      new Entry("/images/tiny-icon.png", "A 16×16 icon", "image-too-small"),
      new Entry("/images/truncated.jpg", "A JPEG cut short", "truncated-image"),
      new Entry("/page.jpg", "HTML served as image/jpeg", "not-an-image"),
      new Entry("/missing.jpg", "A missing image", "http-not-found"),
      new Entry("/loop/a", "A redirect loop", "redirect-loop"),
      new Entry("/escape", "A redirect to a loopback port", "blocked-address"),
      new Entry("ftp://example.invalid/image.jpg", "Not http", "unsupported-scheme"));

  private DemoCorpus() {}

  /** Writes the list as CSV (url, caption) with URLs on {@code baseUrl}. */
  public static Path writeUrlList(Path file, String baseUrl) throws IOException {
    Files.createDirectories(file.getParent());
    List<String> lines = new ArrayList<>();
    lines.add("url,caption");
    for (Entry entry : ENTRIES) {
      String url = entry.path().contains("://") ? entry.path() : baseUrl + entry.path();
      lines.add(url + ",\"" + entry.caption().replace("\"", "\"\"") + "\"");
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }
}
