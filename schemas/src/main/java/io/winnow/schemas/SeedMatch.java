package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.List;

/** Why retrieval kept a sample: the seed set, the seeds that picked it, and how close it was. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeedMatch(
    @JsonProperty("seed_set") String seedSet,
    @JsonProperty("seed_keys") List<String> seedKeys,
    @JsonProperty("similarity") Float similarity,
    @JsonProperty("cluster_ids") List<Long> clusterIds)
    implements Serializable {}
