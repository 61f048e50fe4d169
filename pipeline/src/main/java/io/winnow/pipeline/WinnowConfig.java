package io.winnow.pipeline;

import io.winnow.pipeline.crawl.FetchSettings;
import io.winnow.pipeline.dataset.RefreshSettings;
import io.winnow.pipeline.decode.DecodeSettings;
import io.winnow.pipeline.embed.EmbedSettings;
import io.winnow.pipeline.filter.FilterSettings;
import io.winnow.pipeline.read.InputFormat;
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

  public WinnowConfig withDecode(DecodeSettings decode) {
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

  public WinnowConfig withSamplesPerShard(int samplesPerShard) {
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

  /** {@code null} turns embedding off: shards then carry no {@code .npy}. */
  public WinnowConfig withEmbed(EmbedSettings embed) {
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

  /** {@code null} turns deduplication off (it also needs embeddings). */
  public WinnowConfig withDedup(DedupSettings dedup) {
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

  public WinnowConfig withFilter(FilterSettings filter) {
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

  /** {@code null} turns retrieval off (the default: every pool image is kept). */
  public WinnowConfig withRetrieval(RetrievalSettings retrieval) {
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

  /** Where the run's output goes, and its shards' name prefix (a refresh sets both per batch). */
  public WinnowConfig withOutput(String outputDir, String shardPrefix) {
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

  /** A batch of a refresh: see {@link RefreshSettings}; {@code null} for a plain run. */
  public WinnowConfig withRefresh(RefreshSettings refresh) {
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
