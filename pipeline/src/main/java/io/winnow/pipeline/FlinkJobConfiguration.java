package io.winnow.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The Flink configuration a Winnow job is submitted with: the user's ({@code FLINK_CONF_DIR}, when
 * set) plus the settings below where the user has not chosen otherwise, written to a folder of its
 * own that Beam's Flink runner reads ({@code --flinkConfDir}).
 *
 * <p>{@code execution.batch.adaptive.auto-parallelism.enabled: false}: Flink's adaptive batch
 * scheduler sizes each stage's parallelism by the bytes it reads. A URL list is small in bytes
 * while each of its records costs a download, a decode and model passes, so it gave the fetch stage
 * one subtask on any cluster (4,000 URLs, 2 TaskManagers: one did all the crawling). With it off,
 * every stage runs with the job's parallelism. The setting is a job-level one: it travels with the
 * job to a cluster, and applies to the embedded cluster too.
 */
public final class FlinkJobConfiguration {
  /** Settings Winnow needs, each with why in the class comment. */
  static final Map<String, String> DEFAULTS =
      Map.of("execution.batch.adaptive.auto-parallelism.enabled", "false");

  private FlinkJobConfiguration() {}

  /** Writes the configuration to a new folder and returns it. */
  public static Path write() {
    Map<String, String> settings = new LinkedHashMap<>();
    String userDir = System.getenv("FLINK_CONF_DIR");
    if (userDir != null && !userDir.isBlank()) {
      Configuration user = GlobalConfiguration.loadConfiguration(userDir);
      settings.putAll(user.toMap());
    }
    DEFAULTS.forEach(settings::putIfAbsent);
    try {
      Path dir = Files.createTempDirectory("winnow-flink-conf");
      StringBuilder yaml = new StringBuilder("# Written by Winnow for one job.\n");
      settings.forEach(
          (key, value) ->
              yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
      Files.writeString(dir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
      dir.toFile().deleteOnExit();
      dir.resolve("config.yaml").toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the job's Flink configuration", e);
    }
  }
}
