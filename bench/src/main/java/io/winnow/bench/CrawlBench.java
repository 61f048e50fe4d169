package io.winnow.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import com.sun.net.httpserver.HttpServer;
import io.winnow.crawl.FetchSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.schemas.RunSummary;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Fetch + decode + resize + write throughput of the whole Winnow pipeline, beside the two limits
 * measured in the same run on the same images and the same loopback server:
 *
 * <ol>
 *   <li>HTTP limit: the server driven by a plain HTTP client at the same concurrency, and by wrk
 *       when it is installed (bench/crawl-bench.sh installs it);
 *   <li>decode limit: OpenCV decode + resize + JPEG encode alone, one thread per core.
 * </ol>
 *
 * Usage: {@code CrawlBench [images] [width] [height] [runner] [corpus] [dedup]}; defaults 4000 640
 * 480 flink scenes verified. Dedup {@code verified} (the default pipeline) or {@code embedding} (as
 * {@code --no-dedup-verify}: the embedding alone decides, fingerprints are still made), to show
 * what verification costs. Corpus {@code scenes} (the default): distinct pictures of random shapes,
 * text and noise, which dedup keeps as a web crawl keeps most of its images; {@code pattern}: one
 * XOR pattern shifted per image, every image a near-copy of every other (the corpus before
 * 2026-12-02, a worst case for copy verification, where dedup removes all but one).
 */
public final class CrawlBench {
  public static void main(String[] args) throws Exception {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    int width = args.length > 1 ? Integer.parseInt(args[1]) : 640;
    int height = args.length > 2 ? Integer.parseInt(args[2]) : 480;
    String runner = args.length > 3 ? args[3] : "flink";
    String kind = args.length > 4 ? args[4] : "scenes";
    String dedup = args.length > 5 ? args[5] : "verified";
    if (!dedup.equals("verified") && !dedup.equals("embedding")) {
      throw new IllegalArgumentException("dedup is verified or embedding, not " + dedup);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int concurrency = 32;

    System.out.printf(
        Locale.ROOT,
        "crawl bench: %d JPEGs of %dx%d (%s), %d cores, runner %s, " + "dedup %s%n",
        images,
        width,
        height,
        kind,
        cores,
        runner,
        dedup);
    List<byte[]> corpus =
        switch (kind) {
          case "scenes" -> sceneImages(images, width, height);
          case "pattern" -> makeImages(images, width, height);
          default -> throw new IllegalArgumentException("corpus is scenes or pattern, not " + kind);
        };
    long totalBytes = corpus.stream().mapToLong(b -> b.length).sum();
    System.out.printf(
        Locale.ROOT,
        "corpus: %.1f MB, %.1f KB per image%n",
        totalBytes / 1e6,
        totalBytes / 1e3 / images);

    HttpServer server = serve(corpus);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();

    try {
      double plain = CrawlLimits.plainHttp(base, images, concurrency);
      double wrk = CrawlLimits.wrk(base, images, concurrency);
      double http = Math.max(plain, Double.isNaN(wrk) ? 0 : wrk);
      double decode = CrawlLimits.decodeOnly(corpus, cores);
      SteadyRate steady = new SteadyRate(images);
      RunSummary summary =
          winnow(base, images, concurrency, runner, cores, dedup.equals("verified"));
      steady.stop();
      double pipeline = summary.accepted() / summary.wallSeconds();
      double limit = Math.min(http, decode);
      System.out.println();
      System.out.printf(Locale.ROOT, "%-44s %10s %14s%n", "measure", "images/s", "per core");
      row("HTTP limit (plain OkHttp client loop)", plain, cores);
      if (!Double.isNaN(wrk)) {
        row("HTTP limit (wrk, same server and URLs)", wrk, cores);
      }
      row("decode limit (OpenCV decode+resize+encode)", decode, cores);
      row("Winnow fetch+decode+resize+write (" + runner + ")", pipeline, cores);
      row("  same, steady state (10%..90% fetched)", steady.rate(), cores);
      System.out.printf(Locale.ROOT, "ratio Winnow / HTTP limit    = %.2f%n", pipeline / http);
      System.out.printf(Locale.ROOT, "ratio Winnow / decode limit  = %.2f%n", pipeline / decode);
      System.out.printf(Locale.ROOT, "ratio Winnow / lower limit   = %.2f%n", pipeline / limit);
      System.out.printf(
          Locale.ROOT, "ratio Winnow steady / lower limit = %.2f%n", steady.rate() / limit);
      System.out.printf(
          Locale.ROOT,
          "(Winnow wall time %.1f s includes job start-up; accepted %d of %d)%n",
          summary.wallSeconds(),
          summary.accepted(),
          summary.input());
      System.out.printf(
          Locale.ROOT, "(rejected by stage and reason: %s)%n", summary.rejectedByReason());
    } finally {
      server.stop(0);
    }
    System.exit(0);
  }

  /**
   * Serves image i at /img/i.jpg on loopback; anything else (robots.txt) is 404, so every image may
   * be fetched.
   */
  static HttpServer serve(List<byte[]> corpus) throws java.io.IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.createContext(
        "/",
        exchange -> {
          if (!exchange.getRequestURI().getPath().startsWith("/img/")) {
            exchange.sendResponseHeaders(404, -1); // robots.txt: none, so everything is allowed
            exchange.close();
            return;
          }
          int index = Integer.parseInt(exchange.getRequestURI().getPath().replaceAll("\\D", ""));
          byte[] body = corpus.get(index);
          exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    return server;
  }

  private static void row(String name, double rate, int cores) {
    System.out.printf(Locale.ROOT, "%-44s %10.1f %14.1f%n", name, rate, rate / cores);
  }

  /** Distinct pictures ({@link io.winnow.pipeline.demo.SceneServer#scene}), made up front. */
  static List<byte[]> sceneImages(int n, int width, int height) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(io.winnow.pipeline.demo.SceneServer.scene(i, width, height));
    }
    return out;
  }

  /**
   * One XOR pattern shifted per image, with noise: every image a near-copy of every other (the
   * refresh bench's corpus, and the crawl bench's {@code pattern} worst case).
   */
  static List<byte[]> makeImages(int n, int width, int height) {
    List<byte[]> out = new ArrayList<>(n);
    java.util.Random random = new java.util.Random(42);
    byte[] pixels = new byte[width * height * 3];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int p = (y * width + x) * 3;
          pixels[p] = (byte) ((x + i * 7) & 0xff);
          pixels[p + 1] = (byte) ((y + i * 13) & 0xff);
          pixels[p + 2] = (byte) (((x ^ y) + i + random.nextInt(32)) & 0xff);
        }
      }
      try (PointerScope scope = new PointerScope()) {
        Mat mat = new Mat(height, width, CV_8UC3);
        mat.data().put(pixels);
        out.add(jpeg(mat));
      }
    }
    return out;
  }

  private static byte[] jpeg(Mat mat) {
    BytePointer encoded = new BytePointer();
    imencode(".jpg", mat, encoded, new IntPointer(IMWRITE_JPEG_QUALITY, 90));
    byte[] bytes = new byte[(int) encoded.limit()];
    encoded.get(bytes);
    return bytes;
  }

  static RunSummary winnow(
      String base, int images, int concurrency, String runner, int cores, boolean verify)
      throws Exception {
    Path dir = Files.createTempDirectory("winnow-bench");
    Path urls = dir.resolve("urls.txt");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      lines.add(base + "/img/" + i + ".jpg");
    }
    Files.write(urls, lines);
    String endpoint = base.substring("http://".length());
    FetchSettings fetch =
        FetchSettings.defaults()
            .withAllowedEndpoints(Set.of(endpoint))
            .withConcurrency(concurrency, concurrency);
    WinnowConfig config =
        WinnowConfig.of(List.of(urls.toString()), dir.resolve("out").toString())
            .withFetch(fetch)
            // Several shards, as any real run has, so writing is spread over the cores too.
            .withSamplesPerShard(Math.max(1, images / (2 * cores)));
    if (!verify) {
      io.winnow.pipeline.DedupSettings d = config.dedup();
      config =
          config.withDedup(
              new io.winnow.pipeline.DedupSettings(
                  d.threshold(),
                  d.candidateFloor(),
                  false,
                  d.k(),
                  d.componentRounds(),
                  d.partitionSize(),
                  d.probes(),
                  d.evalSets(),
                  d.evalThreshold()));
    }
    boolean progress = System.getenv("WINNOW_BENCH_PROGRESS") != null;
    return RunWinnow.run(
        config, RunWinnow.options(runner, cores), progress ? System.err : null, progress);
  }
}
