package io.winnow.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * A real HTTP server on 127.0.0.1 with one path per fault a crawler meets. Paths: {@code
 * /ok/NAME.jpg}, {@code /ok/NAME.png}, {@code /missing.jpg} (404), {@code /flaky.jpg} (500, then
 * 200), {@code /rate-limited.jpg} (429 with Retry-After: 1, then 200), {@code /always-500.jpg},
 * {@code /slow.jpg} (body after 3 s), {@code /truncated.jpg}, {@code /huge.jpg} (declared and sent
 * larger than 256 KiB), {@code /huge-chunked.jpg} (no Content-Length), {@code /html.jpg} (HTML
 * served as image/jpeg), {@code /page.html} (text/html), {@code /loop/a} ↔ {@code /loop/b}, {@code
 * /redirect/NAME.jpg} (to /ok/NAME.jpg), {@code /to-loopback} (redirect to 127.0.0.1:1), {@code
 * /chain/N} (N redirects), {@code /empty.jpg}, {@code /proxy-auth.jpg} (407 from the origin),
 * {@code /request-timeout.jpg} (408), {@code /closing/NAME.jpg} (an image, then the connection
 * closed without {@code Connection: close}, as HTTP/1.0-style servers do).
 */
public final class FaultyImageServer implements AutoCloseable {
  public static final long HUGE_BYTES = 300 * 1024;
  private final MockWebServer server = new MockWebServer();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final byte[] jpeg = TestImages.jpeg(320, 240);
  private final byte[] png = TestImages.png(200, 150);

  public FaultyImageServer() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return respond(request.getUrl().encodedPath());
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getPort() + path;
  }

  public String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  public int requestCount() {
    return server.getRequestCount();
  }

  /** How many requests one path received. */
  public int hits(String path) {
    AtomicInteger count = hits.get(path);
    return count == null ? 0 : count.get();
  }

  public byte[] jpegBytes() {
    return jpeg.clone();
  }

  private MockResponse respond(String path) {
    int hit = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    if (path.startsWith("/ok/") && path.endsWith(".jpg")) {
      return image(jpeg, "image/jpeg");
    } else if (path.startsWith("/ok/") && path.endsWith(".png")) {
      return image(png, "image/png");
    } else if (path.equals("/flaky.jpg")) {
      return hit == 1 ? status(500) : image(jpeg, "image/jpeg");
    } else if (path.equals("/rate-limited.jpg")) {
      return hit == 1
          ? new MockResponse.Builder()
              .code(429)
              .setHeader("Retry-After", "1")
              .body("slow down")
              .build()
          : image(jpeg, "image/jpeg");
    } else if (path.equals("/always-500.jpg")) {
      return status(503);
    } else if (path.equals("/slow.jpg")) {
      return new MockResponse.Builder()
          .setHeader("Content-Type", "image/jpeg")
          .body(new Buffer().write(jpeg))
          .bodyDelay(3, TimeUnit.SECONDS)
          .build();
    } else if (path.equals("/truncated.jpg")) {
      return image(java.util.Arrays.copyOf(jpeg, jpeg.length / 2), "image/jpeg");
    } else if (path.equals("/huge.jpg")) {
      return image(padded(HUGE_BYTES), "image/jpeg");
    } else if (path.equals("/huge-chunked.jpg")) {
      return new MockResponse.Builder()
          .setHeader("Content-Type", "image/jpeg")
          .chunkedBody(new Buffer().write(padded(HUGE_BYTES)), 16 * 1024)
          .build();
    } else if (path.equals("/html.jpg")) {
      return new MockResponse.Builder()
          .setHeader("Content-Type", "image/jpeg")
          .body("<html><body>Sorry, not an image</body></html>")
          .build();
    } else if (path.equals("/page.html")) {
      return new MockResponse.Builder()
          .setHeader("Content-Type", "text/html; charset=utf-8")
          .body("<html></html>")
          .build();
    } else if (path.equals("/empty.jpg")) {
      return new MockResponse.Builder().setHeader("Content-Type", "image/jpeg").build();
    } else if (path.equals("/loop/a")) {
      return redirect("/loop/b");
    } else if (path.equals("/loop/b")) {
      return redirect("/loop/a");
    } else if (path.startsWith("/redirect/")) {
      return redirect("/ok/" + path.substring("/redirect/".length()));
    } else if (path.equals("/request-timeout.jpg")) {
      return new MockResponse.Builder().code(408).body("too slow").build();
    } else if (path.equals("/proxy-auth.jpg")) {
      return new MockResponse.Builder()
          .code(407)
          .setHeader("Proxy-Authenticate", "Basic realm=\"origin\"")
          .body("auth")
          .build();
    } else if (path.startsWith("/closing/")) {
      return new MockResponse.Builder()
          .setHeader("Content-Type", "image/jpeg")
          .body(new Buffer().write(jpeg))
          .onResponseEnd(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE)
          .build();
    } else if (path.equals("/to-loopback")) {
      return redirect("http://127.0.0.1:1/secret.jpg");
    } else if (path.startsWith("/chain/")) {
      int left = Integer.parseInt(path.substring("/chain/".length()));
      return left == 0 ? image(jpeg, "image/jpeg") : redirect("/chain/" + (left - 1));
    }
    return status(404);
  }

  /** A valid JPEG followed by padding, so only its size is wrong. */
  private byte[] padded(long size) {
    return java.util.Arrays.copyOf(jpeg, (int) size);
  }

  private static MockResponse image(byte[] bytes, String type) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", type)
        .body(new Buffer().write(bytes))
        .build();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("status " + code).build();
  }

  private static MockResponse redirect(String location) {
    return new MockResponse.Builder().code(302).setHeader("Location", location).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
