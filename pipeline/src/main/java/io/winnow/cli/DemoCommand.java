package io.winnow.cli;

import io.winnow.export.WebDatasetReader;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.WinnowConfig;
import io.winnow.pipeline.demo.DemoCorpus;
import io.winnow.pipeline.demo.DemoServer;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code winnow demo}: the whole pipeline on the bundled corpus, served on 127.0.0.1. */
@Command(
    defaultValueProvider = SettingsDefaults.class,
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Serve the bundled demo corpus on 127.0.0.1 and run the whole pipeline on it; "
            + "then show what was written and why each URL ended where it did.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "winnow-demo",
      paramLabel = "DIR",
      description = "Output folder. Default: ./winnow-demo")
  Path output;

  @Option(names = "--config", paramLabel = "FILE", description = "As for run.")
  Path config;

  @Mixin RunOptions options;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = output.toAbsolutePath();
    try (DemoServer server = DemoServer.start()) {
      Path urls = DemoCorpus.writeUrlList(dir.resolve("input/urls.csv"), server.baseUrl());
      out.printf("Serving the demo corpus at %s; URL list: %s%n", server.baseUrl(), urls);
      out.flush();
      // The guard stays on: only the demo server's own endpoint is allowed.
      options.fetch.allowedEndpoints = List.of(server.endpoint());
      // The demo's own block and opt-out lists, unless lists were given.
      DemoCorpus.SafetyListFiles lists =
          DemoCorpus.writeSafetyLists(dir.resolve("input"), server.baseUrl());
      if (options.lists.blockLists.isEmpty()) {
        options.lists.blockLists = List.of(lists.blockList());
      }
      if (options.lists.optOutLists.isEmpty()) {
        options.lists.optOutLists = List.of(lists.optOutList());
      }
      if (options.fetch.retryBase.toMillis() >= 500) {
        options.fetch.retryBase = java.time.Duration.ofMillis(100);
      }
      WinnowConfig config = options.toConfig(List.of(urls.toString()), dir.toString());
      RunSummary summary =
          RunWinnow.run(config, options.pipelineOptions(), System.err, System.console() != null);
      explain(out, dir, config.shardPrefix());
      WinnowCli.printSummary(out, summary, dir);
    }
    return 0;
  }

  /** One line per input URL: accepted into which shard, or rejected by which stage and why. */
  private static void explain(PrintWriter out, Path dir, String prefix) throws IOException {
    Map<String, String> outcomes = new HashMap<>();
    for (Path shard : WebDatasetReader.shards(dir, prefix)) {
      WebDatasetReader.read(
          shard,
          (Sample s) ->
              outcomes.put(
                  s.url(),
                  String.format(
                      "accepted  %s/%s.jpg  %dx%d from %dx%d",
                      shard.getFileName(),
                      s.key(),
                      s.width(),
                      s.height(),
                      s.originalWidth(),
                      s.originalHeight())));
    }
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dir.resolve("rejections"), "*.jsonl")) {
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            Rejection r = Json.read(line, Rejection.class);
            outcomes.merge(
                r.url(),
                String.format(
                    "rejected  %s/%s: %s", r.stage().wireName(), r.reason().wireName(), r.detail()),
                (a, b) -> a + "; " + b);
          }
        }
      }
    }
    out.println();
    out.println("What happened to each URL:");
    List<String> lines = Files.readAllLines(dir.resolve("input/urls.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String url = line.substring(0, line.indexOf(','));
      out.printf("  %-58s %s%n", url, outcomes.getOrDefault(url, "MISSING (a bug)"));
    }
    out.flush();
  }
}
