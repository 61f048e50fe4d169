package io.winnow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.winnow.crawl.FetchSettings;
import io.winnow.filters.FaceBlur;
import io.winnow.filters.FilterSettings;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.schemas.RunSummary;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.runners.flink.FlinkPipelineOptions;

/**
 * The same corpus curated by the embedded Flink cluster and by a standalone 2-TaskManager cluster
 * on this machine (deploy/local/flink-cluster.sh, its shipped configuration), side by side, for the
 * spine (fetch, decode, write: NSFW, faces and embedding off) and the default pipeline; the ratio
 * of their throughputs, and how many subtasks each stage got on the cluster, per TaskManager. The
 * default samples per shard.
 *
 * <p>Usage: {@code ClusterBench MASTER [images] [width] [height] [pipelines] [runners]}: MASTER the
 * cluster's HOST:PORT (bench/cluster-bench.sh starts one); defaults 4000 640 480 spine,default
 * embedded,cluster.
 */
public final class ClusterBench {
  private static final List<String> STAGES =
      List.of(
          "FetchImages",
          "DecodeImages",
          "ClassifyNsfw",
          "BlurFaces",
          "FingerprintImages",
          "EmbedImages",
          "DropNearDuplicates",
          "WriteWebDataset/WriteShards");

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
    int width = args.length > 2 ? Integer.parseInt(args[2]) : 640;
    int height = args.length > 3 ? Integer.parseInt(args[3]) : 480;
    List<String> pipelines = List.of((args.length > 4 ? args[4] : "spine,default").split(","));
    List<String> runners = List.of((args.length > 5 ? args[5] : "embedded,cluster").split(","));
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        Locale.ROOT,
        "cluster bench: %d JPEGs of %dx%d, %d cores, cluster %s%n",
        images,
        width,
        height,
        cores,
        master);
    List<byte[]> corpus = CrawlBench.sceneImages(images, width, height);
    HttpServer server = CrawlBench.serve(corpus);
    String endpoint = "127.0.0.1:" + server.getAddress().getPort();
    Path dir = Files.createTempDirectory("winnow-cluster-bench");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      lines.add("http://" + endpoint + "/img/" + i + ".jpg");
    }
    Path urls = Files.write(dir.resolve("urls.txt"), lines);
    Map<String, Double> seconds = new LinkedHashMap<>();
    try {
      for (String pipeline : pipelines) {
        for (String runner : runners) {
          WinnowConfig config =
              config(pipeline, urls, dir.resolve(pipeline + "-" + runner), endpoint);
          FlinkPipelineOptions options =
              (FlinkPipelineOptions)
                  (runner.equals("cluster")
                      ? RunWinnow.options(master, 0)
                      : RunWinnow.options("flink", cores));
          if (runner.equals("cluster")) {
            options.setFilesToStage(List.of("pipeline/target/winnow.jar"));
          }
          RunSummary summary = RunWinnow.run(config, options, null, false);
          seconds.put(pipeline + " " + runner, summary.wallSeconds());
          System.out.printf(
              Locale.ROOT,
              "%-8s %-9s %7.1f s %8.1f images/s  accepted %d of %d, " + "rejected %s%n",
              pipeline,
              runner,
              summary.wallSeconds(),
              summary.accepted() / summary.wallSeconds(),
              summary.accepted(),
              summary.input(),
              summary.rejectedByReason());
          if (runner.equals("cluster")) {
            printSubtasks(master);
          }
        }
        Double embedded = seconds.get(pipeline + " embedded");
        Double cluster = seconds.get(pipeline + " cluster");
        if (embedded != null && cluster != null) {
          System.out.printf(
              Locale.ROOT,
              "ratio %s: cluster / embedded throughput = %.2f%n",
              pipeline,
              embedded / cluster);
        }
      }
    } finally {
      server.stop(0);
    }
    System.exit(0);
  }

  private static WinnowConfig config(String pipeline, Path urls, Path out, String endpoint) {
    FetchSettings fetch = FetchSettings.defaults().withAllowedEndpoints(Set.of(endpoint));
    WinnowConfig config =
        WinnowConfig.of(List.of(urls.toString()), out.toString()).withFetch(fetch);
    return switch (pipeline) {
      case "default" -> config;
      case "spine" ->
          config
              .withEmbed(null)
              .withDedup(null)
              .withFilter(
                  FilterSettings.defaults()
                      .withNsfw(Double.NaN, "auto")
                      .withFaces(
                          FilterSettings.FaceMode.OFF,
                          "blazeface",
                          0.5,
                          0.2,
                          FaceBlur.Style.GAUSSIAN));
      default -> throw new IllegalArgumentException("pipeline is spine or default: " + pipeline);
    };
  }

  /** For the cluster's latest job: per main stage, its subtasks and records read per TM. */
  private static void printSubtasks(String master) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    JsonNode latest = null;
    for (JsonNode job : get(http, json, master, "/jobs/overview").get("jobs")) {
      if (latest == null || job.get("start-time").asLong() > latest.get("start-time").asLong()) {
        latest = job;
      }
    }
    String jid = latest.get("jid").asText();
    for (String stage : STAGES) {
      for (JsonNode vertex : get(http, json, master, "/jobs/" + jid).get("vertices")) {
        if (!vertex.get("name").asText().contains(stage + "/")) {
          continue;
        }
        Map<String, Long> perTaskManager = new TreeMap<>();
        for (JsonNode subtask :
            get(http, json, master, "/jobs/" + jid + "/vertices/" + vertex.get("id").asText())
                .get("subtasks")) {
          perTaskManager.merge(
              subtask.get("taskmanager-id").asText().replaceAll(".*-", "tm-"),
              subtask.get("metrics").get("read-records").asLong(),
              Long::sum);
        }
        System.out.printf(
            Locale.ROOT,
            "  %-28s %d subtasks, records read per TaskManager %s%n",
            stage,
            vertex.get("parallelism").asInt(),
            perTaskManager);
        break;
      }
    }
  }

  private static JsonNode get(HttpClient http, ObjectMapper json, String master, String path)
      throws Exception {
    return json.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create("http://" + master + path)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }
}
