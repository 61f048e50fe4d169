package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.SetImages.decode;
import static io.winnow.bench.copyset.SetImages.fitLongSide;
import static io.winnow.bench.copyset.SetImages.grey;
import static io.winnow.bench.copyset.SetImages.read;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.bench.copyset.PhotoSources.Source;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Finds the files (or rcc archive entries) a source names under the sources folder and reads each
 * into a {@link Candidate}, or says on stderr why it is not one: not a photograph, does not decode,
 * too small, too uniform.
 */
final class PhotoFinder {
  static final int MIN_SHORT_SIDE = 200;

  /** Grey standard deviation (0-255, at 64 px) under which an image is too uniform to use. */
  static final double MIN_CONTRAST = 8;

  private PhotoFinder() {}

  /** Relative paths (with a leading '/') of the files or archive entries a source names. */
  static List<String> find(Path sources, Source source) throws IOException {
    Path root = sources.resolve(source.root());
    int bang = source.glob().indexOf("!/");
    List<String> found = new ArrayList<>();
    if (bang >= 0) {
      String archive = source.glob().substring(0, bang);
      PathMatcher entries = matcher(source.glob().substring(bang + 2));
      Path file = root.resolve(archive);
      if (!Files.isRegularFile(file)) {
        return found;
      }
      for (String entry : RccArchive.open(file).names()) {
        if (entries.matches(Path.of(entry))) {
          found.add("/" + archive + "!/" + entry);
        }
      }
      return found;
    }
    if (!Files.isDirectory(root)) {
      return found;
    }
    PathMatcher files = matcher(source.glob());
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .map(root::relativize)
          .filter(files::matches)
          .sorted()
          .forEach(p -> found.add((source.root().startsWith("npm/") ? "" : "/") + p));
    }
    return found;
  }

  static PathMatcher matcher(String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  /** Decodes one file and keeps it if it is large and varied enough; null (and why) if not. */
  static Candidate candidate(Path sources, Path base, Source source, String path)
      throws IOException {
    String key = source.pkg() + ":" + path;
    if (PhotoSources.NOT_PHOTOGRAPHS.contains(key)) {
      System.err.println("skip (not a photograph): " + key);
      return null;
    }
    Path root = sources.resolve(source.root());
    String location =
        base.relativize(root.toAbsolutePath())
            + "/"
            + (path.startsWith("/") ? path.substring(1) : path);
    try (PointerScope scope = new PointerScope()) {
      Mat image = decode(read(base, location));
      if (image == null) {
        System.err.println("skip (does not decode): " + key);
        return null;
      }
      int shortSide = Math.min(image.cols(), image.rows());
      if (shortSide < MIN_SHORT_SIDE) {
        System.err.printf("skip (short side %d px < %d): %s%n", shortSide, MIN_SHORT_SIDE, key);
        return null;
      }
      Mat grey = grey(fitLongSide(image, 128));
      double contrast = contrast(grey);
      if (contrast < MIN_CONTRAST) {
        System.err.printf(Locale.ROOT, "skip (near-uniform, grey sd %.1f): %s%n", contrast, key);
        return null;
      }
      byte[] thumb = new byte[grey.cols() * grey.rows()];
      try (UByteIndexer px = grey.createIndexer()) {
        for (int y = 0; y < grey.rows(); y++) {
          for (int x = 0; x < grey.cols(); x++) {
            thumb[y * grey.cols() + x] = (byte) px.get(y, x);
          }
        }
      }
      PackageLicences.Licence licence = PackageLicences.licence(root, source, path);
      return new Candidate(
          source,
          path,
          location,
          image.cols(),
          image.rows(),
          new Thumb(grey.cols(), grey.rows(), thumb),
          licence.note(),
          licence.upstream());
    }
  }

  private static double contrast(Mat grey) {
    Mat small = new Mat();
    resize(grey, small, new Size(64, 64), 0, 0, INTER_AREA);
    Mat mean = new Mat();
    Mat sd = new Mat();
    meanStdDev(small, mean, sd);
    try (DoubleIndexer idx = sd.createIndexer()) {
      return idx.get(0);
    }
  }
}
