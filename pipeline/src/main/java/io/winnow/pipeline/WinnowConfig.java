package io.winnow.pipeline;

import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.read.InputFormat;
import io.winnow.dataset.RefreshSettings;
import io.winnow.decode.DecodeSettings;
import io.winnow.filters.FilterSettings;
import io.winnow.inference.EmbedSettings;
import java.io.Serializable;
import java.util.List;

/**
 * Everything one run needs, strongly typed. {@code embed}, {@code dedup} and {@code retrieval} are
 * null when off. The CLI builds it from flags and the config file; tests build it directly.
 */
public record WinnowConfig(
    List<String> inputs,
    InputFormat inputFormat,
    String urlColumn,
    String captionColumn,
    String outputDir,
    String shardPrefix,
    int samplesPerShard,
    FetchSettings fetch,
    DecodeSettings decode,
    EmbedSettings embed,
    DedupSettings dedup,
    FilterSettings filter,
    RetrievalSettings retrieval,
    RefreshSettings refresh)
    implements Serializable {

  public WinnowConfig {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("at least one input file or glob is needed");
    }
    if (outputDir == null || outputDir.isBlank()) {
      throw new IllegalArgumentException("an output folder is needed");
    }
    filter = filter == null ? FilterSettings.defaults() : filter;
    if (retrieval != null && embed == null) {
      throw new IllegalArgumentException(
          "retrieval needs embeddings: it cannot run with " + "--no-embed");
    }
    if (samplesPerShard < 1) {
      throw new IllegalArgumentException("samples per shard must be at least 1");
    }
  }

  public static WinnowConfig of(List<String> inputs, String outputDir) {
    return new WinnowConfig(
        inputs,
        InputFormat.AUTO,
        "url",
        "caption",
        outputDir,
        "shard",
        10_000,
        FetchSettings.defaults(),
        DecodeSettings.defaults(),
        EmbedSettings.defaults(),
        DedupSettings.defaults(),
        FilterSettings.defaults(),
        null,
        null);
  }

  public WinnowConfig withFetch(FetchSettings fetch) {
    return toBuilder().fetch(fetch).build();
  }

  public WinnowConfig withDecode(DecodeSettings decode) {
    return toBuilder().decode(decode).build();
  }

  public WinnowConfig withSamplesPerShard(int samplesPerShard) {
    return toBuilder().samplesPerShard(samplesPerShard).build();
  }

  /** {@code null} turns embedding off: shards then carry no {@code .npy}. */
  public WinnowConfig withEmbed(EmbedSettings embed) {
    return toBuilder().embed(embed).build();
  }

  /** {@code null} turns deduplication off (it also needs embeddings). */
  public WinnowConfig withDedup(DedupSettings dedup) {
    return toBuilder().dedup(dedup).build();
  }

  public WinnowConfig withFilter(FilterSettings filter) {
    return toBuilder().filter(filter).build();
  }

  /** {@code null} turns retrieval off (the default: every pool image is kept). */
  public WinnowConfig withRetrieval(RetrievalSettings retrieval) {
    return toBuilder().retrieval(retrieval).build();
  }

  /** Where the run's output goes, and its shards' name prefix (a refresh sets both per batch). */
  public WinnowConfig withOutput(String outputDir, String shardPrefix) {
    return toBuilder().outputDir(outputDir).shardPrefix(shardPrefix).build();
  }

  /** A batch of a refresh: see {@link RefreshSettings}; {@code null} for a plain run. */
  public WinnowConfig withRefresh(RefreshSettings refresh) {
    return toBuilder().refresh(refresh).build();
  }

  /** A copy to change by name: {@code settings.toBuilder().x(...).build()}. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Named setters over a copy; the record's own checks run in {@link #build}. */
  public static final class Builder {
    private List<String> inputs;
    private InputFormat inputFormat;
    private String urlColumn;
    private String captionColumn;
    private String outputDir;
    private String shardPrefix;
    private int samplesPerShard;
    private FetchSettings fetch;
    private DecodeSettings decode;
    private EmbedSettings embed;
    private DedupSettings dedup;
    private FilterSettings filter;
    private RetrievalSettings retrieval;
    private RefreshSettings refresh;

    private Builder(WinnowConfig from) {
      inputs = from.inputs;
      inputFormat = from.inputFormat;
      urlColumn = from.urlColumn;
      captionColumn = from.captionColumn;
      outputDir = from.outputDir;
      shardPrefix = from.shardPrefix;
      samplesPerShard = from.samplesPerShard;
      fetch = from.fetch;
      decode = from.decode;
      embed = from.embed;
      dedup = from.dedup;
      filter = from.filter;
      retrieval = from.retrieval;
      refresh = from.refresh;
    }

    public Builder inputs(List<String> value) {
      inputs = value;
      return this;
    }

    public Builder inputFormat(InputFormat value) {
      inputFormat = value;
      return this;
    }

    public Builder urlColumn(String value) {
      urlColumn = value;
      return this;
    }

    public Builder captionColumn(String value) {
      captionColumn = value;
      return this;
    }

    public Builder outputDir(String value) {
      outputDir = value;
      return this;
    }

    public Builder shardPrefix(String value) {
      shardPrefix = value;
      return this;
    }

    public Builder samplesPerShard(int value) {
      samplesPerShard = value;
      return this;
    }

    public Builder fetch(FetchSettings value) {
      fetch = value;
      return this;
    }

    public Builder decode(DecodeSettings value) {
      decode = value;
      return this;
    }

    public Builder embed(EmbedSettings value) {
      embed = value;
      return this;
    }

    public Builder dedup(DedupSettings value) {
      dedup = value;
      return this;
    }

    public Builder filter(FilterSettings value) {
      filter = value;
      return this;
    }

    public Builder retrieval(RetrievalSettings value) {
      retrieval = value;
      return this;
    }

    public Builder refresh(RefreshSettings value) {
      refresh = value;
      return this;
    }

    public WinnowConfig build() {
      return new WinnowConfig(
          inputs,
          inputFormat,
          urlColumn,
          captionColumn,
          outputDir,
          shardPrefix,
          samplesPerShard,
          fetch,
          decode,
          embed,
          dedup,
          filter,
          retrieval,
          refresh);
    }
  }
}
