package io.winnow.bench;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * Owns the two limits the crawl bench sets Winnow's throughput beside, in images per second: the
 * HTTP limit (the loopback server driven by a plain client loop, and by wrk) and the decode limit
 * (OpenCV decode + resize + encode alone).
 */
final class CrawlLimits {
  private CrawlLimits() {}

  /** One unit of work, by index; it may throw, as the HTTP call does. */
  private interface PerIndex {
    void run(int i) throws Exception;
  }

  static double plainHttp(String base, int images, int concurrency) throws Exception {
    OkHttpClient client =
        new OkHttpClient.Builder()
            .connectionPool(
                new ConnectionPool(concurrency, 1, java.util.concurrent.TimeUnit.MINUTES))
            .build();
    double rate =
        acrossThreads(
            concurrency,
            images,
            i -> {
              try (Response response =
                  client
                      .newCall(new Request.Builder().url(base + "/img/" + i + ".jpg").build())
                      .execute()) {
                response.body().bytes();
              }
            });
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
    return acrossThreads(
        threads,
        corpus.size(),
        i -> {
          byte[] bytes = corpus.get(i);
          try (PointerScope scope = new PointerScope()) {
            Mat image =
                imdecode(new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes)), IMREAD_COLOR);
            double scale = 256.0 / Math.max(image.cols(), image.rows());
            Mat small = new Mat();
            resize(
                image,
                small,
                new Size(
                    (int) Math.round(image.cols() * scale), (int) Math.round(image.rows() * scale)),
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
        });
  }

  /**
   * Runs {@code work} once for each index below {@code count}, the threads taking the next index as
   * they finish one (as a crawler's workers take the next URL); returns indices per second.
   */
  private static double acrossThreads(int threads, int count, PerIndex work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                  work.run(i);
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    double rate = count / ((System.nanoTime() - start) / 1e9);
    pool.shutdown();
    return rate;
  }
}
