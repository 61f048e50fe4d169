package io.winnow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.ParallelismOptions;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;

/** The Beam options a run gets: Winnow's settings, with what the user passes through on top. */
class RunOptionsTest {
  @Test
  void winnowSetsItsFlinkDefaults() {
    FlinkPipelineOptions flink = (FlinkPipelineOptions) RunWinnow.options("flink", 3);
    assertThat(flink.getMaxBundleSize()).isEqualTo(RunWinnow.MAX_BUNDLE_SIZE);
    assertThat(flink.getObjectReuse()).isTrue();
    assertThat(flink.getParallelism()).isEqualTo(3);
    assertThat(flink.getFlinkConfDir()).isNotNull();
    assertThat(flink.getFlinkMaster()).isEqualTo("[local]");
  }

  /** Stages read the parallelism without depending on the Flink runner: the same property. */
  @Test
  void stagesSeeTheFlinkParallelismThroughTheirOwnOptions() {
    assertThat(ParallelismOptions.tasksOf(RunWinnow.options("flink", 3))).isEqualTo(3);
    assertThat(RunWinnow.options("direct", 3).as(ParallelismOptions.class).getParallelism())
        .isEqualTo(-1);
    assertThat(ParallelismOptions.tasksOf(RunWinnow.options("direct", 3)))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void passedThroughOptionsWinOverWinnowsOwn() {
    FlinkPipelineOptions flink =
        (FlinkPipelineOptions)
            RunWinnow.options(
                "flink",
                3,
                List.of(
                    "maxBundleSize=77",
                    "flinkConfDir=/etc/flink",
                    "parallelism=5",
                    "checkpointingInterval=60000",
                    "maxInternalErrorRate=0.2"));
    assertThat(flink.getMaxBundleSize()).isEqualTo(77);
    assertThat(flink.getFlinkConfDir()).isEqualTo("/etc/flink");
    assertThat(flink.getParallelism()).isEqualTo(5);
    assertThat(flink.getCheckpointingInterval()).isEqualTo(60_000);
    assertThat(flink.getObjectReuse()).as("not given: Winnow's").isTrue();
    assertThat(flink.as(ErrorBudget.Options.class).getMaxInternalErrorRate()).isEqualTo(0.2);

    DirectOptions direct =
        (DirectOptions) RunWinnow.options("direct", 2, List.of("targetParallelism=7"));
    assertThat(direct.getTargetParallelism()).isEqualTo(7);
  }

  @Test
  void anOptionBeamDoesNotKnowIsRefusedByName() {
    assertThatThrownBy(() -> RunWinnow.options("flink", 2, List.of("maxBundelSize=5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBundelSize");
    assertThatThrownBy(() -> RunWinnow.options("flink", 2, List.of("maxBundleSize")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NAME=VALUE");
  }
}
