package io.winnow.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import io.winnow.filters.BlurFaces;
import io.winnow.filters.DomainRules;
import io.winnow.filters.KnownBadHashes;
import io.winnow.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run was asked to do, with the checksums of the models it used: {@code
 * OUTPUT/run-config.json}, written when the run starts. The report shows it, a refresh's manifest
 * keeps its model and thresholds, and a later run can tell what produced a dataset. One flat JSON
 * object, keys named {@code stage.setting}; absent values (no embedding, no retrieval) are left
 * out.
 */
public record RunConfiguration(
    @JsonProperty("inputs") List<String> inputs,
    @JsonProperty("output") String output,
    @JsonProperty("fetch.concurrency") Integer fetchConcurrency,
    @JsonProperty("fetch.per_host_concurrency") Integer fetchPerHostConcurrency,
    @JsonProperty("fetch.max_bytes") Long fetchMaxBytes,
    @JsonProperty("fetch.user_agent") String fetchUserAgent,
    @JsonProperty("consent.robots_txt") Boolean consentRobotsTxt,
    @JsonProperty("consent.robots_token") String consentRobotsToken,
    @JsonProperty("consent.opt_out_headers") List<String> consentOptOutHeaders,
    @JsonProperty("filter.block_lists") List<String> filterBlockLists,
    @JsonProperty("filter.allow_lists") List<String> filterAllowLists,
    @JsonProperty("filter.opt_out_lists") List<String> filterOptOutLists,
    @JsonProperty("filter.known_bad_lists") List<String> filterKnownBadLists,
    /** The threshold, or "off". */
    @JsonProperty("filter.nsfw_threshold") Object filterNsfwThreshold,
    @JsonProperty("filter.faces") String filterFaces,
    @JsonProperty("filter.face_detector") String filterFaceDetector,
    @JsonProperty("filter.face_model_sha256") String filterFaceModelSha256,
    @JsonProperty("filter.face_ssd_model_sha256") String filterFaceSsdModelSha256,
    @JsonProperty("decode.image_size") Integer decodeImageSize,
    @JsonProperty("decode.resize_mode") String decodeResizeMode,
    @JsonProperty("decode.jpeg_quality") Integer decodeJpegQuality,
    @JsonProperty("decode.border_color") String decodeBorderColor,
    @JsonProperty("embed.provider") String embedProvider,
    @JsonProperty("dedup.k") Integer dedupK,
    @JsonProperty("dedup.eval_sets") List<String> dedupEvalSets,
    @JsonProperty("filter.known_bad_entries") KnownBadEntries filterKnownBadEntries,
    @JsonProperty("embed.model") String embedModel,
    @JsonProperty("embed.model_sha256") String embedModelSha256,
    @JsonProperty("embed.dimension") Integer embedDimension,
    @JsonProperty("dedup.threshold") Double dedupThreshold,
    @JsonProperty("dedup.eval_threshold") Double dedupEvalThreshold,
    /** The model, or "off". */
    @JsonProperty("filter.nsfw_model") String filterNsfwModel,
    @JsonProperty("filter.nsfw_unsafe_classes") List<String> filterNsfwUnsafeClasses,
    @JsonProperty("retrieval.seed_sets") List<String> retrievalSeedSets,
    @JsonProperty("retrieval.balanced") String retrievalBalanced,
    @JsonProperty("export.shard_prefix") String exportShardPrefix,
    @JsonProperty("export.samples_per_shard") Integer exportSamplesPerShard) {

  public static final String FILE_NAME = "run-config.json";

  /** Entries of the known-bad hash lists the run loaded, per kind. */
  public record KnownBadEntries(
      @JsonProperty("md5") int md5,
      @JsonProperty("sha256") int sha256,
      @JsonProperty("pdq") int pdq) {}

  /**
   * What building the pipeline decided beyond the config: the models loaded, with checksums, and
   * thresholds from their descriptors, so nothing is loaded again to describe the run. Null fields:
   * not part of this run.
   */
  public record Resolved(
      KnownBadHashes.Counts knownBad,
      String embedModel,
      String embedModelSha256,
      Integer embedDimension,
      Double dedupThreshold,
      Double dedupEvalThreshold,
      String nsfwModel,
      List<String> nsfwUnsafeClasses) {}

  /** The run {@code c} describes, with what building its pipeline {@code resolved}. */
  public static RunConfiguration of(WinnowConfig c, Resolved resolved) {
    boolean embeds = c.embed() != null;
    boolean dedups = embeds && c.dedup() != null;
    KnownBadHashes.Counts bad = resolved.knownBad();
    return new RunConfiguration(
        c.inputs(),
        c.outputDir(),
        c.fetch().concurrency(),
        c.fetch().perHostConcurrency(),
        c.fetch().maxBodyBytes(),
        c.fetch().userAgent(),
        c.fetch().consent().robotsTxt(),
        c.fetch().consent().userAgentToken(),
        c.fetch().consent().headerDirectives().stream().sorted().toList(),
        c.filter().blockLists(),
        c.filter().allowLists(),
        c.filter().optOutLists(),
        c.filter().knownBadLists(),
        c.filter().nsfwOn() ? c.filter().nsfwThreshold() : "off",
        c.filter().faces().name().toLowerCase(Locale.ROOT),
        c.filter().faceDetector(),
        DomainRules.sha256Bytes(BlurFaces.blazeFaceModel()),
        c.filter().faceDetector().equals("blazeface+ssd")
            ? io.winnow.filters.SsdFaceDetector.modelSha256()
            : null,
        c.decode().imageSize(),
        String.valueOf(c.decode().resizeMode()),
        c.decode().jpegQuality(),
        String.format("#%06x", c.decode().borderColor()),
        embeds ? String.valueOf(c.embed().provider()) : null,
        dedups ? c.dedup().k() : null,
        dedups ? c.dedup().evalSets() : null,
        bad == null ? null : new KnownBadEntries(bad.md5(), bad.sha256(), bad.pdq()),
        resolved.embedModel(),
        resolved.embedModelSha256(),
        resolved.embedDimension(),
        resolved.dedupThreshold(),
        resolved.dedupEvalThreshold(),
        c.filter().nsfwOn() ? resolved.nsfwModel() : "off",
        resolved.nsfwUnsafeClasses(),
        c.retrieval() == null
            ? null
            : c.retrieval().seedSets().stream().map(String::valueOf).toList(),
        c.retrieval() == null ? null : String.valueOf(c.retrieval().balanced()),
        c.shardPrefix(),
        c.samplesPerShard());
  }

  public void write(Path output) throws IOException {
    Files.writeString(output.resolve(FILE_NAME), Json.writePretty(this), StandardCharsets.UTF_8);
  }

  /** The file as written, or null for runs from before it existed. */
  public static RunConfiguration read(Path output) throws IOException {
    Path file = output.resolve(FILE_NAME);
    return Files.isRegularFile(file)
        ? Json.read(Files.readAllBytes(file), RunConfiguration.class)
        : null;
  }

  /** As the report shows it: key to value, in the file's order; empty for runs before it. */
  public static Map<String, Object> readAsMap(Path output) throws IOException {
    RunConfiguration read = read(output);
    return read == null ? Map.of() : read.asMap();
  }

  public Map<String, Object> asMap() {
    return Json.mapper().convertValue(this, new TypeReference<LinkedHashMap<String, Object>>() {});
  }
}
