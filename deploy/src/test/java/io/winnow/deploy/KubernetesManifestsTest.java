package io.winnow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests parse and carry what the Flink Kubernetes Operator's FlinkDeployment
 * schema and Kubernetes require. No CRD schema validator is available from Maven Central, so the
 * required fields and enumerations of the v1beta1 schema are checked here by hand.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of("kubernetes");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void flinkDeploymentHasTheOperatorsRequiredFields() throws IOException {
    JsonNode doc = YAML.readTree(DIR.resolve("flink-deployment.yaml").toFile());
    assertThat(doc.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
    assertThat(doc.path("kind").asText()).isEqualTo("FlinkDeployment");
    assertThat(doc.path("metadata").path("name").asText()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    JsonNode spec = doc.path("spec");
    assertThat(spec.path("image").asText()).isNotBlank();
    assertThat(spec.path("flinkVersion").asText()).isEqualTo("v1_19");
    for (String part : List.of("jobManager", "taskManager")) {
      JsonNode resource = spec.path(part).path("resource");
      assertThat(resource.path("memory").asText()).as(part).matches("\\d+[mg]");
      assertThat(resource.path("cpu").isNumber()).as(part).isTrue();
    }
    JsonNode job = spec.path("job");
    assertThat(job.path("jarURI").asText()).startsWith("local:///");
    assertThat(job.path("entryClass").asText()).isEqualTo("io.winnow.cli.WinnowCli");
    assertThat(Set.of("stateless", "last-state", "savepoint"))
        .contains(job.path("upgradeMode").asText());
    assertThat(job.path("args").toString()).contains("\"--runner\"", "\"auto\"");
    spec.path("flinkConfiguration")
        .fields()
        .forEachRemaining(
            entry ->
                assertThat(entry.getValue().isTextual())
                    .as("flinkConfiguration values are strings: " + entry.getKey())
                    .isTrue());
    assertThat(
            spec.path("taskManager")
                .path("podTemplate")
                .path("spec")
                .path("nodeSelector")
                .path("winnow/pool")
                .asText())
        .isEqualTo("cpu");
  }

  @Test
  void gpuTaskManagersRequestAGpuOnGpuNodes() throws IOException {
    JsonNode doc = YAML.readTree(DIR.resolve("gpu-taskmanagers.yaml").toFile());
    assertThat(doc.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(doc.path("kind").asText()).isEqualTo("Deployment");
    JsonNode template = doc.path("spec").path("template");
    assertThat(doc.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(template.path("metadata").path("labels"));
    JsonNode pod = template.path("spec");
    assertThat(pod.path("nodeSelector").path("winnow/pool").asText()).isEqualTo("gpu");
    JsonNode resources = pod.path("containers").get(0).path("resources");
    assertThat(resources.path("requests").path("nvidia.com/gpu").asInt()).isEqualTo(1);
    assertThat(resources.path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
  }

  @Test
  void dockerfileShipsTheJarAndTheNativeLibraries() throws IOException {
    String dockerfile = Files.readString(DIR.resolve("Dockerfile"));
    assertThat(dockerfile)
        .contains(
            "FROM ${BASE}",
            "flink:1.19.0-java17",
            "COPY pipeline/target/winnow.jar /opt/winnow/winnow.jar",
            "libopenblas0-openmp");
  }
}
