package io.winnow.cli;

import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.read.InputFormat;
import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ResizeMode;
import io.winnow.filters.FilterSettings;
import io.winnow.inference.EmbedSettings;
import io.winnow.inference.ExecutionProvider;
import io.winnow.pipeline.DedupSettings;
import io.winnow.pipeline.RetrievalSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.retrieval.BalancedSpec;
import io.winnow.retrieval.SeedSetSpec;
import io.winnow.schemas.ErrorBudget;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Option;

/** The options shared by {@code run} and {@code demo}, grouped as the pipeline's stages are. */
final class RunOptions {
  // Runner
  @Option(
      names = "--runner",
      defaultValue = "flink",
      paramLabel = "RUNNER",
      description =
          "flink (embedded Flink cluster, default), direct (Beam's debugging runner), "
              + "HOST:PORT of a Flink cluster's JobManager, or auto (inside a Flink cluster, as in "
              + "application mode).")
  String runner;

  @Option(
      names = "--parallelism",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Flink parallelism; 0 uses the number of cores (embedded) or the cluster's " + "default.")
  int parallelism;

  @Option(
      names = "--max-error-rate",
      paramLabel = "SHARE",
      description =
          "Fail the job when more than this share of a stage's images end as internal "
              + "errors (exceptions, not bad images), on a worker or over the run. Default: "
              + "${DEFAULT-VALUE}.")
  double maxErrorRate;

  @Option(
      names = "--error-rate-after",
      paramLabel = "N",
      description =
          "Images a stage must have seen before --max-error-rate applies. Default: "
              + "${DEFAULT-VALUE}.")
  long errorRateAfter;

  @Option(
      names = "--pipeline-option",
      paramLabel = "NAME=VALUE",
      description =
          "A Beam or Flink runner option, passed through (repeatable), e.g. "
              + "flinkConfDir=/etc/flink, maxBundleSize=1000, checkpointingInterval=60000. It wins "
              + "over the value Winnow sets.")
  List<String> pipelineOptions = new java.util.ArrayList<>();

  /** The Beam options of this run: runner, parallelism, passed-through options, error budget. */
  PipelineOptions pipelineOptions() {
    PipelineOptions pipeline = RunWinnow.options(runner, parallelism, pipelineOptions);
    ErrorBudget.Options budget = pipeline.as(ErrorBudget.Options.class);
    budget.setMaxInternalErrorRate(maxErrorRate);
    budget.setInternalErrorRateAfter(errorRateAfter);
    return pipeline;
  }

  // Input
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

  // Crawl
  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Requests in flight per worker JVM. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(
      names = "--per-host-concurrency",
      paramLabel = "N",
      description = "Requests in flight to one host per worker JVM. Default: ${DEFAULT-VALUE}.")
  int perHostConcurrency;

  @Option(
      names = "--connect-timeout",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "Default: ${DEFAULT-VALUE}.")
  Duration connectTimeout;

  @Option(
      names = "--read-timeout",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "Longest silence while reading a response. Default: ${DEFAULT-VALUE}.")
  Duration readTimeout;

  @Option(
      names = "--total-timeout",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "Longest time for one request in all. Default: ${DEFAULT-VALUE}.")
  Duration totalTimeout;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description =
          "Further tries after a connection error, 429 or 5xx. Default: ${DEFAULT-VALUE}.")
  int retries;

  @Option(
      names = "--retry-base",
      converter = Durations.class,
      paramLabel = "TIME",
      description = "First backoff, doubled per retry, with jitter. Default: ${DEFAULT-VALUE}.")
  Duration retryBase;

  @Option(
      names = "--max-retry-wait",
      converter = Durations.class,
      paramLabel = "TIME",
      description =
          "Longest wait before a retry; a longer Retry-After gives up. Default: ${DEFAULT-VALUE}.")
  Duration maxRetryWait;

  @Option(names = "--max-redirects", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
  int maxRedirects;

  @Option(
      names = "--max-bytes",
      converter = ByteSizes.class,
      paramLabel = "SIZE",
      description = "Largest accepted download. Default: ${DEFAULT-VALUE}.")
  long maxBytes;

  @Option(
      names = "--user-agent",
      paramLabel = "TEXT",
      description =
          "User-Agent sent with every request; name your crawl and a contact. Default: ${DEFAULT-VALUE}.")
  String userAgent;

  @Option(
      names = "--allow-loopback",
      defaultValue = "false",
      description = "Allow loopback addresses (127.0.0.0/8, ::1). Off by default.")
  boolean allowLoopback;

  @Option(
      names = "--allow-private",
      defaultValue = "false",
      description =
          "Allow private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)."
              + " Off by default. Link-local and metadata addresses stay refused.")
  boolean allowPrivate;

  @Option(
      names = "--allow-endpoint",
      split = ",",
      paramLabel = "IP:PORT",
      description = "An address and port always allowed, e.g. an internal mirror. Repeatable.")
  List<String> allowedEndpoints = List.of();

  // Decode
  // Safety and consent filters
  @Option(
      names = "--block-list",
      paramLabel = "FILE|URL",
      description =
          "Unsafe-domain list (one rule per line: example.com, *.example.com, "
              + "=host.example.com, sha256:HEX). Repeatable; read at the start of each run.")
  List<String> blockLists = List.of();

  @Option(
      names = "--allow-list",
      paramLabel = "FILE|URL",
      description = "Domain rules that override the block lists. Repeatable.")
  List<String> allowLists = List.of();

  @Option(
      names = "--opt-out-list",
      paramLabel = "FILE|URL",
      description = "User opt-outs: URLs (lines with ://) and domain rules. Repeatable.")
  List<String> optOutLists = List.of();

  @Option(
      names = "--known-bad-hashes",
      paramLabel = "FILE|URL",
      description =
          "Known-bad image hash list (lines md5:HEX, sha256:HEX of the downloaded "
              + "bytes, pdq:HEX [max-distance]; # comments; plain or .gz). Matched right after "
              + "decoding, before anything is stored. Repeatable; read at the start of each run.")
  List<String> knownBadLists = List.of();

  @Option(
      names = "--no-robots",
      defaultValue = "false",
      description = "Do not read robots.txt (it is honoured by default).")
  boolean noRobots;

  @Option(
      names = "--robots-token",
      paramLabel = "TOKEN",
      description =
          "The product token robots.txt groups and X-Robots-Tag prefixes name. "
              + "Default: ${DEFAULT-VALUE}.")
  String robotsToken;

  @Option(
      names = "--max-crawl-delay",
      converter = Durations.class,
      paramLabel = "DURATION",
      description =
          "Longer robots.txt Crawl-delays refuse the host's URLs. Default: ${DEFAULT-VALUE}.")
  Duration maxCrawlDelay;

  @Option(
      names = "--opt-out-headers",
      split = ",",
      paramLabel = "DIRECTIVE",
      description =
          "X-Robots-Tag directives that refuse an image; 'none' ignores the header. Default: ${DEFAULT-VALUE}.")
  List<String> optOutHeaders;

  @Option(
      names = "--nsfw-threshold",
      paramLabel = "P",
      description =
          "Drop images whose unsafe classes sum to this probability. Default: ${DEFAULT-VALUE} "
              + "(chosen on a safe-photo dev set: docs/nsfw.md).")
  double nsfwThreshold;

  @Option(names = "--no-nsfw", defaultValue = "false", description = "Turn the NSFW filter off.")
  boolean noNsfw;

  @Option(
      names = "--nsfw-model",
      paramLabel = "MODEL",
      description =
          "NSFW classifier (a model as --model takes, naming unsafe classes); auto: the embedding model when it is one, else the built-in nsfwjs. Default: ${DEFAULT-VALUE}.")
  String nsfwModel;

  @Option(
      names = "--faces",
      paramLabel = "blur|drop|off",
      description =
          "Blur detected faces (default), drop images with faces, or do nothing. Default: ${DEFAULT-VALUE}.")
  String faces;

  @Option(
      names = "--face-detector",
      paramLabel = "blazeface+ssd|blazeface|haar",
      description =
          "Default: ${DEFAULT-VALUE} (BlazeFace, and face-api's SSD MobileNetV1 on images "
              + "where BlazeFace found a face). A detector that cannot load fails the run.")
  String faceDetector;

  @Option(
      names = "--face-score",
      paramLabel = "P",
      description =
          "BlazeFace detections at or above this score are faces. Default: ${DEFAULT-VALUE}.")
  double faceScore;

  @Option(
      names = "--face-margin",
      paramLabel = "FRACTION",
      description =
          "Blurred area grows by this fraction of the face on each side. Default: ${DEFAULT-VALUE}.")
  double faceMargin;

  @Option(
      names = "--blur-style",
      paramLabel = "gaussian|pixelate",
      description = "Default: ${DEFAULT-VALUE}.")
  String blurStyle;

  @Option(
      names = "--image-size",
      paramLabel = "PX",
      description = "Target size for the resize mode. Default: ${DEFAULT-VALUE}.")
  int imageSize;

  @Option(
      names = "--resize-mode",
      converter = ResizeModeConverter.class,
      paramLabel = "MODE",
      description =
          "no, keep_ratio, keep_ratio_largest, center_crop or border (img2dataset's modes). Default: ${DEFAULT-VALUE}.")
  ResizeMode resizeMode;

  @Option(names = "--resize-only-if-bigger", defaultValue = "false", description = "Never upscale.")
  boolean resizeOnlyIfBigger;

  @Option(
      names = "--min-image-size",
      paramLabel = "PX",
      description = "Smallest accepted shorter side of the original. Default: ${DEFAULT-VALUE}.")
  int minImageSize;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description =
          "Largest accepted width × height, read from the header before decoding. Default: ${DEFAULT-VALUE}.")
  long maxPixels;

  @Option(
      names = "--max-aspect-ratio",
      paramLabel = "X",
      description = "Largest accepted longer/shorter side ratio. Default: no limit.")
  double maxAspectRatio;

  @Option(
      names = "--jpeg-quality",
      paramLabel = "Q",
      description = "Quality of the stored JPEGs. Default: ${DEFAULT-VALUE}.")
  int jpegQuality;

  @Option(
      names = "--border-color",
      paramLabel = "COLOR",
      description =
          "Padding of --resize-mode border: white (default, as img2dataset), black, #RRGGBB or R,G,B. Default: ${DEFAULT-VALUE}.")
  String borderColor;

  // Embed
  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description =
          "Embedding model: a model.json (or its folder) from models/export/"
              + "export_onnx.py, or builtin:NAME. Default: ${DEFAULT-VALUE} (an ImageNet CNN; see "
              + "README for DINOv2/SSCD).")
  String model;

  @Option(
      names = "--no-embed",
      defaultValue = "false",
      description =
          "Skip embedding (no .npy per shard; later stages that need embeddings are off).")
  boolean noEmbed;

  @Option(
      names = "--embed-batch-size",
      paramLabel = "N",
      description = "Images per inference call. Default: ${DEFAULT-VALUE}.")
  int embedBatchSize;

  @Option(
      names = "--execution-provider",
      paramLabel = "NAME",
      converter = ProviderConverter.class,
      description =
          "cpu, cuda or tensorrt (the last two need the -Pgpu build). Default: ${DEFAULT-VALUE}.")
  ExecutionProvider executionProvider;

  @Option(
      names = "--inference-threads",
      paramLabel = "N",
      description = "ONNX Runtime threads per worker JVM; 0: all cores. Default: ${DEFAULT-VALUE}.")
  int inferenceThreads;

  @Option(
      names = "--preprocess-threads",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Threads per worker JVM that decode and resize for the model; 0: all "
              + "cores. Default: 0.")
  int preprocessThreads;

  // Dedup
  @Option(
      names = "--no-dedup",
      defaultValue = "false",
      description = "Keep exact and near duplicates.")
  boolean noDedup;

  @Option(
      names = "--dedup-threshold",
      paramLabel = "COSINE",
      description =
          "Near-duplicate cosine similarity (pairs at or above it). Default: the "
              + "model's duplicate_threshold.")
  double dedupThreshold;

  @Option(
      names = "--dedup-candidate-floor",
      paramLabel = "COSINE",
      description =
          "Embedding neighbours at or above this cosine are verified as copies "
              + "(keypoints, PDQ, photometric check). Default: 0.5, or the threshold if lower.")
  double dedupCandidateFloor;

  @Option(
      names = "--no-dedup-verify",
      defaultValue = "false",
      description =
          "Decide near-duplicates by the embedding's cosine alone (the threshold), "
              + "without verifying candidate pairs.")
  boolean noDedupVerify;

  @Option(
      names = "--dedup-k",
      paramLabel = "K",
      description =
          "Neighbours per image in the k-NN graph, each pair verified. Default: ${DEFAULT-VALUE} "
              + "(DINOv2 used 64 without verification; 64 costs four times as much).")
  int dedupK;

  @Option(
      names = "--dedup-max-edges",
      paramLabel = "N",
      description =
          "Most near-duplicate edges the one-worker union-find accepts (~100 bytes each). Default: ${DEFAULT-VALUE}.")
  long dedupMaxEdges;

  @Option(
      names = "--eval-set",
      paramLabel = "NAME=LOCATION",
      description =
          "An evaluation set to remove pool images too similar to: a folder or glob "
              + "of image files, or a URL list file (.txt/.csv/.tsv/.jsonl/.parquet), fetched like "
              + "the pool. Repeatable.")
  List<String> evalSets = List.of();

  @Option(
      names = "--eval-threshold",
      paramLabel = "COSINE",
      description =
          "Pool images at or above this similarity to an eval image are removed. "
              + "Default: the model's eval_threshold.")
  double evalThreshold;

  // Retrieval
  @Option(
      names = "--seed-set",
      paramLabel = "NAME=LOCATION[;key=value...]",
      description =
          "A curated seed set (folder, glob or URL list): keep the pool images it "
              + "selects. Options: mode=knn|cluster, k (4), min-similarity, clusters, per-cluster "
              + "(10000), min-seeds (3), cap (1000000), sampling-seed. Repeatable.")
  List<String> seedSets = List.of();

  @Option(
      names = "--balanced",
      paramLabel = "clusters=K1,K2,...;target=N",
      description =
          "Seed-free curation: hierarchical k-means of the pool and balanced sampling "
              + "to N images (with seed sets: their union).")
  String balanced;

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

  WinnowConfig toConfig(List<String> inputs, String outputDir) {
    FetchSettings fetch =
        FetchSettings.defaults().toBuilder()
            .concurrency(concurrency)
            .perHostConcurrency(perHostConcurrency)
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .totalTimeout(totalTimeout)
            .maxRetries(retries)
            .retryBase(retryBase)
            .maxRetryWait(maxRetryWait)
            .maxRedirects(maxRedirects)
            .maxBodyBytes(maxBytes)
            .userAgent(userAgent)
            .allowLoopback(allowLoopback)
            .allowPrivate(allowPrivate)
            .allowedEndpoints(new LinkedHashSet<>(allowedEndpoints))
            .consent(
                new FetchSettings.Consent(
                    !noRobots,
                    robotsToken,
                    optOutHeaders.equals(List.of("none"))
                        ? java.util.Set.of()
                        : new LinkedHashSet<>(
                            optOutHeaders.stream()
                                .map(String::strip)
                                .map(d -> d.toLowerCase(java.util.Locale.ROOT))
                                .toList()),
                    maxCrawlDelay))
            .domains(null) // set once the lists are read, when the pipeline is built
            .build();
    FilterSettings filter =
        FilterSettings.defaults().toBuilder()
            .blockLists(blockLists)
            .allowLists(allowLists)
            .optOutLists(optOutLists)
            .knownBadLists(knownBadLists)
            .nsfwThreshold(noNsfw ? Double.NaN : nsfwThreshold)
            .nsfwModel(nsfwModel)
            .faces(
                FilterSettings.FaceMode.valueOf(faces.strip().toUpperCase(java.util.Locale.ROOT)))
            .faceDetector(faceDetector)
            .faceScore(faceScore)
            .faceMargin(faceMargin)
            .blurStyle(
                io.winnow.filters.FaceBlur.Style.valueOf(
                    blurStyle.strip().toUpperCase(java.util.Locale.ROOT)))
            .build();
    DecodeSettings decode =
        new DecodeSettings(
            imageSize,
            resizeMode,
            resizeOnlyIfBigger,
            minImageSize,
            maxPixels,
            maxAspectRatio,
            jpegQuality,
            DecodeSettings.parseColor(borderColor));
    EmbedSettings embed =
        noEmbed
            ? null
            : new EmbedSettings(
                model,
                embedBatchSize,
                executionProvider,
                inferenceThreads,
                preprocessThreads > 0
                    ? preprocessThreads
                    : Runtime.getRuntime().availableProcessors());
    // Without embeddings a run has no dedup; a refresh of a dataset still drops byte copies.
    DedupSettings dedup =
        noDedup
            ? null
            : new DedupSettings(
                dedupThreshold,
                dedupCandidateFloor,
                !noDedupVerify,
                dedupK,
                dedupMaxEdges,
                evalSets,
                evalThreshold);
    RetrievalSettings retrieval =
        seedSets.isEmpty() && balanced == null
            ? null
            : new RetrievalSettings(
                seedSets.stream()
                    .map(SeedSetSpec::parse)
                    .map(
                        spec ->
                            spec.location().contains("://")
                                ? spec
                                : new SeedSetSpec(
                                    spec.name(),
                                    java.nio.file.Path.of(spec.location())
                                        .toAbsolutePath()
                                        .toString(),
                                    spec.mode(),
                                    spec.k(),
                                    spec.minSimilarity(),
                                    spec.clusters(),
                                    spec.perCluster(),
                                    spec.minSeeds(),
                                    spec.cap(),
                                    spec.samplingSeed()))
                    .toList(),
                balanced == null ? null : BalancedSpec.parse(balanced));
    return WinnowConfig.of(inputs, outputDir).toBuilder()
        .inputFormat(inputFormat)
        .urlColumn(urlColumn)
        .captionColumn(captionColumn)
        .shardPrefix(shardPrefix)
        .samplesPerShard(samplesPerShard)
        .fetch(fetch)
        .decode(decode)
        .embed(embed)
        .dedup(dedup)
        .filter(filter)
        .retrieval(retrieval)
        .build();
  }

  static final class InputFormatConverter
      implements picocli.CommandLine.ITypeConverter<InputFormat> {
    @Override
    public InputFormat convert(String value) {
      return InputFormat.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
    }
  }

  static final class ProviderConverter
      implements picocli.CommandLine.ITypeConverter<ExecutionProvider> {
    @Override
    public ExecutionProvider convert(String value) {
      return ExecutionProvider.parse(value);
    }
  }

  static final class ResizeModeConverter implements picocli.CommandLine.ITypeConverter<ResizeMode> {
    @Override
    public ResizeMode convert(String value) {
      return ResizeMode.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }
}
