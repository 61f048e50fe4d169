package io.winnow.pipeline;

import io.winnow.report.RunReport;
import io.winnow.report.Summarize;
import io.winnow.report.WriteThumbnails;
import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.Progress;
import io.winnow.schemas.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs the pipeline to completion on the chosen runner and returns its checked summary.
 *
 * <p>Runners: {@code flink} runs on an embedded Flink mini-cluster in this JVM; {@code direct} is
 * Beam's debugging runner; {@code HOST:PORT} submits to a Flink cluster's JobManager; {@code auto}
 * uses the cluster the program already runs in (Flink application mode, {@code flink run}).
 */
public final class RunWinnow {
  private RunWinnow() {}

  /** The run finished but {@code input != accepted + rejected}: some URLs were lost. */
  public static final class UnbalancedRunException extends RuntimeException {
    private final RunSummary summary;

    UnbalancedRunException(RunSummary summary) {
      super(
          "LOST URLS: input "
              + summary.input()
              + " != accepted "
              + summary.accepted()
              + " + rejected "
              + summary.rejected());
      this.summary = summary;
    }

    public RunSummary summary() {
      return summary;
    }
  }

  /** Elements per bundle on Flink (see {@link #options}). */
  static final long MAX_BUNDLE_SIZE = 500;

  public static PipelineOptions options(String runner, int parallelism) {
    return options(runner, parallelism, List.of());
  }

  /**
   * The options of a run on {@code runner}, with {@code pipelineOptions} ({@code NAME=VALUE}, any
   * Beam or Flink runner option, e.g. {@code flinkConfDir=/etc/flink}) applied on top: an option
   * given there wins over the value Winnow would set.
   *
   * @throws IllegalArgumentException for an option Beam does not know, or a bad value
   */
  public static PipelineOptions options(
      String runner, int parallelism, List<String> pipelineOptions) {
    PipelineOptionsFactory.register(ErrorBudget.Options.class);
    Set<String> given = new HashSet<>();
    List<String> args = new ArrayList<>();
    for (String option : pipelineOptions) {
      int eq = option.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("a pipeline option is NAME=VALUE, got '" + option + "'");
      }
      given.add(option.substring(0, eq));
      args.add("--" + option);
    }
    PipelineOptionsFactory.Builder parsed =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new));
    if (runner.equals("direct")) {
      DirectOptions direct = parsed.as(DirectOptions.class);
      direct.setRunner(DirectRunner.class);
      if (!given.contains("targetParallelism")) {
        direct.setTargetParallelism(
            parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors());
      }
      return direct;
    }
    FlinkPipelineOptions flink = parsed.as(FlinkPipelineOptions.class);
    flink.setRunner(FlinkRunner.class);
    // Stages never modify their inputs (Beam forbids it), so Flink need not copy each element
    // through its coder between chained operators; images are large, so this matters.
    unlessGiven(given, "objectReuse", () -> flink.setObjectReuse(true));
    // Flink's DataStream API in batch mode chains a multi-output stage with its consumer, so
    // fetch, decode and the rejection routing run in one task between shuffles; the older
    // DataSet translation materializes every tagged output separately.
    unlessGiven(given, "useDataStreamForBatch", () -> flink.setUseDataStreamForBatch(true));
    unlessGiven(given, "fasterCopy", () -> flink.setFasterCopy(true));
    // A batch bundle otherwise lasts up to a million elements or 10 s, and Beam's Flink runner
    // buffers a whole bundle on the heap before each GroupByKey (its partial combine). Behind a
    // blocking shuffle elements arrive as fast as they are read, so a join by sample key held
    // thousands of images: a 20,000-image run on the local cluster died with "Java heap space"
    // in DropNearDuplicates/JoinRemovals. 500 samples of ~100 KB bound it to about 50 MB a task.
    unlessGiven(given, "maxBundleSize", () -> flink.setMaxBundleSize(MAX_BUNDLE_SIZE));
    // Every stage with the job's parallelism, not sized by the bytes it reads (see the class).
    unlessGiven(
        given,
        "flinkConfDir",
        () -> flink.setFlinkConfDir(FlinkJobConfiguration.write().toString()));
    boolean parallelismGiven = given.contains("parallelism");
    if (runner.equals("flink") || runner.equals("[local]")) {
      flink.setFlinkMaster("[local]");
      if (!parallelismGiven) {
        flink.setParallelism(
            parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors());
      }
    } else if (runner.equals("auto")) {
      // Inside a Flink cluster (application mode, `flink run`): use the cluster it runs in.
      flink.setFlinkMaster("[auto]");
      if (parallelism > 0 && !parallelismGiven) {
        flink.setParallelism(parallelism);
      }
    } else if (runner.matches("[^:/\\s]+:\\d+")) {
      flink.setFlinkMaster(runner);
      // Without --parallelism, a job gets every slot the cluster has now, not the cluster's
      // parallelism.default (1 unless its operator changed it).
      if (!parallelismGiven) {
        flink.setParallelism(parallelism > 0 ? parallelism : clusterSlots(runner));
      }
    } else {
      throw new IllegalArgumentException(
          "--runner takes flink, direct, auto or HOST:PORT, not '" + runner + "'");
    }
    return flink;
  }

  private static void unlessGiven(Set<String> given, String option, Runnable setDefault) {
    if (!given.contains(option)) {
      setDefault.run();
    }
  }

  /**
   * The slots of the Flink cluster whose JobManager answers at {@code master} (its REST API), or -1
   * (the cluster's default parallelism) when it cannot be asked.
   */
  static int clusterSlots(String master) {
    try {
      java.net.http.HttpClient http =
          java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      java.net.http.HttpResponse<String> response =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://" + master + "/overview"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      int slots =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(response.body())
              .path("slots-total")
              .asInt(0);
      if (response.statusCode() == 200 && slots > 0) {
        return slots;
      }
      System.err.println(
          "winnow: the cluster at "
              + master
              + " reports no slots; the job gets"
              + " its default parallelism (set --parallelism)");
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "winnow: could not ask the cluster at "
              + master
              + " for its slots ("
              + e.getMessage()
              + "); the job gets its default parallelism (set --parallelism)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  /** Per-stage work time from the runner's metrics; a runner without them leaves none. */
  private static void writeTimings(Path output, PipelineResult result) {
    Path file = output.resolve(io.winnow.report.StageTimings.FILE_NAME);
    try {
      Files.deleteIfExists(file);
      io.winnow.report.StageTimings.write(
          output, io.winnow.report.StageTimings.from(result.metrics()));
    } catch (IOException | RuntimeException e) {
      System.err.println("winnow: per-stage timings are not available from this runner: " + e);
    }
  }

  public static RunSummary run(
      WinnowConfig config, PipelineOptions options, PrintStream progress, boolean interactive)
      throws IOException {
    Path output = Path.of(config.outputDir()).toAbsolutePath();
    Files.createDirectories(output);
    Files.deleteIfExists(output.resolve(Summarize.FILE_NAME));
    // Images the pipeline keeps for the report: an earlier run's must not show in this one's.
    for (String folder : new String[] {RunReport.DUPLICATES, RunReport.SEEDS}) {
      WriteThumbnails.clear(output.resolve(RunReport.DIR).resolve(folder));
    }
    Instant started = Instant.now();
    // Large groups (partitions of vectors, shards) go through files in the output folder, which
    // every worker sees; they are deleted when the run ends, however it ends.
    String givenTemp = options.getTempLocation();
    Path shuffle = output.resolve(".inprogress-shuffle-" + java.util.UUID.randomUUID());
    if (givenTemp == null) {
      options.setTempLocation(shuffle.toString());
    }
    try {
      return runPipeline(config, options, progress, interactive, output, started);
    } finally {
      if (givenTemp == null) {
        options.setTempLocation(null);
        io.winnow.dataset.DatasetDir.deleteTree(shuffle);
      }
    }
  }

  private static RunSummary runPipeline(
      WinnowConfig config,
      PipelineOptions options,
      PrintStream progress,
      boolean interactive,
      Path output,
      Instant started)
      throws IOException {
    Pipeline pipeline = Pipeline.create(options);
    WinnowPipeline.Outputs built = WinnowPipeline.build(pipeline, config);
    RunConfiguration.of(config, built.resolved()).write(output);
    Progress.global().reset();
    // Only the embedded cluster and the direct runner count in this JVM ("[auto]" does not).
    boolean remote =
        options instanceof FlinkPipelineOptions flink && !flink.getFlinkMaster().equals("[local]");
    if (remote && progress != null) {
      // Workers count in their own JVMs there; the cluster's web UI shows live progress.
      progress.println(
          "[winnow] submitted to the Flink cluster at "
              + ((FlinkPipelineOptions) options).getFlinkMaster()
              + "; progress: its web UI");
    }
    PipelineResult.State state;
    PipelineResult result;
    try (Progress.Printer printer =
        progress == null || remote
            ? Progress.silent()
            : Progress.global().startPrinting(progress, interactive)) {
      result = pipeline.run();
      state = result.waitUntilFinish();
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the pipeline ended as " + state);
    }
    if (!Files.exists(output.resolve(Summarize.FILE_NAME))) {
      throw new IllegalStateException(
          "the pipeline finished without writing "
              + Summarize.FILE_NAME
              + " (a stage lost its output)");
    }
    Instant finished = Instant.now();
    RunSummary summary =
        Summarize.read(output)
            .withTiming(
                started.toString(),
                finished.toString(),
                Duration.between(started, finished).toMillis() / 1000.0);
    Summarize.write(output, summary);
    writeTimings(output, result);
    if (Files.isDirectory(output.resolve("rejections"))) {
      // The report reads what the run wrote; a remote run's output may not be on this machine.
      // The data is complete without it, so a failure here is reported, not fatal.
      try {
        io.winnow.report.RunReport.write(
            output, config.shardPrefix(), RunConfiguration.readAsMap(output));
      } catch (IOException | RuntimeException e) {
        System.err.println(
            "winnow: the run report could not be written (`winnow report "
                + output
                + "` retries): "
                + e);
      }
    }
    if (!summary.balanced()) {
      throw new UnbalancedRunException(summary);
    }
    // Each stage's workers check their own error rate as they go; this is the run as a whole.
    ErrorBudget.checkRun(summary.input(), summary.rejectedByReason(), options);
    return summary;
  }
}
