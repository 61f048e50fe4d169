package io.winnow.cli;

import io.winnow.crawl.FetchSettings;
import io.winnow.decode.DecodeSettings;
import io.winnow.filters.FilterSettings;
import io.winnow.inference.EmbedSettings;
import io.winnow.pipeline.DedupSettings;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.schemas.ErrorBudget;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of the run options, read from the settings records' {@code defaults()} (and, for the
 * error budget, its Beam options' {@code @Default}s): each default is written in one place, so what
 * {@code --help} shows ({@code ${DEFAULT-VALUE}}) and what a run uses cannot disagree. Values of a
 * config file come first ({@link ConfigFileDefaults}); options not listed here keep the default
 * their annotation states (the runner, and a few whose CLI value means "choose for me").
 */
final class SettingsDefaults implements IDefaultValueProvider {
  private static final Map<String, String> DEFAULTS = read();

  private final IDefaultValueProvider first;

  /** Only the settings' defaults. */
  SettingsDefaults() {
    this(null);
  }

  /** {@code first}'s values (a config file's), then the settings' defaults. */
  SettingsDefaults(IDefaultValueProvider first) {
    this.first = first;
  }

  @Override
  public String defaultValue(ArgSpec arg) throws Exception {
    String value = first == null ? null : first.defaultValue(arg);
    if (value != null || !(arg instanceof OptionSpec option)) {
      return value;
    }
    return DEFAULTS.get(option.longestName());
  }

  /** Option name to default, as the option's converter reads it. */
  static Map<String, String> defaults() {
    return DEFAULTS;
  }

  private static Map<String, String> read() {
    WinnowConfig config = WinnowConfig.of(java.util.List.of("unused"), "unused");
    FetchSettings fetch = FetchSettings.defaults();
    DecodeSettings decode = DecodeSettings.defaults();
    FilterSettings filter = FilterSettings.defaults();
    EmbedSettings embed = EmbedSettings.defaults();
    DedupSettings dedup = DedupSettings.defaults();
    ErrorBudget.Options budget = PipelineOptionsFactory.as(ErrorBudget.Options.class);
    Map<String, String> d = new LinkedHashMap<>();
    d.put("--max-error-rate", String.valueOf(budget.getMaxInternalErrorRate()));
    d.put("--error-rate-after", String.valueOf(budget.getInternalErrorRateAfter()));
    // Input
    d.put("--input-format", name(config.inputFormat()));
    d.put("--url-column", config.urlColumn());
    d.put("--caption-column", config.captionColumn());
    // Crawl
    d.put("--concurrency", String.valueOf(fetch.concurrency()));
    d.put("--per-host-concurrency", String.valueOf(fetch.perHostConcurrency()));
    d.put("--connect-timeout", duration(fetch.connectTimeout()));
    d.put("--read-timeout", duration(fetch.readTimeout()));
    d.put("--total-timeout", duration(fetch.totalTimeout()));
    d.put("--retries", String.valueOf(fetch.maxRetries()));
    d.put("--retry-base", duration(fetch.retryBase()));
    d.put("--max-retry-wait", duration(fetch.maxRetryWait()));
    d.put("--max-redirects", String.valueOf(fetch.maxRedirects()));
    d.put("--max-bytes", bytes(fetch.maxBodyBytes()));
    d.put("--user-agent", fetch.userAgent());
    d.put("--robots-token", fetch.consent().userAgentToken());
    d.put("--max-crawl-delay", duration(fetch.consent().maxCrawlDelay()));
    d.put("--opt-out-headers", sortedList(fetch.consent().headerDirectives()));
    // Filters
    d.put("--nsfw-threshold", String.valueOf(filter.nsfwThreshold()));
    d.put("--nsfw-model", filter.nsfwModel());
    d.put("--faces", name(filter.faces()));
    d.put("--face-detector", filter.faceDetector());
    d.put("--face-score", String.valueOf(filter.faceScore()));
    d.put("--face-margin", String.valueOf(filter.faceMargin()));
    d.put("--blur-style", name(filter.blurStyle()));
    // Decode
    d.put("--image-size", String.valueOf(decode.imageSize()));
    d.put("--resize-mode", name(decode.resizeMode()).replace('_', '-'));
    d.put("--min-image-size", String.valueOf(decode.minImageSize()));
    d.put("--max-pixels", String.valueOf(decode.maxPixels()));
    d.put("--max-aspect-ratio", String.valueOf(decode.maxAspectRatio()));
    d.put("--jpeg-quality", String.valueOf(decode.jpegQuality()));
    d.put("--border-color", color(decode.borderColor()));
    // Embed
    d.put("--model", embed.model());
    d.put("--embed-batch-size", String.valueOf(embed.batchSize()));
    d.put("--execution-provider", name(embed.provider()));
    d.put("--inference-threads", String.valueOf(embed.inferenceThreads()));
    // Dedup (NaN: the model descriptor's threshold)
    d.put("--dedup-threshold", String.valueOf(dedup.threshold()));
    d.put("--dedup-candidate-floor", String.valueOf(dedup.candidateFloor()));
    d.put("--dedup-k", String.valueOf(dedup.k()));
    d.put("--dedup-component-rounds", String.valueOf(dedup.componentRounds()));
    d.put("--dedup-partition-size", String.valueOf(dedup.partitionSize()));
    d.put("--dedup-probes", String.valueOf(dedup.probes()));
    d.put("--eval-threshold", String.valueOf(dedup.evalThreshold()));
    // Export
    d.put("--shard-prefix", config.shardPrefix());
    d.put("--samples-per-shard", String.valueOf(config.samplesPerShard()));
    return Map.copyOf(d);
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** As {@link Durations} reads it: 500ms, 10s, 2m, 1h, 7d. */
  static String duration(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0 && seconds >= 120) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** As {@link ByteSizes} reads it: 512, 64KB, 20MB, 1GB. */
  static String bytes(long n) {
    for (String unit : new String[] {"GB", "MB", "KB"}) {
      long size = unit.equals("GB") ? 1L << 30 : unit.equals("MB") ? 1L << 20 : 1L << 10;
      if (n != 0 && n % size == 0) {
        return n / size + unit;
      }
    }
    return String.valueOf(n);
  }

  private static String color(int rgb) {
    return rgb == DecodeSettings.WHITE
        ? "white"
        : rgb == 0 ? "black" : String.format(Locale.ROOT, "#%06x", rgb);
  }

  private static String sortedList(Collection<String> items) {
    return items.stream().sorted().collect(Collectors.joining(","));
  }
}
