package io.winnow.pipeline;

import io.winnow.filters.BlurFaces;
import io.winnow.filters.DomainRules;
import io.winnow.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run was asked to do, with the checksums of the models it used, written as {@code
 * OUTPUT/run-config.json} when the run starts: the report shows it, and a later run can tell what
 * produced a dataset.
 */
public final class RunConfiguration {
  public static final String FILE_NAME = "run-config.json";

  private RunConfiguration() {}

  /**
   * @param resolved what building the pipeline decided ({@code WinnowPipeline.Outputs}): models
   *     with checksums and thresholds from their descriptors, so nothing is loaded again here
   */
  public static Map<String, Object> describe(WinnowConfig c, Map<String, Object> resolved) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inputs", c.inputs());
    m.put("output", c.outputDir());
    m.put("fetch.concurrency", c.fetch().concurrency());
    m.put("fetch.per_host_concurrency", c.fetch().perHostConcurrency());
    m.put("fetch.max_bytes", c.fetch().maxBodyBytes());
    m.put("fetch.user_agent", c.fetch().userAgent());
    m.put("consent.robots_txt", c.fetch().consent().robotsTxt());
    m.put("consent.robots_token", c.fetch().consent().userAgentToken());
    m.put(
        "consent.opt_out_headers",
        c.fetch().consent().headerDirectives().stream().sorted().toList());
    m.put("filter.block_lists", c.filter().blockLists());
    m.put("filter.allow_lists", c.filter().allowLists());
    m.put("filter.opt_out_lists", c.filter().optOutLists());
    m.put("filter.known_bad_lists", c.filter().knownBadLists());
    m.put("filter.nsfw_threshold", c.filter().nsfwOn() ? c.filter().nsfwThreshold() : "off");
    if (!c.filter().nsfwOn()) {
      m.put("filter.nsfw_model", "off");
    }
    m.put("filter.faces", c.filter().faces().name().toLowerCase(java.util.Locale.ROOT));
    m.put("filter.face_detector", c.filter().faceDetector());
    m.put("filter.face_model_sha256", DomainRules.sha256Bytes(BlurFaces.blazeFaceModel()));
    if (c.filter().faceDetector().equals("blazeface+ssd")) {
      m.put("filter.face_ssd_model_sha256", io.winnow.filters.SsdFaceDetector.modelSha256());
    }
    m.put("decode.image_size", c.decode().imageSize());
    m.put("decode.resize_mode", String.valueOf(c.decode().resizeMode()));
    m.put("decode.jpeg_quality", c.decode().jpegQuality());
    m.put("decode.border_color", String.format("#%06x", c.decode().borderColor()));
    if (c.embed() != null) {
      m.put("embed.provider", String.valueOf(c.embed().provider()));
      if (c.dedup() != null) {
        m.put("dedup.k", c.dedup().k());
        m.put("dedup.eval_sets", c.dedup().evalSets());
      }
    }
    m.putAll(resolved);
    if (c.retrieval() != null) {
      m.put("retrieval.seed_sets", c.retrieval().seedSets().stream().map(String::valueOf).toList());
      m.put("retrieval.balanced", String.valueOf(c.retrieval().balanced()));
    }
    m.put("export.shard_prefix", c.shardPrefix());
    m.put("export.samples_per_shard", c.samplesPerShard());
    return m;
  }

  public static void write(Path output, WinnowConfig config, Map<String, Object> resolved)
      throws IOException {
    Files.writeString(
        output.resolve(FILE_NAME),
        Json.writePretty(describe(config, resolved)),
        StandardCharsets.UTF_8);
  }

  /** The file as written, or an empty map for runs from before it existed. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(Path output) throws IOException {
    Path file = output.resolve(FILE_NAME);
    return Files.isRegularFile(file)
        ? Json.mapper().readValue(file.toFile(), LinkedHashMap.class)
        : Map.of();
  }
}
