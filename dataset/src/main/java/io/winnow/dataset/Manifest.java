package io.winnow.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.winnow.schemas.RunSummary;
import java.util.List;
import java.util.Map;

/**
 * {@code versions/vNNNNNN.json}: one version of a dataset. It lists every shard of the version (old
 * ones included), so a version is readable from its manifest alone.
 *
 * @param kind {@code refresh} (the first version is a refresh of an empty dataset) or {@code
 *     takedown}
 * @param settings the embedding model, its checksum and the thresholds new samples were
 *     deduplicated and filtered with (from the run's configuration)
 * @param summary what this version did with its input URLs (all batches); takedowns have none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    @JsonProperty("version") int version,
    @JsonProperty("parent") Integer parent,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("kind") String kind,
    @JsonProperty("samples") long samples,
    @JsonProperty("shards") List<Shard> shards,
    @JsonProperty("settings") Map<String, Object> settings,
    @JsonProperty("summary") RunSummary summary,
    @JsonProperty("added_shards") List<String> addedShards,
    @JsonProperty("removed_samples") Long removedSamples,
    @JsonProperty("index") Index index) {

  /** The persisted k-NN index of this version's samples ({@link DatasetIndex}). */
  public record Index(
      @JsonProperty("generation") int generation,
      @JsonProperty("partitions") int partitions,
      @JsonProperty("dimension") int dimension) {}

  /** A shard of the version: its name under shards/ (without extension) and checksums. */
  public record Shard(
      @JsonProperty("name") String name,
      @JsonProperty("samples") long samples,
      @JsonProperty("tar_bytes") long tarBytes,
      @JsonProperty("tar_sha256") String tarSha256,
      @JsonProperty("added_in") int addedIn) {}

  public static String versionName(int version) {
    return String.format(java.util.Locale.ROOT, "v%06d", version);
  }
}
