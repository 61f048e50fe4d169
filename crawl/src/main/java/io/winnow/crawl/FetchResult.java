package io.winnow.crawl;

import io.winnow.decode.ImageFormat;
import io.winnow.schemas.Reason;

/** What fetching one URL gave: image bytes, or the reason there are none. */
public sealed interface FetchResult {
  /** How many requests were sent (tries and redirect hops), and the time spent in all. */
  int requests();

  long millis();

  record Success(
      byte[] body,
      ImageFormat format,
      int httpStatus,
      String contentType,
      String finalUrl,
      int requests,
      long millis)
      implements FetchResult {}

  record Failure(Reason reason, String detail, int requests, long millis) implements FetchResult {}
}
