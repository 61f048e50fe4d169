package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * One input URL as read from a URL list: where it came from, its stable key and its caption.
 *
 * @param key stable sample key (see {@code SampleKeys}); the same normalized URL always gets the
 *     same key, across runs and refreshes
 * @param url the URL as written in the input
 * @param normalizedUrl the URL after normalization, used for exact-duplicate detection
 */
@DefaultCoder(UrlRecord.Coder.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UrlRecord(
    @JsonProperty("key") String key,
    @JsonProperty("url") String url,
    @JsonProperty("normalized_url") String normalizedUrl,
    @JsonProperty("caption") String caption,
    @JsonProperty("source_file") String sourceFile,
    @JsonProperty("source_line") long sourceLine)
    implements Serializable {

  public static final class Coder extends JsonCoder<UrlRecord> {
    public Coder() {
      super(UrlRecord.class);
    }

    /** Looked up by {@code @DefaultCoder}. */
    public static org.apache.beam.sdk.coders.CoderProvider getCoderProvider() {
      return JsonCoder.providerFor(UrlRecord.class, new Coder());
    }
  }
}
