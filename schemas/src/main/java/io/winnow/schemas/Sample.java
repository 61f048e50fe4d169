package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * An image that made it through a stage, with the metadata written to {@code key.json}. The image
 * bytes (after fetch: as downloaded; after decode: the stored, re-encoded image) and the embedding
 * travel with it but are not part of its JSON. Immutable: use {@link #toBuilder()} to derive.
 */
@DefaultCoder(SampleCoder.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = false)
public final class Sample implements Serializable {
  @JsonProperty("key")
  private final String key;

  @JsonProperty("url")
  private final String url;

  @JsonProperty("caption")
  private final String caption;

  @JsonProperty("source_file")
  private final String sourceFile;

  @JsonProperty("source_line")
  private final long sourceLine;

  @JsonProperty("status")
  private final String status;

  @JsonProperty("http_status")
  private final int httpStatus;

  @JsonProperty("final_url")
  private final String finalUrl;

  @JsonProperty("mime_type")
  private final String mimeType;

  @JsonProperty("sha256")
  private final String sha256;

  @JsonProperty("md5")
  private final String md5;

  @JsonProperty("byte_size")
  private final long byteSize;

  @JsonProperty("original_width")
  private final Integer originalWidth;

  @JsonProperty("original_height")
  private final Integer originalHeight;

  @JsonProperty("width")
  private final Integer width;

  @JsonProperty("height")
  private final Integer height;

  @JsonProperty("stored_byte_size")
  private final Long storedByteSize;

  @JsonProperty("fetched_at")
  private final String fetchedAt;

  @JsonProperty("fetch_millis")
  private final long fetchMillis;

  @JsonProperty("nsfw_scores")
  private final Map<String, Float> nsfwScores;

  @JsonProperty("faces")
  private final List<FaceBox> faces;

  @JsonProperty("seed_match")
  private final List<SeedMatch> seedMatch;

  @JsonProperty("pdq")
  private final String pdq;

  @JsonProperty("pdq_quality")
  private final Integer pdqQuality;

  @JsonIgnore private final byte[] image;
  @JsonIgnore private final float[] embedding;
  @JsonIgnore private final byte[] fingerprint;

  // Not exported: a stage-to-stage hand-over (decode and fingerprinting to the models).
  @JsonIgnore private final ContentBox contentBox;

  Sample(SampleBuilder b) {
    this.key = Objects.requireNonNull(b.key, "key");
    this.url = Objects.requireNonNull(b.url, "url");
    this.caption = b.caption;
    this.sourceFile = b.sourceFile;
    this.sourceLine = b.sourceLine;
    this.status = b.status == null ? "success" : b.status;
    this.httpStatus = b.httpStatus;
    this.finalUrl = b.finalUrl;
    this.mimeType = b.mimeType;
    this.sha256 = b.sha256;
    this.md5 = b.md5;
    this.byteSize = b.byteSize;
    this.originalWidth = b.originalWidth;
    this.originalHeight = b.originalHeight;
    this.width = b.width;
    this.height = b.height;
    this.storedByteSize = b.storedByteSize;
    this.fetchedAt = b.fetchedAt;
    this.fetchMillis = b.fetchMillis;
    // Sorted: Map.copyOf iterates in an order that changes from one JVM to the next, and the
    // exported JSON must not.
    this.nsfwScores =
        b.nsfwScores == null
            ? null
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(b.nsfwScores));
    this.faces = b.faces == null ? null : List.copyOf(b.faces);
    this.seedMatch = b.seedMatch == null ? null : List.copyOf(b.seedMatch);
    this.pdq = b.pdq;
    this.pdqQuality = b.pdqQuality;
    this.image = b.image;
    this.embedding = b.embedding;
    this.fingerprint = b.fingerprint;
    this.contentBox = b.contentBox;
  }

  // Jackson reads through the builder so the constructor's checks hold for JSON input too.
  @com.fasterxml.jackson.annotation.JsonCreator
  static Sample fromJson(
      @JsonProperty("key") String key,
      @JsonProperty("url") String url,
      @JsonProperty("caption") String caption,
      @JsonProperty("source_file") String sourceFile,
      @JsonProperty("source_line") long sourceLine,
      @JsonProperty("status") String status,
      @JsonProperty("http_status") int httpStatus,
      @JsonProperty("final_url") String finalUrl,
      @JsonProperty("mime_type") String mimeType,
      @JsonProperty("sha256") String sha256,
      @JsonProperty("md5") String md5,
      @JsonProperty("byte_size") long byteSize,
      @JsonProperty("original_width") Integer originalWidth,
      @JsonProperty("original_height") Integer originalHeight,
      @JsonProperty("width") Integer width,
      @JsonProperty("height") Integer height,
      @JsonProperty("stored_byte_size") Long storedByteSize,
      @JsonProperty("fetched_at") String fetchedAt,
      @JsonProperty("fetch_millis") long fetchMillis,
      @JsonProperty("nsfw_scores") Map<String, Float> nsfwScores,
      @JsonProperty("faces") List<FaceBox> faces,
      @JsonProperty("seed_match") List<SeedMatch> seedMatch,
      @JsonProperty("pdq") String pdq,
      @JsonProperty("pdq_quality") Integer pdqQuality) {
    SampleBuilder b = builder(key, url);
    b.caption = caption;
    b.sourceFile = sourceFile;
    b.sourceLine = sourceLine;
    b.status = status;
    b.httpStatus = httpStatus;
    b.finalUrl = finalUrl;
    b.mimeType = mimeType;
    b.sha256 = sha256;
    b.md5 = md5;
    b.byteSize = byteSize;
    b.originalWidth = originalWidth;
    b.originalHeight = originalHeight;
    b.width = width;
    b.height = height;
    b.storedByteSize = storedByteSize;
    b.fetchedAt = fetchedAt;
    b.fetchMillis = fetchMillis;
    b.nsfwScores = nsfwScores;
    b.faces = faces;
    b.seedMatch = seedMatch;
    b.pdq = pdq;
    b.pdqQuality = pdqQuality;
    return b.build();
  }

  public static SampleBuilder builder(String key, String url) {
    SampleBuilder b = new SampleBuilder();
    b.key = key;
    b.url = url;
    return b;
  }

  public SampleBuilder toBuilder() {
    return new SampleBuilder(this);
  }

  public String key() {
    return key;
  }

  public String url() {
    return url;
  }

  public String caption() {
    return caption;
  }

  public String sourceFile() {
    return sourceFile;
  }

  public long sourceLine() {
    return sourceLine;
  }

  public String status() {
    return status;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String finalUrl() {
    return finalUrl;
  }

  public String mimeType() {
    return mimeType;
  }

  public String sha256() {
    return sha256;
  }

  /** MD5 of the downloaded bytes (hotlines publish MD5 lists), 32 hex digits, or null. */
  public String md5() {
    return md5;
  }

  public long byteSize() {
    return byteSize;
  }

  public Integer originalWidth() {
    return originalWidth;
  }

  public Integer originalHeight() {
    return originalHeight;
  }

  public Integer width() {
    return width;
  }

  public Integer height() {
    return height;
  }

  public Long storedByteSize() {
    return storedByteSize;
  }

  public String fetchedAt() {
    return fetchedAt;
  }

  public long fetchMillis() {
    return fetchMillis;
  }

  public Map<String, Float> nsfwScores() {
    return nsfwScores;
  }

  public List<FaceBox> faces() {
    return faces;
  }

  public List<SeedMatch> seedMatch() {
    return seedMatch;
  }

  /** PDQ hash (64 hex digits) of the stored picture inside its uniform borders, or null. */
  public String pdq() {
    return pdq;
  }

  /** PDQ quality 0-100 of that picture; at most 49 means too featureless to trust. */
  public Integer pdqQuality() {
    return pdqQuality;
  }

  /** Copy-detection fingerprint (io.winnow.copydetect.Fingerprint's wire form), or null. */
  public byte[] fingerprint() {
    return fingerprint;
  }

  /**
   * Where the picture is in the stored image (decode's padding and borders left out); null: all.
   */
  public ContentBox contentBox() {
    return contentBox;
  }

  /** The image bytes; callers must not modify the array. */
  public byte[] image() {
    return image;
  }

  /** The L2-normalised embedding, or null before the embedding stage. */
  public float[] embedding() {
    return embedding;
  }

  /** The metadata as written to {@code key.json}. */
  public String toJson() {
    return Json.write(this);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Sample that)) {
      return false;
    }
    return toJson().equals(that.toJson())
        && Arrays.equals(image, that.image)
        && Arrays.equals(embedding, that.embedding)
        && Arrays.equals(fingerprint, that.fingerprint)
        && Objects.equals(contentBox, that.contentBox);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, url, sha256);
  }

  @Override
  public String toString() {
    return "Sample" + toJson();
  }
}
