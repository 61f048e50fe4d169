package io.winnow.pipeline.demo;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.ellipse;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A corpus of any size made on request: {@code /img/N.jpg} is picture N of {@link #scene}, the same
 * bytes every time; anything else (robots.txt) is 404, so every image may be fetched. For real-size
 * runs (benches, cluster tests) without storing gigabytes of images.
 */
public final class SceneServer implements AutoCloseable {
  private final HttpServer server;
  private final int width;
  private final int height;
  private final AtomicLong requests = new AtomicLong();

  private SceneServer(HttpServer server, int width, int height) {
    this.server = server;
    this.width = width;
    this.height = height;
  }

  /** Serves {@code width x height} scenes on 127.0.0.1. */
  public static SceneServer start(int width, int height) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    SceneServer scenes = new SceneServer(http, width, height);
    http.createContext("/", scenes::handle);
    http.setExecutor(
        Executors.newFixedThreadPool(
            8,
            runnable -> {
              Thread thread = new Thread(runnable, "winnow-scene-server");
              thread.setDaemon(true);
              return thread;
            }));
    http.start();
    return scenes;
  }

  /** The {@code ip:port} the crawler must be allowed to reach. */
  public String endpoint() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Image requests answered so far. */
  public long requests() {
    return requests.get();
  }

  /** Writes a URL list of scenes {@code 0..count-1}. */
  public Path writeUrlList(Path file, int count) throws IOException {
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      lines.add("http://" + endpoint() + "/img/" + i + ".jpg");
    }
    return Files.write(file, lines);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.matches("/img/\\d{1,9}\\.jpg")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      requests.incrementAndGet();
      byte[] body = scene(Integer.parseInt(path.replaceAll("\\D", "")), width, height);
      exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * Picture {@code index}, from its own seed: a two-colour gradient, a dozen filled and outlined
   * shapes, a line of text and pixel noise (so JPEG sizes are photo-like). No two are copies of
   * each other, so dedup verifies candidates and keeps them, as on a real crawl.
   */
  public static byte[] scene(int index, int width, int height) {
    byte[] pixels = new byte[width * height * 3];
    Random random = new Random(1_000_003L * index + 17);
    int[] from = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
    int[] to = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
    double angle = random.nextDouble() * Math.PI;
    double cx = Math.cos(angle);
    double cy = Math.sin(angle);
    double span = Math.abs(cx) * width + Math.abs(cy) * height;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double t = ((cx >= 0 ? x : x - width) * cx + (cy >= 0 ? y : y - height) * cy) / span;
        int p = (y * width + x) * 3;
        for (int c = 0; c < 3; c++) {
          int v = (int) (from[c] + t * (to[c] - from[c])) + random.nextInt(17) - 8;
          pixels[p + c] = (byte) Math.max(0, Math.min(255, v));
        }
      }
    }
    try (PointerScope scope = new PointerScope()) {
      Mat mat = new Mat(height, width, CV_8UC3);
      mat.data().put(pixels);
      int shapes = 8 + random.nextInt(8);
      for (int k = 0; k < shapes; k++) {
        Scalar colour =
            new Scalar(random.nextInt(256), random.nextInt(256), random.nextInt(256), 0);
        int thickness = random.nextBoolean() ? -1 : 1 + random.nextInt(6);
        Point a = new Point(random.nextInt(width), random.nextInt(height));
        switch (random.nextInt(4)) {
          case 0 -> circle(mat, a, 5 + random.nextInt(height / 4), colour, thickness, LINE_AA, 0);
          case 1 ->
              rectangle(
                  mat,
                  a,
                  new Point(random.nextInt(width), random.nextInt(height)),
                  colour,
                  thickness,
                  LINE_8,
                  0);
          case 2 ->
              ellipse(
                  mat,
                  a,
                  new Size(10 + random.nextInt(width / 4), 10 + random.nextInt(height / 4)),
                  random.nextInt(180),
                  0,
                  360,
                  colour,
                  thickness,
                  LINE_AA,
                  0);
          default ->
              line(
                  mat,
                  a,
                  new Point(random.nextInt(width), random.nextInt(height)),
                  colour,
                  1 + random.nextInt(8),
                  LINE_AA,
                  0);
        }
      }
      putText(
          mat,
          "scene " + index + " " + Long.toHexString(random.nextLong()),
          new Point(10 + random.nextInt(width / 3), 30 + random.nextInt(height - 40)),
          FONT_HERSHEY_SIMPLEX,
          0.6 + random.nextDouble(),
          new Scalar(random.nextInt(256), random.nextInt(256), random.nextInt(256), 0),
          2,
          LINE_AA,
          false);
      BytePointer encoded = new BytePointer();
      imencode(".jpg", mat, encoded, new IntPointer(IMWRITE_JPEG_QUALITY, 90));
      byte[] bytes = new byte[(int) encoded.limit()];
      encoded.get(bytes);
      return bytes;
    }
  }
}
