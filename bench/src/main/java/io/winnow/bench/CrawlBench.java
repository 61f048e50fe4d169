package io.winnow.bench;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

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
      double plain = plainHttp(base, images, concurrency);
      double wrk = wrk(base, images, concurrency);
      double http = Math.max(plain, Double.isNaN(wrk) ? 0 : wrk);
      double decode = decodeOnly(corpus, cores);
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

  /** Fetch rate between 10% and 90% of the URLs fetched: the run without start-up and tail. */
  static final class SteadyRate {
    private final Thread sampler;
    private volatile double rate = Double.NaN;

    SteadyRate(int images) {
      sampler =
          new Thread(
              () -> {
                long t10 = 0;
                long t90 = 0;
                while (!Thread.currentThread().isInterrupted() && t90 == 0) {
                  long fetched = io.winnow.schemas.Progress.global().snapshot().fetched();
                  long now = System.nanoTime();
                  if (t10 == 0 && fetched >= images / 10) {
                    t10 = now;
                  }
                  if (fetched >= images * 9L / 10) {
                    t90 = now;
                  }
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                rate = (images * 0.8) / ((t90 - t10) / 1e9);
              },
              "steady-rate");
      sampler.setDaemon(true);
      sampler.start();
    }

    void stop() throws InterruptedException {
      sampler.join(1000);
      sampler.interrupt();
    }

    double rate() {
      return rate;
    }
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

  static double plainHttp(String base, int images, int concurrency) throws Exception {
    OkHttpClient client =
        new OkHttpClient.Builder()
            .connectionPool(
                new ConnectionPool(concurrency, 1, java.util.concurrent.TimeUnit.MINUTES))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      workers.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < images; i = next.getAndIncrement()) {
                  try (Response response =
                      client
                          .newCall(new Request.Builder().url(base + "/img/" + i + ".jpg").build())
                          .execute()) {
                    response.body().bytes();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    double rate = images / ((System.nanoTime() - start) / 1e9);
    pool.shutdown();
    client.connectionPool().evictAll();
    return rate;
  }

  /** The same server driven by wrk over the same URLs, when wrk is installed; NaN otherwise. */
  static double wrk(String base, int images, int concurrency) throws Exception {
    Path script = Files.createTempFile("winnow-wrk", ".lua");
    Files.writeString(
        script,
        "counter = 0\n"
            + "request = function()\n"
            + "  local path = \"/img/\" .. (counter % "
            + images
            + ") .. \".jpg\"\n"
            + "  counter = counter + 1\n"
            + "  return wrk.format(\"GET\", path)\n"
            + "end\n");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "wrk", "-t2", "-c" + concurrency, "-d10s", "-s", script.toString(), base)
              .redirectErrorStream(true)
              .start();
    } catch (java.io.IOException notInstalled) {
      return Double.NaN;
    }
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    var matcher = java.util.regex.Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
  }

  static double decodeOnly(List<byte[]> corpus, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement();
                    i < corpus.size();
                    i = next.getAndIncrement()) {
                  byte[] bytes = corpus.get(i);
                  try (PointerScope scope = new PointerScope()) {
                    Mat image =
                        imdecode(
                            new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)),
                            IMREAD_COLOR);
                    double scale = 256.0 / Math.max(image.cols(), image.rows());
                    Mat small = new Mat();
                    resize(
                        image,
                        small,
                        new Size(
                            (int) Math.round(image.cols() * scale),
                            (int) Math.round(image.rows() * scale)),
                        0,
                        0,
                        INTER_AREA);
                    Mat padded = new Mat();
                    copyMakeBorder(
                        small,
                        padded,
                        (256 - small.rows()) / 2,
                        256 - small.rows() - (256 - small.rows()) / 2,
                        0,
                        0,
                        BORDER_CONSTANT,
                        new Scalar(0, 0, 0, 0));
                    BytePointer out = new BytePointer();
                    imencode(".jpg", padded, out, new IntPointer(IMWRITE_JPEG_QUALITY, 95));
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    return corpus.size() / ((System.nanoTime() - start) / 1e9);
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
                  d.maxEdges(),
                  d.evalSets(),
                  d.evalThreshold()));
    }
    boolean progress = System.getenv("WINNOW_BENCH_PROGRESS") != null;
    return RunWinnow.run(
        config, RunWinnow.options(runner, cores), progress ? System.err : null, progress);
  }
}
