package io.winnow.cli;

import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.read.InputFormat;
import io.winnow.decode.DecodeSettings;
import io.winnow.filters.FilterSettings;
import io.winnow.inference.EmbedSettings;
import io.winnow.pipeline.DedupSettings;
import io.winnow.pipeline.RetrievalSettings;
import io.winnow.pipeline.WinnowConfig;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options shared by {@code run}, {@code demo} and {@code refresh}: one mixin per pipeline
 * stage, and the input and export options of the config itself.
 *
 * <p>The fields stay in the order of the stages: picocli lists options in declaration order, and
 * {@link StageHeadings} puts a heading before the first option of each stage, so moving a field
 * moves it in {@code --help}.
 */
final class RunOptions {
  @Mixin RunnerOptions runner;

  // Read URL lists
  @Option(
      names = "--input-format",
      paramLabel = "FORMAT",
      converter = InputFormatConverter.class,
      description =
          "auto (from the file name), txt, csv, tsv, jsonl or parquet. Default: ${DEFAULT-VALUE}.")
  InputFormat inputFormat;

  @Option(
      names = "--url-column",
      paramLabel = "NAME",
      description =
          "Column (csv/tsv/parquet) or field (jsonl) holding the URL. Default: ${DEFAULT-VALUE}.")
  String urlColumn;

  @Option(
      names = "--caption-column",
      paramLabel = "NAME",
      description = "Column or field holding the caption. Default: ${DEFAULT-VALUE}.")
  String captionColumn;

  @Mixin FetchOptions fetch;

  @Mixin DomainListOptions lists;

  @Mixin ConsentOptions consent;

  @Mixin NsfwFaceOptions nsfwFaces;

  @Mixin DecodeOptions decode;

  @Mixin EmbedOptions embed;

  @Mixin DedupOptions dedup;

  @Mixin RetrievalOptions retrieval;

  // Export
  @Option(
      names = "--shard-prefix",
      paramLabel = "NAME",
      description = "Shards are NAME-000000.tar. Default: ${DEFAULT-VALUE}.")
  String shardPrefix;

  @Option(
      names = "--samples-per-shard",
      paramLabel = "N",
      description = "Default: ${DEFAULT-VALUE}.")
  int samplesPerShard;

  /** The Beam options of this run: runner, parallelism, passed-through options, error budget. */
  PipelineOptions pipelineOptions() {
    return runner.pipelineOptions();
  }

  /**
   * The run's config. The stages' settings are built in pipeline order, so that of several bad
   * values the first stage's is the one reported.
   */
  WinnowConfig toConfig(List<String> inputs, String outputDir) {
    FetchSettings fetchSettings = fetch.settings(consent.consent());
    FilterSettings filter =
        nsfwFaces.addTo(lists.addTo(FilterSettings.defaults().toBuilder())).build();
    DecodeSettings decodeSettings = decode.settings();
    EmbedSettings embedSettings = embed.settings();
    DedupSettings dedupSettings = dedup.settings();
    RetrievalSettings retrievalSettings = retrieval.settings();
    return WinnowConfig.of(inputs, outputDir).toBuilder()
        .inputFormat(inputFormat)
        .urlColumn(urlColumn)
        .captionColumn(captionColumn)
        .shardPrefix(shardPrefix)
        .samplesPerShard(samplesPerShard)
        .fetch(fetchSettings)
        .decode(decodeSettings)
        .embed(embedSettings)
        .dedup(dedupSettings)
        .filter(filter)
        .retrieval(retrievalSettings)
        .build();
  }

  static final class InputFormatConverter implements ITypeConverter<InputFormat> {
    @Override
    public InputFormat convert(String value) {
      return InputFormat.valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
  }
}
