package io.winnow.crawl;

import io.winnow.schemas.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

/**
 * robots.txt per origin, fetched once per worker JVM through the crawler's guarded client
 * (concurrent callers wait for the first), with RFC 9309's rules: up to five redirects, at least
 * 500 KiB parsed, a 4xx as "no rules", an unreachable host as "fetch nothing from it".
 */
final class RobotsCache {
  private static final int MAX_ROBOTS_BYTES = 500 * 1024;
  private static final int MAX_REDIRECTS = 5;

  /**
   * A host's robots.txt outcome: its rules, or why it could not be reached at all (then, as RFC
   * 9309 asks, nothing is fetched from the host, and URLs report the network failure itself).
   */
  record Robots(RobotsRules rules, Reason unreachable, String detail) {}

  private final FetchSettings settings;
  private final AddressGuard guard;
  private final OkHttpClient client;
  private final HostThrottle throttle;
  private final ConcurrentHashMap<String, CompletableFuture<Robots>> byOrigin =
      new ConcurrentHashMap<>();

  RobotsCache(
      FetchSettings settings, AddressGuard guard, OkHttpClient client, HostThrottle throttle) {
    this.settings = settings;
    this.guard = guard;
    this.client = client;
    this.throttle = throttle;
  }

  /** The rules of {@code url}'s origin for our token, fetching its robots.txt the first time. */
  Robots forUrl(HttpUrl url) {
    String origin = url.scheme() + "://" + url.host() + ":" + url.port();
    CompletableFuture<Robots> mine = new CompletableFuture<>();
    CompletableFuture<Robots> first = byOrigin.putIfAbsent(origin, mine);
    if (first != null) {
      return first.join();
    }
    HttpUrl robotsUrl = url.resolve("/robots.txt");
    Robots outcome;
    try {
      outcome = fetch(robotsUrl);
    } catch (IOException | RuntimeException e) {
      outcome =
          new Robots(
              null,
              Reason.CONNECTION_FAILED,
              "robots.txt "
                  + robotsUrl
                  + ": "
                  + e.getClass().getSimpleName()
                  + ": "
                  + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = new Robots(null, Reason.TIMEOUT, "robots.txt " + robotsUrl + ": interrupted");
    }
    mine.complete(outcome);
    return outcome;
  }

  private Robots fetch(HttpUrl robotsUrl) throws IOException, InterruptedException {
    String unreachable = "robots.txt " + robotsUrl + " unreachable: ";
    // A redirect chain that cannot be followed, or is longer than five hops: as if there were none.
    Robots none = new Robots(RobotsRules.unavailable(robotsUrl.toString(), 404), null, null);
    return RedirectWalker.walk(
        robotsUrl,
        MAX_REDIRECTS,
        (current, hop) -> request(robotsUrl, current, unreachable),
        new RedirectWalker.Ends<>() {
          @Override
          public Robots notHttp(String location) {
            return none;
          }

          @Override
          public Robots loop(Collection<String> visited, HttpUrl next) {
            return none;
          }

          @Override
          public Robots tooMany(HttpUrl next) {
            return none;
          }
        });
  }

  private RedirectWalker.Step<Robots> request(
      HttpUrl robotsUrl, HttpUrl current, String unreachable) {
    String refusal = guard.hostRefusal(current.host(), current.port());
    if (refusal != null) {
      return RedirectWalker.Step.done(
          new Robots(null, Reason.BLOCKED_ADDRESS, unreachable + refusal));
    }
    Request request =
        new Request.Builder()
            .url(current)
            .header("User-Agent", settings.userAgent())
            .header("Accept", "text/plain,*/*;q=0.5")
            .build();
    Semaphore permits = throttle.permits(current);
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RedirectWalker.Step.done(
          new Robots(null, Reason.TIMEOUT, unreachable + "interrupted"));
    }
    try (Response response = client.newCall(request).execute()) {
      int code = response.code();
      if (code >= 300 && code < 400 && response.header("Location") != null) {
        return RedirectWalker.Step.redirect(response.header("Location"));
      }
      if (code < 200 || code >= 300) {
        return RedirectWalker.Step.done(
            new Robots(RobotsRules.unavailable(robotsUrl.toString(), code), null, null));
      }
      BufferedSource source = response.body().source();
      source.request(MAX_ROBOTS_BYTES);
      Buffer buffer = source.getBuffer();
      byte[] body = buffer.readByteArray(Math.min(buffer.size(), MAX_ROBOTS_BYTES));
      MediaType type = response.body().contentType();
      return RedirectWalker.Step.done(
          new Robots(
              RobotsRules.parse(
                  robotsUrl.toString(),
                  body,
                  type == null ? null : type.toString(),
                  settings.consent().userAgentToken()),
              null,
              null));
    } catch (GuardedClient.BlockedAddressException e) {
      return RedirectWalker.Step.done(
          new Robots(null, Reason.BLOCKED_ADDRESS, unreachable + e.getMessage()));
    } catch (UnknownHostException e) {
      return RedirectWalker.Step.done(
          new Robots(null, Reason.DNS_FAILURE, unreachable + "cannot resolve " + current.host()));
    } catch (InterruptedIOException e) {
      return RedirectWalker.Step.done(new Robots(null, Reason.TIMEOUT, unreachable + "timed out"));
    } catch (IOException e) {
      return RedirectWalker.Step.done(
          new Robots(
              null,
              Reason.CONNECTION_FAILED,
              unreachable + e.getClass().getSimpleName() + ": " + e.getMessage()));
    } finally {
      permits.release();
    }
  }
}
