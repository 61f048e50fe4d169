package io.winnow.pipeline;

import io.winnow.crawl.FetchImages;
import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.SafetyLists;
import io.winnow.crawl.read.ReadUrlLists;
import io.winnow.dataset.ReadDatasetHashes;
import io.winnow.dataset.RefreshSettings;
import io.winnow.dataset.SearchDatasetIndex;
import io.winnow.dataset.SkipSeenUrls;
import io.winnow.decode.DecodeImages;
import io.winnow.dedup.Decontaminate;
import io.winnow.dedup.DropByteCopies;
import io.winnow.dedup.DropNearDuplicates;
import io.winnow.dedup.FingerprintImages;
import io.winnow.export.ShardStats;
import io.winnow.export.WriteWebDataset;
import io.winnow.filters.BlurFaces;
import io.winnow.filters.ClassifyNsfw;
import io.winnow.filters.DomainPolicy;
import io.winnow.filters.DropKnownBadImages;
import io.winnow.filters.DropUnsafeDomains;
import io.winnow.filters.FilterSettings;
import io.winnow.filters.KnownBadHashes;
import io.winnow.inference.EmbedImages;
import io.winnow.report.RunReport;
import io.winnow.report.Summarize;
import io.winnow.report.WriteJsonArray;
import io.winnow.report.WriteRejections;
import io.winnow.report.WriteThumbnails;
import io.winnow.schemas.ModelDescriptor;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RejectionCollector;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.UrlRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Wires the stages into one Beam pipeline. Each stage lives in its own package; this class only
 * connects them, in the order of the product's stage list:
 *
 * <pre>
 * URL lists ─ ReadUrlLists ─ DropUnsafeDomains ─ FetchImages ─ DecodeImages ─ DropKnownBadImages
 *   ─ ClassifyNsfw ─ BlurFaces
 *   ─ FingerprintImages ─ EmbedImages ─ DropNearDuplicates ─ Decontaminate ─ RetrieveFromSeeds
 *   ─ WriteWebDataset
 *   ─▶ shards, summary.json
 * every stage ──────────────────────────────────────────── rejections ─▶ rejections/*.jsonl
 * </pre>
 *
 * (ClassifyNsfw sees the image before faces are blurred, in memory; nothing unblurred is stored or
 * embedded. A batch of a refresh adds SkipSeenUrls after ReadUrlLists, and drops near-copies of the
 * dataset's samples, found in its persisted index, before DropNearDuplicates.) </pre>
 */
public final class WinnowPipeline {
  private WinnowPipeline() {}

  /** The collections a built pipeline ends in, for tests and for callers that add stages. */
  public record Outputs(
      PCollection<Sample> accepted,
      PCollection<Rejection> rejections,
      PCollection<ShardStats> shards,
      PCollection<RunSummary> summary,
      RunConfiguration.Resolved resolved) {}

  /**
   * Builds the pipeline. {@link Outputs#resolved} holds what building decided beyond the config:
   * the models loaded (with checksums) and thresholds taken from their descriptors.
   */
  public static Outputs build(Pipeline pipeline, WinnowConfig config) {
    FilterSettings filter = config.filter();
    DedupSettings dedup = config.dedup();
    RefreshSettings refresh = config.refresh();
    Loaded loaded = Loaded.of(config);
    DomainPolicy domains = loaded.domains();
    KnownBadHashes knownBad = loaded.knownBad();
    FetchSettings fetch = loaded.fetch();
    EmbedImages embed = loaded.embed();
    RejectionCollector rejected = RejectionCollector.of(pipeline, "All");

    // 1. Read URL lists (a refresh batch: its own URLs, less those the dataset has seen).
    StageResult<UrlRecord> read =
        thisBatch(
            pipeline.apply(
                "ReadUrlLists",
                ReadUrlLists.from(config.inputs())
                    .withFormat(config.inputFormat())
                    .withColumns(config.urlColumn(), config.captionColumn())),
            refresh);
    PCollection<UrlRecord> urls = rejected.accepted(read);
    if (refresh != null && !refresh.seenFiles().isEmpty()) {
      urls = rejected.accepted(urls.apply("SkipSeenUrls", SkipSeenUrls.with(refresh)));
    }
    // 2. Unsafe domains and opt-out lists, before any request.
    if (!domains.isEmpty()) {
      urls = rejected.accepted(urls.apply("DropUnsafeDomains", DropUnsafeDomains.with(domains)));
    }
    // 3. Fetch politely: robots.txt, AI-preference headers and the domain policy at every hop.
    StageResult<Sample> fetched = urls.apply("FetchImages", FetchImages.with(fetch));
    PCollection<Sample> images = rejected.accepted(fetched);
    // 4. Decode, validate, resize.
    images = rejected.accepted(images.apply("DecodeImages", DecodeImages.with(config.decode())));
    // 5. Known-bad hash lists, on the decoded image before any other stage sees it.
    if (!knownBad.isEmpty()) {
      images =
          rejected.accepted(images.apply("DropKnownBadImages", DropKnownBadImages.with(knownBad)));
    }
    // 6. NSFW, on the image before faces are blurred (a blurred face reads as skin), in memory.
    if (loaded.nsfw() != null) {
      images = rejected.accepted(images.apply("ClassifyNsfw", loaded.nsfw()));
    }
    // 7. Faces: blurred (or the image dropped) before anything is embedded or stored.
    if (filter.faces() != FilterSettings.FaceMode.OFF) {
      boolean drop = filter.faces() == FilterSettings.FaceMode.DROP;
      images =
          rejected.accepted(images.apply("BlurFaces", BlurFaces.with(faceSettings(config, drop))));
    }
    if (embed == null && refresh != null && dedup != null) {
      // Without embeddings, a refresh still keeps byte copies out of its dataset.
      PCollection<KV<String, String>> hashes =
          pipeline.apply("ReadDatasetHashes", ReadDatasetHashes.of(refresh.datasetShards()));
      images = rejected.accepted(images.apply("DropByteCopies", DropByteCopies.against(hashes)));
    }
    if (embed != null) {
      // 8. Fingerprint (PDQ, border trimming, keypoints for copy detection), then 9. embed.
      images = rejected.accepted(images.apply("FingerprintImages", FingerprintImages.create()));
      images = rejected.accepted(images.apply("EmbedImages", embed));
      // 10. Exact and near-duplicate removal, 11. decontamination against evaluation sets.
      if (dedup != null) {
        images = deduplicate(pipeline, config, fetch, embed, images, rejected);
      }
      images = dropFingerprints(images);
      // 12. Seed retrieval / balanced sampling.
      if (config.retrieval() != null) {
        images =
            rejected.accepted(
                images.apply(
                    "RetrieveFromSeeds", ReferenceSets.retrieve(pipeline, config, fetch, embed)));
      }
    }
    // 13. WebDataset shards, Parquet and .npy.
    PCollection<ShardStats> shards =
        images.apply(
            "WriteWebDataset",
            WriteWebDataset.to(config.outputDir())
                .withPrefix(config.shardPrefix())
                .withSamplesPerShard(config.samplesPerShard()));
    // 14. Account for every URL: rejections, then the summary that checks the balance.
    PCollection<Rejection> rejections = rejected.writeTo(WriteRejections.to(config.outputDir()));
    PCollection<RunSummary> summary =
        summarize(config, read, fetched.accepted(), rejections, shards);
    return new Outputs(images, rejections, shards, summary, loaded.resolved());
  }

  /**
   * The lists and models a run uses, read and loaded once, while the pipeline is built: a broken
   * one fails the job here, before any request. {@code resolved} is what that decided beyond the
   * config (checksums, dimensions, thresholds from model descriptors), for run-config.json.
   */
  private record Loaded(
      DomainPolicy domains,
      KnownBadHashes knownBad,
      FetchSettings fetch,
      EmbedImages embed,
      ClassifyNsfw nsfw,
      RunConfiguration.Resolved resolved) {
    static Loaded of(WinnowConfig config) {
      FilterSettings filter = config.filter();
      DomainPolicy domains = SafetyLists.policy(filter, config.fetch());
      KnownBadHashes knownBad = SafetyLists.knownBad(filter, config.fetch());
      EmbedImages embed = config.embed() == null ? null : EmbedImages.with(config.embed());
      ClassifyNsfw nsfw =
          filter.nsfwOn()
              ? ClassifyNsfw.with(filter, config.embed(), embed == null ? null : embed.model())
              : null;
      return new Loaded(
          domains,
          knownBad,
          config.fetch().withDomains(domains),
          embed,
          nsfw,
          WinnowPipeline.resolved(config, knownBad, embed, nsfw));
    }
  }

  private static RunConfiguration.Resolved resolved(
      WinnowConfig config, KnownBadHashes knownBad, EmbedImages embed, ClassifyNsfw nsfw) {
    ModelDescriptor model = embed == null ? null : embed.model().descriptor();
    boolean dedup = model != null && config.dedup() != null;
    return new RunConfiguration.Resolved(
        knownBad.isEmpty() ? null : knownBad.counts(),
        model == null ? null : config.embed().model(),
        model == null ? null : model.sha256(),
        model == null ? null : model.dimension(),
        dedup ? config.dedup().thresholdFor(model.duplicateThreshold()) : null,
        dedup ? config.dedup().evalThresholdFor(model.evalThreshold()) : null,
        nsfw == null ? null : nsfw.model(),
        nsfw == null ? null : nsfw.unsafeClasses());
  }

  /** A refresh runs in batches by key hash: this run takes its batch's URLs and rejections. */
  private static StageResult<UrlRecord> thisBatch(
      StageResult<UrlRecord> read, RefreshSettings refresh) {
    if (refresh == null) {
      return read;
    }
    return StageResult.of(
        read.accepted().apply("ThisBatchUrls", Filter.by((UrlRecord u) -> refresh.owns(u.key()))),
        read.rejections()
            .apply("ThisBatchReadRejections", Filter.by((Rejection r) -> refresh.owns(r.key()))));
  }

  /**
   * Exact and near-duplicate removal (a refresh first drops near-copies of the dataset's samples,
   * found through its persisted index), then decontamination against the evaluation sets. The
   * report's duplicate pairs hang off as a tap: removed images are not exported, so their
   * thumbnails (face-blurred already, NSFW-filtered already) are kept now.
   */
  private static PCollection<Sample> deduplicate(
      Pipeline pipeline,
      WinnowConfig config,
      FetchSettings fetch,
      EmbedImages embed,
      PCollection<Sample> images,
      RejectionCollector rejected) {
    DedupSettings settings = config.dedup();
    ModelDescriptor model = embed.model().descriptor();
    double threshold = settings.thresholdFor(model.duplicateThreshold());
    RefreshSettings refresh = config.refresh();
    if (refresh != null && refresh.indexCentroids() != null) {
      Decontaminate.Nearest index =
          SearchDatasetIndex.of(refresh.indexCentroids(), refresh.indexLists(), model.dimension());
      images =
          rejected.accepted(
              images.apply(
                  "DropDatasetDuplicates", Decontaminate.againstDataset(index, threshold)));
    }
    DropNearDuplicates dedup =
        DropNearDuplicates.with(model.dimension(), threshold)
            .withK(settings.k())
            .withComponentRounds(settings.componentRounds())
            .withPartitionSize(settings.partitionSize())
            .withProbes(settings.probes());
    if (!Double.isNaN(settings.candidateFloor())) {
      dedup = dedup.withCandidateFloor(settings.candidateFloor());
    }
    if (!settings.verify()) {
      dedup = dedup.withoutVerification();
    }
    StageResult<Sample> deduplicated = images.apply("DropNearDuplicates", dedup);
    String duplicates = reportFolder(config, RunReport.DUPLICATES);
    deduplicated
        .tap(DropNearDuplicates.EXAMPLE_IMAGES)
        .apply("DuplicateThumbnails", WriteThumbnails.to(duplicates));
    deduplicated
        .tap(DropNearDuplicates.EXAMPLES)
        .apply("DuplicateExamples", WriteJsonArray.to(duplicates + "/" + RunReport.EXAMPLES_FILE));
    images = rejected.accepted(deduplicated);
    if (settings.evalSets().isEmpty()) {
      return images;
    }
    return rejected.accepted(
        images.apply("Decontaminate", ReferenceSets.decontaminate(pipeline, config, fetch, embed)));
  }

  /** Fingerprints have served copy detection; later stages need not carry 20 KB a sample. */
  private static PCollection<Sample> dropFingerprints(PCollection<Sample> images) {
    return images
        .apply(
            "DropFingerprints",
            MapElements.into(TypeDescriptor.of(Sample.class))
                .via(
                    (Sample s) ->
                        s.fingerprint() == null ? s : s.toBuilder().fingerprint(null).build()))
        .setCoder(images.getCoder());
  }

  static BlurFaces.Settings faceSettings(WinnowConfig config, boolean drop) {
    FilterSettings filter = config.filter();
    return new BlurFaces.Settings(
        drop,
        filter.faceDetector(),
        filter.faceScore(),
        filter.faceMargin(),
        filter.blurStyle(),
        config.decode().jpegQuality());
  }

  /**
   * The run's counts: URLs read (this batch's), rejections per stage and reason, bytes fetched and
   * written, samples and shards; {@link Summarize} checks {@code input = accepted + rejected}.
   */
  private static PCollection<RunSummary> summarize(
      WinnowConfig config,
      StageResult<UrlRecord> read,
      PCollection<Sample> fetched,
      PCollection<Rejection> rejections,
      PCollection<ShardStats> shards) {
    return PCollectionList.of(count(read.accepted(), "CountUrls", RunSummary.INPUT))
        .and(count(read.rejections(), "CountReadRejections", RunSummary.INPUT))
        .and(metric(rejections, "RejectionCounts", RunSummary::rejectedKey, r -> 1L))
        .and(metric(fetched, "DownloadedBytes", s -> RunSummary.BYTES_DOWNLOADED, Sample::byteSize))
        .and(metric(fetched, "FetchTime", s -> RunSummary.FETCH_MILLIS, Sample::fetchMillis))
        .and(metric(shards, "AcceptedCounts", s -> RunSummary.ACCEPTED, ShardStats::count))
        .and(metric(shards, "ShardCounts", s -> RunSummary.SHARDS, s -> 1L))
        .and(metric(shards, "WrittenBytes", s -> RunSummary.BYTES_WRITTEN, ShardStats::tarBytes))
        .apply("Summarize", Summarize.into(config.outputDir()));
  }

  static String reportFolder(WinnowConfig config, String name) {
    return config.outputDir() + "/" + RunReport.DIR + "/" + name;
  }

  private static <T> PCollection<KV<String, Long>> count(
      PCollection<T> items, String step, String name) {
    return items
        .apply(step, Count.globally())
        .apply(
            step + "Named",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(n -> KV.of(name, n)));
  }

  private static <T> PCollection<KV<String, Long>> metric(
      PCollection<T> items,
      String step,
      SerializableFunction<T, String> name,
      SerializableFunction<T, Long> value) {
    return items.apply(
        step,
        MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
            .via(item -> KV.of(name.apply(item), value.apply(item))));
  }
}
