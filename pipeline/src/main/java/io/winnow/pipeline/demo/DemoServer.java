package io.winnow.pipeline.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the bundled demo corpus on 127.0.0.1, with the faults a web crawl meets: a 404, a
 * redirect, a redirect loop, a redirect to a forbidden address, a server error that clears on
 * retry, a broken image, and an HTML page that claims to be a JPEG.
 */
public final class DemoServer implements AutoCloseable {
  private static final String IMAGES = "/demo/images/";
  private final HttpServer server;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  private DemoServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts on a free loopback port, or on {@code -Dwinnow.demo.port}: sample keys are hashes of the
   * URLs, so two demos give byte-identical shards only on the same port.
   */
  public static DemoServer start() throws IOException {
    int port = Integer.getInteger("winnow.demo.port", 0);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    DemoServer demo = new DemoServer(server);
    server.createContext("/", demo::handle);
    server.setExecutor(
        Executors.newFixedThreadPool(
            8,
            runnable -> {
              Thread thread = new Thread(runnable, "winnow-demo-server");
              thread.setDaemon(true);
              return thread;
            }));
    server.start();
    return demo;
  }

  /** {@code http://127.0.0.1:PORT} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The {@code ip:port} the crawler must be allowed to reach. */
  public String endpoint() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      if (path.startsWith("/images/")) {
        serveImage(exchange, path.substring("/images/".length()));
      } else if (path.equals("/robots.txt")) {
        send(
            exchange,
            200,
            "text/plain",
            ("User-agent: *\nDisallow: /private/\n").getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/private/")) {
        serveImage(exchange, path.substring("/private/".length()));
      } else if (path.startsWith("/noai/")) {
        exchange.getResponseHeaders().set("X-Robots-Tag", "noai");
        serveImage(exchange, path.substring("/noai/".length()));
      } else if (path.startsWith("/redirect/")) {
        redirect(exchange, "/images/" + path.substring("/redirect/".length()));
      } else if (path.equals("/loop/a")) {
        redirect(exchange, "/loop/b");
      } else if (path.equals("/loop/b")) {
        redirect(exchange, "/loop/a");
      } else if (path.equals("/escape")) {
        // Port 1 on loopback: the address guard must refuse it before any connection.
        redirect(exchange, "http://127.0.0.1:1/private.jpg");
      } else if (path.startsWith("/flaky/")) {
        if (hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet() == 1) {
          exchange.getResponseHeaders().set("Retry-After", "0");
          send(exchange, 503, "text/plain", "busy, try again".getBytes(StandardCharsets.UTF_8));
        } else {
          serveImage(exchange, path.substring("/flaky/".length()));
        }
      } else if (path.equals("/page.jpg")) {
        send(
            exchange,
            200,
            "image/jpeg",
            "<!doctype html><html><body>Not an image</body></html>"
                .getBytes(StandardCharsets.UTF_8));
      } else {
        send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void serveImage(HttpExchange exchange, String name) throws IOException {
    if (name.contains("/") || name.contains("..")) {
      send(exchange, 404, "text/plain", new byte[0]);
      return;
    }
    try (InputStream in = DemoServer.class.getResourceAsStream(IMAGES + name)) {
      if (in == null) {
        send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
        return;
      }
      send(exchange, 200, name.endsWith(".png") ? "image/png" : "image/jpeg", in.readAllBytes());
    }
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    send(exchange, 302, "text/plain", new byte[0]);
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
