package io.winnow.schemas;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds a {@link Sample}; every field but key and url is optional. */
public final class SampleBuilder {
  String key;
  String url;
  String caption;
  String sourceFile;
  long sourceLine;
  String status;
  int httpStatus;
  String finalUrl;
  String mimeType;
  String sha256;
  String md5;
  long byteSize;
  Integer originalWidth;
  Integer originalHeight;
  Integer width;
  Integer height;
  Long storedByteSize;
  String fetchedAt;
  long fetchMillis;
  Map<String, Float> nsfwScores;
  List<FaceBox> faces;
  List<SeedMatch> seedMatch;
  String pdq;
  Integer pdqQuality;
  byte[] image;
  float[] embedding;
  byte[] fingerprint;
  ContentBox contentBox;

  SampleBuilder() {}

  /** A copy of {@code sample}'s fields, to derive another sample from. */
  SampleBuilder(Sample sample) {
    this.key = sample.key();
    this.url = sample.url();
    this.caption = sample.caption();
    this.sourceFile = sample.sourceFile();
    this.sourceLine = sample.sourceLine();
    this.status = sample.status();
    this.httpStatus = sample.httpStatus();
    this.finalUrl = sample.finalUrl();
    this.mimeType = sample.mimeType();
    this.sha256 = sample.sha256();
    this.md5 = sample.md5();
    this.byteSize = sample.byteSize();
    this.originalWidth = sample.originalWidth();
    this.originalHeight = sample.originalHeight();
    this.width = sample.width();
    this.height = sample.height();
    this.storedByteSize = sample.storedByteSize();
    this.fetchedAt = sample.fetchedAt();
    this.fetchMillis = sample.fetchMillis();
    this.nsfwScores = sample.nsfwScores();
    this.faces = sample.faces();
    this.seedMatch = sample.seedMatch();
    this.pdq = sample.pdq();
    this.pdqQuality = sample.pdqQuality();
    this.image = sample.image();
    this.embedding = sample.embedding();
    this.fingerprint = sample.fingerprint();
    this.contentBox = sample.contentBox();
  }

  /** Re-keys a derived sample (e.g. an eval or seed image named after its set). */
  public SampleBuilder key(String v) {
    key = Objects.requireNonNull(v, "key");
    return this;
  }

  public SampleBuilder caption(String v) {
    caption = v;
    return this;
  }

  public SampleBuilder source(String file, long line) {
    sourceFile = file;
    sourceLine = line;
    return this;
  }

  public SampleBuilder status(String v) {
    status = v;
    return this;
  }

  public SampleBuilder httpStatus(int v) {
    httpStatus = v;
    return this;
  }

  public SampleBuilder finalUrl(String v) {
    finalUrl = v;
    return this;
  }

  public SampleBuilder mimeType(String v) {
    mimeType = v;
    return this;
  }

  public SampleBuilder sha256(String v) {
    sha256 = v;
    return this;
  }

  public SampleBuilder md5(String v) {
    md5 = v;
    return this;
  }

  public SampleBuilder byteSize(long v) {
    byteSize = v;
    return this;
  }

  public SampleBuilder originalSize(int w, int h) {
    originalWidth = w;
    originalHeight = h;
    return this;
  }

  public SampleBuilder storedSize(int w, int h) {
    width = w;
    height = h;
    return this;
  }

  public SampleBuilder storedByteSize(long v) {
    storedByteSize = v;
    return this;
  }

  public SampleBuilder fetchedAt(String v) {
    fetchedAt = v;
    return this;
  }

  public SampleBuilder fetchMillis(long v) {
    fetchMillis = v;
    return this;
  }

  public SampleBuilder nsfwScores(Map<String, Float> v) {
    nsfwScores = v;
    return this;
  }

  public SampleBuilder faces(List<FaceBox> v) {
    faces = v;
    return this;
  }

  public SampleBuilder seedMatch(List<SeedMatch> v) {
    seedMatch = v;
    return this;
  }

  public SampleBuilder image(byte[] v) {
    image = v;
    return this;
  }

  public SampleBuilder embedding(float[] v) {
    embedding = v;
    return this;
  }

  public SampleBuilder pdq(String hex, Integer quality) {
    pdq = hex;
    pdqQuality = quality;
    return this;
  }

  public SampleBuilder fingerprint(byte[] v) {
    fingerprint = v;
    return this;
  }

  public SampleBuilder contentBox(ContentBox v) {
    contentBox = v;
    return this;
  }

  public Sample build() {
    return new Sample(this);
  }
}
