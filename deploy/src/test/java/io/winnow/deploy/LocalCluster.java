package io.winnow.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Flink cluster started by {@code deploy/local/flink-cluster.sh} for one test class,
 * on free ports with its own work folder; {@link #close()} (and a shutdown hook, should the test
 * JVM die) stops every process it started.
 */
final class LocalCluster implements AutoCloseable {
  private final Path script =
      Path.of(System.getProperty("winnow.cluster.script", "local/flink-cluster.sh"));
  private final Path work;
  private final int restPort;
  private final int slots;
  private final Thread stopper = new Thread(this::stopQuietly, "stop-flink-cluster");

  private LocalCluster(Path work, int restPort, int slots) {
    this.work = work;
    this.restPort = restPort;
    this.slots = slots;
  }

  static LocalCluster start(Path work, int taskManagers, int slotsEach)
      throws IOException, InterruptedException {
    LocalCluster cluster = new LocalCluster(work, freePort(), slotsEach);
    Runtime.getRuntime().addShutdownHook(cluster.stopper);
    cluster.run("start", Integer.toString(taskManagers));
    return cluster;
  }

  String master() {
    return "127.0.0.1:" + restPort;
  }

  /** PIDs of the TaskManagers, in start order. */
  List<Long> taskManagerPids() throws IOException {
    List<Long> pids = new java.util.ArrayList<>();
    for (int i = 1; Files.exists(work.resolve("taskmanager-" + i + ".pid")); i++) {
      pids.add(Long.parseLong(Files.readString(work.resolve("taskmanager-" + i + ".pid")).strip()));
    }
    return pids;
  }

  /** How many task failures the cluster's only job recorded (its exception history). */
  int recordedFailures() throws IOException, InterruptedException {
    var jobs = get("/jobs/overview").get("jobs");
    if (jobs.size() != 1) {
      throw new IOException("expected one job on the cluster, found " + jobs.size());
    }
    var exceptions = get("/jobs/" + jobs.get(0).get("jid").asText() + "/exceptions");
    return exceptions.path("exceptionHistory").path("entries").size();
  }

  /**
   * For the cluster's latest job: the records the subtasks of the vertex whose name contains {@code
   * stage} read from their inputs, summed per TaskManager id; its parallelism under "".
   */
  java.util.Map<String, Long> recordsPerTaskManager(String stage)
      throws IOException, InterruptedException {
    com.fasterxml.jackson.databind.JsonNode jobs = get("/jobs/overview").get("jobs");
    com.fasterxml.jackson.databind.JsonNode latest = null;
    for (com.fasterxml.jackson.databind.JsonNode job : jobs) {
      if (latest == null || job.get("start-time").asLong() > latest.get("start-time").asLong()) {
        latest = job;
      }
    }
    if (latest == null) {
      throw new IOException("no job on the cluster");
    }
    String jid = latest.get("jid").asText();
    for (com.fasterxml.jackson.databind.JsonNode vertex : get("/jobs/" + jid).get("vertices")) {
      if (!vertex.get("name").asText().contains(stage)) {
        continue;
      }
      java.util.Map<String, Long> records = new java.util.TreeMap<>();
      records.put("", vertex.get("parallelism").asLong());
      for (com.fasterxml.jackson.databind.JsonNode subtask :
          get("/jobs/" + jid + "/vertices/" + vertex.get("id").asText()).get("subtasks")) {
        records.merge(
            subtask.get("taskmanager-id").asText(),
            subtask.get("metrics").get("read-records").asLong(),
            Long::sum);
      }
      return records;
    }
    throw new IOException("the latest job has no vertex with '" + stage + "' in its name");
  }

  private com.fasterxml.jackson.databind.JsonNode get(String path)
      throws IOException, InterruptedException {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(
            http.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://" + master() + path))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body());
  }

  /** Starts one more TaskManager and waits until it registered, as a restarted pod would. */
  void addTaskManager() throws IOException, InterruptedException {
    run("add-taskmanager");
  }

  void killTaskManager(int index) throws IOException {
    long pid = taskManagerPids().get(index);
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  private void run(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                work.resolveSibling(work.getFileName() + "-" + args[0] + ".log").toFile());
    builder.environment().put("FLINK_WORK", work.toString());
    builder.environment().put("FLINK_REST_PORT", Integer.toString(restPort));
    builder.environment().put("FLINK_TASK_SLOTS", Integer.toString(slots));
    Files.createDirectories(work.getParent());
    Process process = builder.start();
    if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException(
          "flink-cluster.sh "
              + String.join(" ", args)
              + " failed; see "
              + work.resolveSibling(work.getFileName() + "-" + args[0] + ".log")
              + " and "
              + work.resolve("log"));
    }
  }

  private void stopQuietly() {
    try {
      run("stop");
    } catch (IOException | InterruptedException e) {
      System.err.println("could not stop the Flink cluster: " + e);
    }
  }

  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
