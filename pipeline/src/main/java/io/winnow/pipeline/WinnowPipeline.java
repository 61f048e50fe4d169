package io.winnow.pipeline;

import io.winnow.pipeline.crawl.FetchImages;
import io.winnow.pipeline.decode.DecodeImages;
import io.winnow.dedup.Decontaminate;
import io.winnow.dedup.DropNearDuplicates;
import io.winnow.dedup.KeyedVector;
import io.winnow.pipeline.read.ReadImageFiles;
import io.winnow.pipeline.embed.EmbedImages;
import io.winnow.schemas.ModelDescriptor;
import io.winnow.pipeline.export.ShardStats;
import io.winnow.pipeline.export.WriteWebDataset;
import io.winnow.pipeline.read.ReadUrlLists;
import io.winnow.pipeline.report.Summarize;
import io.winnow.pipeline.report.WriteRejections;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import io.winnow.schemas.UrlRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
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
 * URL lists ─ ReadUrlLists ─ FetchImages ─ DecodeImages ─ EmbedImages ─ DropNearDuplicates ─ WriteWebDataset ─▶ shards
 *                  │               │              │              │               │                   └──▶ summary.json
 *                  └───────────────┴──────────────┴──────────────┴───────────────┴── rejections ─▶ rejections/*.jsonl
 * </pre>
 */
public final class WinnowPipeline {
  private WinnowPipeline() {}

  /** The collections a built pipeline ends in, for tests and for callers that add stages. */
  public record Outputs(PCollection<Sample> accepted, PCollection<Rejection> rejections,
      PCollection<ShardStats> shards, PCollection<RunSummary> summary) {}

  public static Outputs build(Pipeline pipeline, WinnowConfig config) {
    // 1. Read URL lists.
    PCollectionTuple read = pipeline.apply("ReadUrlLists", ReadUrlLists.from(config.inputs())
        .withFormat(config.inputFormat())
        .withColumns(config.urlColumn(), config.captionColumn()));
    PCollection<UrlRecord> urls = read.get(ReadUrlLists.URLS);

    // 2. Crawl.
    PCollectionTuple fetched = urls.apply("FetchImages", FetchImages.with(config.fetch()));

    // 3. Decode, validate, resize.
    PCollectionTuple decoded = fetched.get(FetchImages.FETCHED)
        .apply("DecodeImages", DecodeImages.with(config.decode()));
    PCollection<Sample> accepted = decoded.get(DecodeImages.DECODED);

    // 4. Embed (checks the model now, before anything runs).
    PCollectionList<Rejection> stageRejections = PCollectionList
        .of(read.get(ReadUrlLists.REJECTIONS))
        .and(fetched.get(FetchImages.REJECTIONS))
        .and(decoded.get(DecodeImages.REJECTIONS));
    if (config.embed() != null) {
      EmbedImages embed = EmbedImages.with(config.embed(), config.decode());
      PCollectionTuple embedded = accepted.apply("EmbedImages", embed);
      accepted = embedded.get(EmbedImages.EMBEDDED);
      stageRejections = stageRejections.and(embedded.get(EmbedImages.REJECTIONS));

      // 5. Deduplicate: exact (same bytes), then near (k-NN graph, connected components).
      if (config.dedup() != null) {
        ModelDescriptor model = embed.model().descriptor();
        PCollectionTuple deduplicated = accepted.apply("DropNearDuplicates",
            DropNearDuplicates.with(model.dimension(),
                    config.dedup().thresholdFor(model.duplicateThreshold()))
                .withK(config.dedup().k())
                .withMaxEdges(config.dedup().maxEdges()));
        accepted = deduplicated.get(DropNearDuplicates.KEPT);
        stageRejections = stageRejections.and(deduplicated.get(DropNearDuplicates.REJECTIONS));
        if (!config.dedup().evalSets().isEmpty()) {
          PCollectionTuple clean = accepted.apply("Decontaminate", Decontaminate.against(
              evalImages(pipeline, config, embed), model.dimension(),
              config.dedup().evalThresholdFor(model.evalThreshold())));
          accepted = clean.get(Decontaminate.KEPT);
          stageRejections = stageRejections.and(clean.get(Decontaminate.REJECTIONS));
        }
      }
    }

    // 6. Export.
    PCollection<ShardStats> shards = accepted.apply("WriteWebDataset",
        WriteWebDataset.to(config.outputDir())
            .withPrefix(config.shardPrefix())
            .withSamplesPerShard(config.samplesPerShard()));

    // 7. Account for every URL.
    PCollection<Rejection> rejections = stageRejections
        .apply("AllRejections", Flatten.pCollections());
    rejections.apply("WriteRejections", WriteRejections.to(config.outputDir()));

    PCollection<RunSummary> summary = PCollectionList
        .of(count(urls, "CountUrls", RunSummary.INPUT))
        .and(count(read.get(ReadUrlLists.REJECTIONS), "CountReadRejections", RunSummary.INPUT))
        .and(metric(rejections, "RejectionCounts", RunSummary::rejectedKey, r -> 1L))
        .and(metric(fetched.get(FetchImages.FETCHED), "DownloadedBytes",
            s -> RunSummary.BYTES_DOWNLOADED, Sample::byteSize))
        .and(metric(fetched.get(FetchImages.FETCHED), "FetchTime",
            s -> RunSummary.FETCH_MILLIS, Sample::fetchMillis))
        .and(metric(shards, "AcceptedCounts", s -> RunSummary.ACCEPTED, ShardStats::count))
        .and(metric(shards, "ShardCounts", s -> RunSummary.SHARDS, s -> 1L))
        .and(metric(shards, "WrittenBytes", s -> RunSummary.BYTES_WRITTEN, ShardStats::tarBytes))
        .apply("Summarize", Summarize.into(config.outputDir()));
    return new Outputs(accepted, rejections, shards, summary);
  }

  /**
   * The evaluation sets' images, decoded and embedded exactly as pool images are. Their own
   * failures are not pool rejections: they go to OUTPUT/eval-rejections/ so none is lost.
   */
  private static PCollection<KeyedVector> evalImages(Pipeline pipeline, WinnowConfig config,
      EmbedImages embed) {
    PCollectionList<Sample> sets = PCollectionList.empty(pipeline);
    for (String set : config.dedup().evalSets()) {
      int eq = set.indexOf('=');
      String name = set.substring(0, eq);
      sets = sets.and(pipeline.apply("ReadEvalSet-" + name,
          ReadImageFiles.of(name, set.substring(eq + 1))));
    }
    PCollectionTuple decoded = sets.apply("AllEvalImages", Flatten.pCollections())
        .apply("DecodeEvalImages", DecodeImages.with(config.decode()));
    PCollectionTuple embedded = decoded.get(DecodeImages.DECODED)
        .apply("EmbedEvalImages", embed);
    PCollectionList.of(decoded.get(DecodeImages.REJECTIONS))
        .and(embedded.get(EmbedImages.REJECTIONS))
        .apply("EvalRejections", Flatten.pCollections())
        .apply("EvalRejectionsJson", MapElements.into(TypeDescriptors.strings())
            .via(io.winnow.schemas.Json::write))
        .apply("WriteEvalRejections", org.apache.beam.sdk.io.TextIO.write()
            .to(config.outputDir() + "/eval-rejections/rejections").withSuffix(".jsonl"));
    return embedded.get(EmbedImages.EMBEDDED)
        .apply("EvalVectors", MapElements.into(TypeDescriptor.of(KeyedVector.class))
            .via(s -> new KeyedVector(s.key(), s.embedding())))
        .setCoder(new KeyedVector.Coder());
  }

  private static <T> PCollection<KV<String, Long>> count(PCollection<T> items, String step,
      String name) {
    return items.apply(step, Count.globally())
        .apply(step + "Named", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
            .via(n -> KV.of(name, n)));
  }

  private static <T> PCollection<KV<String, Long>> metric(PCollection<T> items, String step,
      SerializableFunction<T, String> name, SerializableFunction<T, Long> value) {
    return items.apply(step, MapElements
        .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
        .via(item -> KV.of(name.apply(item), value.apply(item))));
  }
}
