package io.winnow.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.schemas.Digests;
import io.winnow.schemas.Reason;
import io.winnow.schemas.SampleKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlNormalizerTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "HTTP://Example.COM/a.jpg | http://example.com/a.jpg",
        "http://example.com:80/a.jpg | http://example.com/a.jpg",
        "https://example.com:443/a.jpg | https://example.com/a.jpg",
        "https://example.com:8443/a.jpg | https://example.com:8443/a.jpg",
        "http://example.com | http://example.com/",
        "http://example.com/a.jpg#section | http://example.com/a.jpg",
        "  http://example.com/a b.jpg  | http://example.com/a%20b.jpg",
        "http://example.com/%7Euser/a.jpg | http://example.com/~user/a.jpg",
        "http://example.com/a.jpg?b=2&a=1 | http://example.com/a.jpg?b=2&a=1",
        "http://bücher.example/a.jpg | http://xn--bcher-kva.example/a.jpg"
      })
  void normalizes(String raw, String expected) {
    assertThat(UrlNormalizer.normalize(raw).url()).isEqualTo(expected);
  }

  @Test
  void refusesWhatIsNotAnHttpUrl() {
    assertThat(UrlNormalizer.normalize("ftp://example.com/a.jpg").reason())
        .isEqualTo(Reason.UNSUPPORTED_SCHEME);
    assertThat(UrlNormalizer.normalize("data:image/png;base64,AAAA").reason())
        .isEqualTo(Reason.UNSUPPORTED_SCHEME);
    assertThat(UrlNormalizer.normalize("just some words").reason()).isEqualTo(Reason.INVALID_URL);
    assertThat(UrlNormalizer.normalize("http://").reason()).isEqualTo(Reason.INVALID_URL);
    assertThat(UrlNormalizer.normalize("").reason()).isEqualTo(Reason.INVALID_URL);
    assertThat(UrlNormalizer.normalize(null).reason()).isEqualTo(Reason.INVALID_URL);
  }

  @Test
  void keysAreStableAndOnlyDependOnTheNormalizedUrl() {
    String a =
        SampleKeys.forNormalizedUrl(UrlNormalizer.normalize("HTTP://Example.com/x.jpg").url());
    String b =
        SampleKeys.forNormalizedUrl(UrlNormalizer.normalize("http://example.com:80/x.jpg#f").url());
    assertThat(a).isEqualTo(b).hasSize(20).matches("[0-9a-f]{20}");
    // The key of a URL never changes between releases: refreshes depend on it.
    assertThat(SampleKeys.forNormalizedUrl("http://example.com/x.jpg"))
        .isEqualTo(Digests.sha256Hex("http://example.com/x.jpg".getBytes()).substring(0, 20));
  }
}
