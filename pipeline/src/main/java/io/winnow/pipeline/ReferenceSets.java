package io.winnow.pipeline;

import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.read.ReadImageSet;
import io.winnow.decode.DecodeImages;
import io.winnow.dedup.Decontaminate;
import io.winnow.dedup.DropNearDuplicates;
import io.winnow.dedup.FingerprintImages;
import io.winnow.filters.BlurFaces;
import io.winnow.filters.FilterSettings;
import io.winnow.inference.EmbedImages;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.KnnJoin;
import io.winnow.report.RunReport;
import io.winnow.report.WriteRejections;
import io.winnow.report.WriteThumbnails;
import io.winnow.retrieval.RetrieveFromSeeds;
import io.winnow.schemas.ModelDescriptor;
import io.winnow.schemas.RejectionCollector;
import io.winnow.schemas.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The reference sets a run compares its pool with: evaluation sets (decontamination) and seed sets
 * (retrieval). Their images are read, decoded, fingerprinted and embedded exactly as pool images
 * are; their rejections go through the same sink into their own folders, as they are not pool URLs.
 */
final class ReferenceSets {
  private ReferenceSets() {}

  /** Decontamination against the evaluation sets' images, embedded as pool images are. */
  static Decontaminate decontaminate(
      Pipeline pipeline, WinnowConfig config, FetchSettings fetch, EmbedImages embed) {
    ModelDescriptor model = embed.model().descriptor();
    List<ReadImageSet> sets =
        config.dedup().evalSets().stream().map(set -> ReadImageSet.parse(set, fetch)).toList();
    PCollectionList<Sample> all = PCollectionList.empty(pipeline);
    for (PCollection<Sample> set :
        referenceImages(pipeline, config, sets, embed, "Eval", "eval-rejections").values()) {
      all = all.and(set);
    }
    PCollection<Sample> eval = all.apply("AllEvalImages", Flatten.pCollections());
    PCollection<KeyedVector> vectors = vectors(eval, "EvalVectors");
    double threshold = config.dedup().evalThresholdFor(model.evalThreshold());
    if (!config.dedup().verify()) {
      return Decontaminate.against(vectors, model.dimension(), threshold);
    }
    PCollection<KV<String, byte[]>> fingerprints =
        eval.apply(
                "EvalFingerprints",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(byte[].class)))
                    .via(s -> KV.of(s.key(), s.fingerprint())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), NullableCoder.of(ByteArrayCoder.of())));
    return Decontaminate.verifiedAgainst(
        vectors,
        fingerprints,
        model.dimension(),
        threshold,
        DropNearDuplicates.DEFAULT_CANDIDATE_FLOOR,
        Decontaminate.VERIFICATION);
  }

  /** What the seed sets (or balanced sampling) keep. */
  static RetrieveFromSeeds retrieve(
      Pipeline pipeline, WinnowConfig config, FetchSettings fetch, EmbedImages embed) {
    RetrievalSettings retrieval = config.retrieval();
    List<ReadImageSet> seedSets =
        retrieval.seedSets().stream()
            .map(spec -> ReadImageSet.of(spec.name(), spec.location(), fetch))
            .toList();
    Map<String, PCollection<KeyedVector>> seeds = new LinkedHashMap<>();
    referenceImages(pipeline, config, seedSets, embed, "Seeds", "seed-rejections")
        .forEach((name, images) -> seeds.put(name, vectors(images, "VectorsSeeds-" + name)));
    List<RetrieveFromSeeds.SeedSet> sets =
        retrieval.seedSets().stream()
            .map(spec -> new RetrieveFromSeeds.SeedSet(spec, seeds.get(spec.name())))
            .toList();
    RetrieveFromSeeds retrieve =
        RetrieveFromSeeds.with(embed.model().descriptor().dimension(), sets);
    return retrieval.balanced() == null ? retrieve : retrieve.withBalanced(retrieval.balanced());
  }

  private static PCollection<KeyedVector> vectors(PCollection<Sample> images, String step) {
    return images
        .apply(
            step,
            MapElements.into(TypeDescriptor.of(KeyedVector.class))
                .via(s -> new KeyedVector(s.key(), s.embedding())))
        .setCoder(new KeyedVector.Coder());
  }

  /**
   * Reference images (eval or seed sets), read, decoded, fingerprinted and embedded as pool images
   * are, by set name. Their rejections go through the same sink into OUTPUT/{@code
   * rejectionsFolder}/: they are not pool URLs, but none is lost.
   */
  private static Map<String, PCollection<Sample>> referenceImages(
      Pipeline pipeline,
      WinnowConfig config,
      List<ReadImageSet> sets,
      EmbedImages embed,
      String kind,
      String rejectionsFolder) {
    Map<String, PCollection<Sample>> images = new LinkedHashMap<>();
    RejectionCollector rejected = RejectionCollector.of(pipeline, kind);
    for (ReadImageSet set : sets) {
      String step = kind + "-" + set.name();
      PCollection<Sample> read = rejected.accepted(pipeline.apply("Read" + step, set));
      PCollection<Sample> decoded =
          rejected.accepted(read.apply("Decode" + step, DecodeImages.with(config.decode())));
      if (kind.equals("Seeds")) {
        showSeeds(config, decoded, step);
      }
      // Fingerprinted like pool images: the embedding then sees the same trimmed picture, and
      // decontamination verifies copies with the fingerprints.
      PCollection<Sample> fingerprinted =
          rejected.accepted(decoded.apply("Fingerprint" + step, FingerprintImages.create()));
      images.put(
          set.name(),
          rejected.accepted(fingerprinted.apply("Embed" + step, embed.timedAs("reference-sets"))));
    }
    if (!sets.isEmpty()) {
      rejected.writeTo(WriteRejections.to(config.outputDir()).inFolder(rejectionsFolder));
    }
    return images;
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
              .apply("BlurFaces" + step, BlurFaces.with(WinnowPipeline.faceSettings(config, false)))
              .accepted();
    }
    shown.apply(
        "Thumbnails" + step,
        WriteThumbnails.to(WinnowPipeline.reportFolder(config, RunReport.SEEDS)));
  }

  /** Top keeps the largest: the smallest hash ranks highest. */
  static final class SmallestKeyHash implements java.util.Comparator<Sample>, java.io.Serializable {
    @Override
    public int compare(Sample a, Sample b) {
      int byHash = Double.compare(KnnJoin.unitHash(b.key()), KnnJoin.unitHash(a.key()));
      return byHash != 0 ? byHash : b.key().compareTo(a.key());
    }
  }
}
