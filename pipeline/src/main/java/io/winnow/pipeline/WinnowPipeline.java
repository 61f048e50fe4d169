package io.winnow.pipeline;

import io.winnow.dedup.Decontaminate;
import io.winnow.dedup.DropByteCopies;
import io.winnow.dedup.DropNearDuplicates;
import io.winnow.dedup.KeyedVector;
import io.winnow.dedup.KnnJoin;
import io.winnow.filters.BlurFaces;
import io.winnow.filters.DomainPolicy;
import io.winnow.filters.DropUnsafeDomains;
import io.winnow.filters.KnownBadHashes;
import io.winnow.pipeline.crawl.FetchImages;
import io.winnow.pipeline.crawl.FetchSettings;
import io.winnow.pipeline.dataset.ReadDatasetHashes;
import io.winnow.pipeline.dataset.RefreshSettings;
import io.winnow.pipeline.dataset.SearchDatasetIndex;
import io.winnow.pipeline.dataset.SkipSeenUrls;
import io.winnow.pipeline.decode.DecodeImages;
import io.winnow.pipeline.embed.EmbedImages;
import io.winnow.pipeline.export.ShardStats;
import io.winnow.pipeline.export.WriteWebDataset;
import io.winnow.pipeline.filter.ClassifyNsfw;
import io.winnow.pipeline.filter.DropKnownBadImages;
import io.winnow.pipeline.filter.FilterSettings;
import io.winnow.pipeline.filter.SafetyLists;
import io.winnow.pipeline.fingerprint.FingerprintImages;
import io.winnow.pipeline.read.ReadImageSet;
import io.winnow.pipeline.read.ReadUrlLists;
import io.winnow.pipeline.report.RunReport;
import io.winnow.pipeline.report.Summarize;
import io.winnow.pipeline.report.WriteJsonArray;
import io.winnow.pipeline.report.WriteRejections;
import io.winnow.pipeline.report.WriteThumbnails;
import io.winnow.retrieval.RetrieveFromSeeds;
import io.winnow.schemas.ModelDescriptor;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import io.winnow.schemas.UrlRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
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
      Map<String, Object> resolved) {}

  /**
   * Builds the pipeline. {@link Outputs#resolved} holds what building decided beyond the config:
   * the models loaded (with checksums) and thresholds taken from their descriptors.
   */
  public static Outputs build(Pipeline pipeline, WinnowConfig config) {
    Map<String, Object> resolved = new LinkedHashMap<>();
    // 1. Read URL lists.
    PCollectionTuple read =
        pipeline.apply(
            "ReadUrlLists",
            ReadUrlLists.from(config.inputs())
                .withFormat(config.inputFormat())
                .withColumns(config.urlColumn(), config.captionColumn()));
    PCollection<UrlRecord> input = read.get(ReadUrlLists.URLS);
    PCollection<Rejection> readRejections = read.get(ReadUrlLists.REJECTIONS);
    RefreshSettings refresh = config.refresh();
    if (refresh != null) {
      // 7. A refresh runs in batches by key hash: this run takes its batch's URLs only.
      input = input.apply("ThisBatchUrls", Filter.by((UrlRecord u) -> refresh.owns(u.key())));
      readRejections =
          readRejections.apply(
              "ThisBatchReadRejections", Filter.by((Rejection r) -> refresh.owns(r.key())));
    }
    PCollection<UrlRecord> urls = input;
    PCollectionList<Rejection> stageRejections = PCollectionList.of(readRejections);
    if (refresh != null && !refresh.seenFiles().isEmpty()) {
      // ...and skips, without a request, what the dataset has seen before.
      PCollectionTuple unseen = urls.apply("SkipSeenUrls", SkipSeenUrls.with(refresh));
      urls = unseen.get(SkipSeenUrls.URLS);
      stageRejections = stageRejections.and(unseen.get(SkipSeenUrls.REJECTIONS));
    }

    // 2a. Unsafe domains and opt-out lists, before any request (lists read now, once per run).
    FilterSettings filter = config.filter();
    DomainPolicy domains = SafetyLists.policy(filter, config.fetch());
    KnownBadHashes knownBad = SafetyLists.knownBad(filter, config.fetch());
    FetchSettings fetch = config.fetch().withDomains(domains);
    PCollection<UrlRecord> allowed = urls;
    if (!domains.isEmpty()) {
      PCollectionTuple checked = urls.apply("DropUnsafeDomains", DropUnsafeDomains.with(domains));
      allowed = checked.get(DropUnsafeDomains.URLS);
      stageRejections = stageRejections.and(checked.get(DropUnsafeDomains.REJECTIONS));
    }

    // 2b. Crawl (robots.txt, X-Robots-Tag and the domain policy at every redirect hop).
    PCollectionTuple fetched = allowed.apply("FetchImages", FetchImages.with(fetch));

    // 3. Decode, validate, resize.
    PCollectionTuple decoded =
        fetched.get(FetchImages.FETCHED).apply("DecodeImages", DecodeImages.with(config.decode()));
    PCollection<Sample> accepted = decoded.get(DecodeImages.DECODED);
    stageRejections =
        stageRejections
            .and(fetched.get(FetchImages.REJECTIONS))
            .and(decoded.get(DecodeImages.REJECTIONS));

    // 2b'. Known-bad hash lists, on the decoded image before any other stage sees it.
    if (!knownBad.isEmpty()) {
      KnownBadHashes.Counts counts = knownBad.counts();
      resolved.put(
          "filter.known_bad_entries",
          java.util.Map.of("md5", counts.md5(), "sha256", counts.sha256(), "pdq", counts.pdq()));
      PCollectionTuple checked =
          accepted.apply("DropKnownBadImages", DropKnownBadImages.with(knownBad, config.decode()));
      accepted = checked.get(DropKnownBadImages.KEPT);
      stageRejections = stageRejections.and(checked.get(DropKnownBadImages.REJECTIONS));
    }

    // 2c. NSFW, on the image before faces are blurred (a blurred face reads as skin to nsfwjs),
    // in memory. The embedding stage loads and checks its model now, before anything runs; the
    // NSFW classifier reuses that model when it is the same one.
    EmbedImages embed =
        config.embed() == null ? null : EmbedImages.with(config.embed(), config.decode());
    ClassifyNsfw nsfw =
        filter.nsfwOn()
            ? ClassifyNsfw.with(
                filter, config.embed(), embed == null ? null : embed.model(), config.decode())
            : null;
    if (embed != null) {
      ModelDescriptor model = embed.model().descriptor();
      resolved.put("embed.model", config.embed().model());
      resolved.put("embed.model_sha256", model.sha256());
      resolved.put("embed.dimension", model.dimension());
      if (config.dedup() != null) {
        resolved.put("dedup.threshold", config.dedup().thresholdFor(model.duplicateThreshold()));
        resolved.put(
            "dedup.eval_threshold", config.dedup().evalThresholdFor(model.evalThreshold()));
      }
    }
    if (nsfw != null) {
      resolved.put("filter.nsfw_model", nsfw.model());
      resolved.put("filter.nsfw_unsafe_classes", nsfw.unsafeClasses());
      PCollectionTuple safe = accepted.apply("ClassifyNsfw", nsfw);
      accepted = safe.get(ClassifyNsfw.KEPT);
      stageRejections = stageRejections.and(safe.get(ClassifyNsfw.REJECTIONS));
    }

    // 2d. Faces: blurred (or the image dropped) before anything is embedded or stored.
    if (filter.faces() != FilterSettings.FaceMode.OFF) {
      PCollectionTuple blurred =
          accepted.apply(
              "BlurFaces",
              BlurFaces.with(faceSettings(config, filter.faces() == FilterSettings.FaceMode.DROP)));
      accepted = blurred.get(BlurFaces.KEPT);
      stageRejections = stageRejections.and(blurred.get(BlurFaces.REJECTIONS));
    }

    // Without embeddings, a refresh still keeps byte copies out of its dataset.
    if (embed == null && refresh != null && config.dedup() != null) {
      PCollectionTuple unique =
          accepted.apply(
              "DropByteCopies",
              DropByteCopies.against(
                  pipeline.apply(
                      "ReadDatasetHashes", ReadDatasetHashes.of(refresh.datasetShards()))));
      accepted = unique.get(DropByteCopies.KEPT);
      stageRejections = stageRejections.and(unique.get(DropByteCopies.REJECTIONS));
    }

    // 4. Embed, after fingerprinting (PDQ, border trimming, keypoints for dedup).
    if (embed != null) {
      PCollectionTuple fingerprinted =
          accepted.apply("FingerprintImages", FingerprintImages.with(config.decode()));
      accepted = fingerprinted.get(FingerprintImages.FINGERPRINTED);
      stageRejections = stageRejections.and(fingerprinted.get(FingerprintImages.REJECTIONS));
      PCollectionTuple embedded = accepted.apply("EmbedImages", embed);
      accepted = embedded.get(EmbedImages.EMBEDDED);
      stageRejections = stageRejections.and(embedded.get(EmbedImages.REJECTIONS));

      // 5. Deduplicate: exact (same bytes), then near (k-NN graph, connected components).
      if (config.dedup() != null) {
        ModelDescriptor model = embed.model().descriptor();
        if (refresh != null && refresh.indexCentroids() != null) {
          // A refresh keeps old samples as they are: new near-copies of them go first, found
          // through the dataset's persisted index.
          PCollectionTuple fresh =
              accepted.apply(
                  "DropDatasetDuplicates",
                  Decontaminate.againstDataset(
                      SearchDatasetIndex.of(
                          refresh.indexCentroids(), refresh.indexLists(), model.dimension()),
                      config.dedup().thresholdFor(model.duplicateThreshold())));
          accepted = fresh.get(Decontaminate.KEPT);
          stageRejections = stageRejections.and(fresh.get(Decontaminate.REJECTIONS));
        }
        DropNearDuplicates dedup =
            DropNearDuplicates.with(
                    model.dimension(), config.dedup().thresholdFor(model.duplicateThreshold()))
                .withK(config.dedup().k())
                .withMaxEdges(config.dedup().maxEdges());
        if (!Double.isNaN(config.dedup().candidateFloor())) {
          dedup = dedup.withCandidateFloor(config.dedup().candidateFloor());
        }
        if (!config.dedup().verify()) {
          dedup = dedup.withoutVerification();
        }
        PCollectionTuple deduplicated = accepted.apply("DropNearDuplicates", dedup);
        accepted = deduplicated.get(DropNearDuplicates.KEPT);
        stageRejections = stageRejections.and(deduplicated.get(DropNearDuplicates.REJECTIONS));
        // The report shows a sample of the pairs; removed images are not exported, so their
        // thumbnails (face-blurred already, NSFW-filtered already) are kept now.
        deduplicated
            .get(DropNearDuplicates.EXAMPLE_IMAGES)
            .apply(
                "DuplicateThumbnails",
                WriteThumbnails.to(reportFolder(config, RunReport.DUPLICATES)));
        deduplicated
            .get(DropNearDuplicates.EXAMPLES)
            .apply(
                "DuplicateExamples",
                WriteJsonArray.to(
                    reportFolder(config, RunReport.DUPLICATES) + "/" + RunReport.EXAMPLES_FILE));
        if (!config.dedup().evalSets().isEmpty()) {
          PCollection<Sample> eval = evalImages(pipeline, config, fetch, embed);
          PCollection<KeyedVector> evalVectors =
              eval.apply(
                      "EvalVectors",
                      MapElements.into(TypeDescriptor.of(KeyedVector.class))
                          .via(s -> new KeyedVector(s.key(), s.embedding())))
                  .setCoder(new KeyedVector.Coder());
          double evalThreshold = config.dedup().evalThresholdFor(model.evalThreshold());
          Decontaminate decontaminate =
              config.dedup().verify()
                  ? Decontaminate.verifiedAgainst(
                      evalVectors,
                      eval.apply(
                              "EvalFingerprints",
                              MapElements.into(
                                      TypeDescriptors.kvs(
                                          TypeDescriptors.strings(),
                                          TypeDescriptor.of(byte[].class)))
                                  .via(s -> KV.of(s.key(), s.fingerprint())))
                          .setCoder(
                              KvCoder.of(
                                  StringUtf8Coder.of(), NullableCoder.of(ByteArrayCoder.of()))),
                      model.dimension(),
                      evalThreshold,
                      DropNearDuplicates.DEFAULT_CANDIDATE_FLOOR,
                      Decontaminate.VERIFICATION)
                  : Decontaminate.against(evalVectors, model.dimension(), evalThreshold);
          PCollectionTuple clean = accepted.apply("Decontaminate", decontaminate);
          accepted = clean.get(Decontaminate.KEPT);
          stageRejections = stageRejections.and(clean.get(Decontaminate.REJECTIONS));
        }
      }
      // Fingerprints have served copy detection; later stages need not carry 20 KB a sample.
      accepted =
          accepted
              .apply(
                  "DropFingerprints",
                  MapElements.into(TypeDescriptor.of(Sample.class))
                      .via(
                          (Sample s) ->
                              s.fingerprint() == null
                                  ? s
                                  : s.toBuilder().fingerprint(null).build()))
              .setCoder(accepted.getCoder());

      // 5b. Retrieve: keep what the seed sets (or balanced sampling) select.
      if (config.retrieval() != null) {
        RetrievalSettings retrieval = config.retrieval();
        List<ReadImageSet> seedSets =
            retrieval.seedSets().stream()
                .map(spec -> ReadImageSet.of(spec.name(), spec.location(), fetch))
                .toList();
        Map<String, PCollection<KeyedVector>> seeds =
            referenceVectors(pipeline, config, seedSets, embed, "Seeds", "seed-rejections");
        List<RetrieveFromSeeds.SeedSet> sets =
            retrieval.seedSets().stream()
                .map(spec -> new RetrieveFromSeeds.SeedSet(spec, seeds.get(spec.name())))
                .toList();
        RetrieveFromSeeds retrieve =
            RetrieveFromSeeds.with(embed.model().descriptor().dimension(), sets);
        if (retrieval.balanced() != null) {
          retrieve = retrieve.withBalanced(retrieval.balanced());
        }
        PCollectionTuple retrieved = accepted.apply("RetrieveFromSeeds", retrieve);
        accepted = retrieved.get(RetrieveFromSeeds.KEPT);
        stageRejections = stageRejections.and(retrieved.get(RetrieveFromSeeds.REJECTIONS));
      }
    }

    // 6. Export.
    PCollection<ShardStats> shards =
        accepted.apply(
            "WriteWebDataset",
            WriteWebDataset.to(config.outputDir())
                .withPrefix(config.shardPrefix())
                .withSamplesPerShard(config.samplesPerShard()));

    // 7. Account for every URL.
    PCollection<Rejection> rejections =
        stageRejections.apply("AllRejections", Flatten.pCollections());
    rejections.apply("WriteRejections", WriteRejections.to(config.outputDir()));

    PCollection<RunSummary> summary =
        PCollectionList.of(count(input, "CountUrls", RunSummary.INPUT))
            .and(count(readRejections, "CountReadRejections", RunSummary.INPUT))
            .and(metric(rejections, "RejectionCounts", RunSummary::rejectedKey, r -> 1L))
            .and(
                metric(
                    fetched.get(FetchImages.FETCHED),
                    "DownloadedBytes",
                    s -> RunSummary.BYTES_DOWNLOADED,
                    Sample::byteSize))
            .and(
                metric(
                    fetched.get(FetchImages.FETCHED),
                    "FetchTime",
                    s -> RunSummary.FETCH_MILLIS,
                    Sample::fetchMillis))
            .and(metric(shards, "AcceptedCounts", s -> RunSummary.ACCEPTED, ShardStats::count))
            .and(metric(shards, "ShardCounts", s -> RunSummary.SHARDS, s -> 1L))
            .and(
                metric(shards, "WrittenBytes", s -> RunSummary.BYTES_WRITTEN, ShardStats::tarBytes))
            .apply("Summarize", Summarize.into(config.outputDir()));
    return new Outputs(accepted, rejections, shards, summary, resolved);
  }

  /**
   * The evaluation sets' images, decoded and embedded exactly as pool images are. Their own
   * failures are not pool rejections: they go to OUTPUT/eval-rejections/ so none is lost.
   */
  private static PCollection<Sample> evalImages(
      Pipeline pipeline, WinnowConfig config, FetchSettings fetch, EmbedImages embed) {
    List<ReadImageSet> sets =
        config.dedup().evalSets().stream().map(set -> ReadImageSet.parse(set, fetch)).toList();
    PCollectionList<Sample> all = PCollectionList.empty(pipeline);
    for (PCollection<Sample> set :
        referenceImages(pipeline, config, sets, embed, "Eval", "eval-rejections").values()) {
      all = all.and(set);
    }
    return all.apply("AllEvalImages", Flatten.pCollections());
  }

  /** Reference vectors by set name (see {@link #referenceImages}). */
  private static Map<String, PCollection<KeyedVector>> referenceVectors(
      Pipeline pipeline,
      WinnowConfig config,
      List<ReadImageSet> sets,
      EmbedImages embed,
      String kind,
      String rejectionsDir) {
    Map<String, PCollection<KeyedVector>> vectors = new LinkedHashMap<>();
    referenceImages(pipeline, config, sets, embed, kind, rejectionsDir)
        .forEach(
            (name, images) ->
                vectors.put(
                    name,
                    images
                        .apply(
                            "Vectors" + kind + "-" + name,
                            MapElements.into(TypeDescriptor.of(KeyedVector.class))
                                .via(s -> new KeyedVector(s.key(), s.embedding())))
                        .setCoder(new KeyedVector.Coder())));
    return vectors;
  }

  /**
   * Reference images (eval or seed sets), read, decoded and embedded as pool images are, by set
   * name. Their failures go to OUTPUT/{@code rejectionsDir}/ (they are not pool URLs).
   */
  private static Map<String, PCollection<Sample>> referenceImages(
      Pipeline pipeline,
      WinnowConfig config,
      List<ReadImageSet> sets,
      EmbedImages embed,
      String kind,
      String rejectionsDir) {
    Map<String, PCollection<Sample>> vectors = new LinkedHashMap<>();
    PCollectionList<Rejection> failures = PCollectionList.empty(pipeline);
    for (ReadImageSet set : sets) {
      String step = kind + "-" + set.name();
      PCollectionTuple read = pipeline.apply("Read" + step, set);
      PCollectionTuple decoded =
          read.get(ReadImageSet.IMAGES).apply("Decode" + step, DecodeImages.with(config.decode()));
      // Fingerprinted like pool images: the embedding then sees the same trimmed picture, and
      // decontamination verifies copies with the fingerprints.
      PCollectionTuple fingerprinted =
          decoded
              .get(DecodeImages.DECODED)
              .apply("Fingerprint" + step, FingerprintImages.with(config.decode()));
      PCollectionTuple embedded =
          fingerprinted
              .get(FingerprintImages.FINGERPRINTED)
              .apply("Embed" + step, embed.timedAs("reference-sets"));
      if (kind.equals("Seeds")) {
        showSeeds(config, decoded.get(DecodeImages.DECODED), step);
      }
      failures =
          failures
              .and(read.get(ReadImageSet.REJECTIONS))
              .and(decoded.get(DecodeImages.REJECTIONS))
              .and(fingerprinted.get(FingerprintImages.REJECTIONS))
              .and(embedded.get(EmbedImages.REJECTIONS));
      vectors.put(set.name(), embedded.get(EmbedImages.EMBEDDED));
    }
    if (sets.isEmpty()) {
      return vectors;
    }
    failures
        .apply(kind + "Rejections", Flatten.pCollections())
        .apply(
            kind + "RejectionsJson",
            MapElements.into(TypeDescriptors.strings()).via(io.winnow.schemas.Json::write))
        .apply(
            "Write" + kind + "Rejections",
            org.apache.beam.sdk.io.TextIO.write()
                .to(config.outputDir() + "/" + rejectionsDir + "/rejections")
                .withSuffix(".jsonl"));
    return vectors;
  }

  /**
   * Thumbnails of a few seeds of a set for the report (a hash of the key picks them, so the pick is
   * spread over the set and repeatable). Seeds are not pool images and were never filtered, so
   * faces are blurred here as they are in the pool before anything is shown.
   */
  private static void showSeeds(WinnowConfig config, PCollection<Sample> seeds, String step) {
    PCollection<Sample> shown =
        seeds
            .apply("Pick" + step, Top.of(RunReport.SEEDS_SHOWN, new SmallestKeyHash()))
            .apply("Each" + step, Flatten.iterables());
    FilterSettings filter = config.filter();
    if (filter.faces() != FilterSettings.FaceMode.OFF) {
      shown =
          shown
              .apply("BlurFaces" + step, BlurFaces.with(faceSettings(config, false)))
              .get(BlurFaces.KEPT);
    }
    shown.apply("Thumbnails" + step, WriteThumbnails.to(reportFolder(config, RunReport.SEEDS)));
  }

  private static BlurFaces.Settings faceSettings(WinnowConfig config, boolean drop) {
    FilterSettings filter = config.filter();
    return new BlurFaces.Settings(
        drop,
        filter.faceDetector(),
        filter.faceScore(),
        filter.faceMargin(),
        filter.blurStyle(),
        config.decode().jpegQuality());
  }

  /** Top keeps the largest: the smallest hash ranks highest. */
  static final class SmallestKeyHash implements java.util.Comparator<Sample>, java.io.Serializable {
    @Override
    public int compare(Sample a, Sample b) {
      int byHash = Double.compare(KnnJoin.unitHash(b.key()), KnnJoin.unitHash(a.key()));
      return byHash != 0 ? byHash : b.key().compareTo(a.key());
    }
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
