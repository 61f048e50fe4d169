package io.winnow.crawl;

import io.winnow.schemas.Reason;
import java.time.Duration;

/** The outcome of one request: an image, a redirect, or a failure that may be retried. */
final class Attempt {
  FetchResult.Success success;
  String redirectTo;
  FetchResult.Failure failure;
  boolean retryable;
  Duration retryAfter;

  private Attempt() {}

  static Attempt ok(FetchResult.Success success) {
    Attempt a = new Attempt();
    a.success = success;
    return a;
  }

  static Attempt redirect(String location) {
    Attempt a = new Attempt();
    a.redirectTo = location;
    return a;
  }

  static Attempt failed(Reason reason, String detail) {
    Attempt a = new Attempt();
    a.failure = new FetchResult.Failure(reason, detail, 0, 0);
    return a;
  }

  static Attempt retry(Reason reason, String detail, Duration retryAfter) {
    Attempt a = failed(reason, detail);
    a.retryable = true;
    a.retryAfter = retryAfter;
    return a;
  }
}
