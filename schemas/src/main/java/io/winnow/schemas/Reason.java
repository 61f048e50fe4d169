package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why a URL did not become a sample. Each reason belongs to one stage, so counts per reason also
 * add up per stage. Wire names are kebab-case ({@code http-not-found}) and stable: tools read them.
 */
public enum Reason {
  // read
  MALFORMED_INPUT(Stage.READ),
  INVALID_URL(Stage.READ),
  UNSUPPORTED_SCHEME(Stage.READ),
  DUPLICATE_URL(Stage.READ),
  /**
   * A refresh skipped the URL without a request: an earlier version accepted or rejected it (a
   * transient failure is retried once it is old enough), or it was taken down.
   */
  ALREADY_SEEN(Stage.READ),
  // fetch
  BLOCKED_ADDRESS(Stage.FETCH),
  DNS_FAILURE(Stage.FETCH),
  CONNECTION_FAILED(Stage.FETCH),
  TIMEOUT(Stage.FETCH),
  HTTP_NOT_FOUND(Stage.FETCH),
  HTTP_CLIENT_ERROR(Stage.FETCH),
  HTTP_TOO_MANY_REQUESTS(Stage.FETCH),
  HTTP_SERVER_ERROR(Stage.FETCH),
  TOO_MANY_REDIRECTS(Stage.FETCH),
  REDIRECT_LOOP(Stage.FETCH),
  INVALID_REDIRECT(Stage.FETCH),
  BODY_TOO_LARGE(Stage.FETCH),
  EMPTY_BODY(Stage.FETCH),
  UNSUPPORTED_CONTENT_TYPE(Stage.FETCH),
  NOT_AN_IMAGE(Stage.FETCH),
  /** The host's robots.txt disallows our user-agent token this path (or could not be read). */
  ROBOTS_DISALLOWED(Stage.FETCH),
  /** The response carried an X-Robots-Tag opt-out directive (noai, noimageai, ...). */
  OPT_OUT_HEADER(Stage.FETCH),
  // decode
  UNSUPPORTED_FORMAT(Stage.DECODE),
  TRUNCATED_IMAGE(Stage.DECODE),
  CORRUPT_IMAGE(Stage.DECODE),
  IMAGE_TOO_SMALL(Stage.DECODE),
  IMAGE_TOO_LARGE(Stage.DECODE),
  BAD_ASPECT_RATIO(Stage.DECODE),
  ENCODE_FAILED(Stage.DECODE),
  // filter
  /** The image is on a known-bad hash list (the list and line in the detail; no image data). */
  KNOWN_BAD_IMAGE(Stage.FILTER),
  /** The host matched a block list rule (named in the detail) and no allow rule. */
  UNSAFE_DOMAIN(Stage.FILTER),
  /** The URL or its domain is on a user opt-out list. */
  OPTED_OUT(Stage.FILTER),
  /** The summed probability of the classifier's unsafe classes reached the threshold. */
  NSFW(Stage.FILTER),
  /** Faces were found and the run drops such images instead of blurring them. */
  HAS_FACES(Stage.FILTER),
  /** The face detector failed on the image, so it cannot be stored safely. */
  FACE_CHECK_FAILED(Stage.FILTER),
  // embed
  /** The stored image could not be turned into the model's input tensor. */
  PREPROCESS_FAILED(Stage.EMBED),
  /** The model returned NaN, infinity or an all-zero vector, which cannot be normalised. */
  INVALID_EMBEDDING(Stage.EMBED),
  // dedup
  /** Same downloaded bytes (SHA-256) as the kept sample named in the detail. */
  EXACT_DUPLICATE(Stage.DEDUP),
  /** Within the cosine threshold of the kept sample of its component, named in the detail. */
  NEAR_DUPLICATE(Stage.DEDUP),
  /** Within the eval threshold of an image of an evaluation set, named in the detail. */
  CONTAMINATED(Stage.DEDUP),
  /** No embedding, or one of another dimension than the model's. */
  BAD_EMBEDDING(Stage.DEDUP),
  // retrieve
  /**
   * Not selected by any seed set (not a nearest neighbour of a seed, nor sampled from a cluster
   * holding seeds).
   */
  NOT_RETRIEVED(Stage.RETRIEVE),
  // any stage: a bug or an unexpected exception, always with a stack trace
  INTERNAL_ERROR(null);

  private final Stage stage;

  Reason(Stage stage) {
    this.stage = stage;
  }

  /** The stage this reason belongs to, or null for reasons any stage may give. */
  public Stage stage() {
    return stage;
  }

  /** Failures that may pass if tried again later (network, rate limits, server errors). */
  public boolean transientFailure() {
    return switch (this) {
      case DNS_FAILURE,
          CONNECTION_FAILED,
          TIMEOUT,
          HTTP_TOO_MANY_REQUESTS,
          HTTP_SERVER_ERROR,
          INTERNAL_ERROR ->
          true;
      default -> false;
    };
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static Reason fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
