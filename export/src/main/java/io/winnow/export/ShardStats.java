package io.winnow.export;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.winnow.schemas.JsonCoder;
import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;

/** What one finished shard holds; also written beside it as {@code prefix-000000_stats.json}. */
@DefaultCoder(ShardStats.Coder.class)
public record ShardStats(
    @JsonProperty("shard") String shard,
    @JsonProperty("count") long count,
    @JsonProperty("successes") long successes,
    @JsonProperty("image_bytes") long imageBytes,
    @JsonProperty("tar_bytes") long tarBytes,
    @JsonProperty("first_key") String firstKey,
    @JsonProperty("last_key") String lastKey,
    @JsonProperty("start_time") String startTime,
    @JsonProperty("end_time") String endTime,
    @JsonProperty("duration_seconds") double durationSeconds)
    implements Serializable {

  public static final class Coder extends JsonCoder<ShardStats> {
    public Coder() {
      super(ShardStats.class);
    }

    /** Looked up by {@code @DefaultCoder}. */
    public static org.apache.beam.sdk.coders.CoderProvider getCoderProvider() {
      return io.winnow.schemas.JsonCoder.providerFor(ShardStats.class, new Coder());
    }
  }
}
