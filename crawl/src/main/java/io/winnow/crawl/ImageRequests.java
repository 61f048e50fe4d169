package io.winnow.crawl;

import io.winnow.schemas.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One hop of an image fetch, the request itself: the host's politeness slot and permit, the
 * request, what its response or error means ({@link Attempt}), and the retries with exponential
 * backoff and jitter (or the server's Retry-After) that a retryable outcome gets.
 */
final class ImageRequests {
  private static final String ACCEPT =
      "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5";

  private final FetchSettings settings;
  private final OkHttpClient client;
  private final HostThrottle throttle;

  ImageRequests(FetchSettings settings, OkHttpClient client, HostThrottle throttle) {
    this.settings = settings;
    this.client = client;
    this.throttle = throttle;
  }

  Attempt fetchWithRetries(HttpUrl url, HttpFetcher.Counter requests, long crawlDelayMillis)
      throws InterruptedException {
    Semaphore permits = throttle.permits(url);
    Attempt attempt = null;
    for (int tryNumber = 0; tryNumber <= settings.maxRetries(); tryNumber++) {
      throttle.awaitSlot(url, crawlDelayMillis);
      permits.acquire();
      try {
        requests.n++;
        attempt = fetchOnce(url);
      } finally {
        permits.release();
      }
      if (!attempt.retryable) {
        return attempt;
      }
      if (tryNumber == settings.maxRetries()) {
        break;
      }
      Duration wait = attempt.retryAfter != null ? attempt.retryAfter : backoff(tryNumber);
      if (wait.compareTo(settings.maxRetryWait()) > 0) {
        return Attempt.failed(
            attempt.failure.reason(),
            attempt.failure.detail()
                + "; Retry-After "
                + wait.toSeconds()
                + "s exceeds the "
                + settings.maxRetryWait().toSeconds()
                + "s limit");
      }
      Thread.sleep(wait.toMillis()); // the host permit is released while we wait
    }
    return Attempt.failed(
        attempt.failure.reason(),
        attempt.failure.detail() + " (after " + (settings.maxRetries() + 1) + " tries)");
  }

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  Duration backoff(int tryNumber) {
    long base = settings.retryBase().toMillis() << Math.min(tryNumber, 20);
    long capped = Math.min(base, settings.maxRetryWait().toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private Attempt fetchOnce(HttpUrl url) {
    Request request =
        new Request.Builder()
            .url(url)
            .header("User-Agent", settings.userAgent())
            .header("Accept", ACCEPT)
            .build();
    try (Response response = client.newCall(request).execute()) {
      return ResponseChecks.classify(response, settings);
    } catch (GuardedClient.BlockedAddressException e) {
      return Attempt.failed(Reason.BLOCKED_ADDRESS, e.getMessage());
    } catch (UnknownHostException e) {
      return Attempt.failed(Reason.DNS_FAILURE, "cannot resolve " + url.host());
    } catch (SocketTimeoutException e) {
      // A connect timeout is worth another try; a server that stalls mid-response is not.
      boolean connecting = String.valueOf(e.getMessage()).contains("connect");
      return connecting
          ? Attempt.retry(Reason.TIMEOUT, "connect timed out", null)
          : Attempt.failed(
              Reason.TIMEOUT, "read timed out after " + settings.readTimeout().toMillis() + " ms");
    } catch (InterruptedIOException e) {
      return Attempt.failed(
          Reason.TIMEOUT, "took longer than " + settings.totalTimeout().toMillis() + " ms in all");
    } catch (ConnectException e) {
      return Attempt.retry(Reason.CONNECTION_FAILED, "connection refused or unreachable", null);
    } catch (java.net.ProtocolException e) {
      // OkHttp refuses a 407 from an origin (we use no proxy) and other broken responses: a
      // client-side error another try will not change.
      String message = String.valueOf(e.getMessage());
      return message.contains("407")
          ? Attempt.failed(
              Reason.HTTP_CLIENT_ERROR,
              "HTTP 407 (proxy authentication required) " + "from the origin, which is no proxy")
          : Attempt.failed(Reason.CONNECTION_FAILED, "protocol error: " + message);
    } catch (IOException e) {
      return Attempt.retry(
          Reason.CONNECTION_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
  }
}
