package io.winnow.cli;

import io.winnow.dataset.DatasetDir;
import io.winnow.dataset.Manifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code winnow versions}: the versions of a dataset. */
@Command(
    name = "versions",
    mixinStandardHelpOptions = true,
    description = "List a dataset's versions: samples, shards, what each added or removed.")
final class VersionsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "DIR")
  Path dataset;

  @Override
  public Integer call() throws IOException {
    try (DatasetDir dir = DatasetDir.openForReading(dataset)) {
      PrintWriter out = spec.commandLine().getOut();
      int current = dir.current();
      for (Manifest m : dir.versions()) {
        boolean readable =
            m.shards().stream()
                .allMatch(s -> Files.exists(dir.shard(s.name()).resolveSibling(s.name() + ".tar")));
        out.printf(
            "%s%s %-9s %s  %,d samples in %d shards%s%n",
            Manifest.versionName(m.version()),
            m.version() == current ? "*" : " ",
            m.kind(),
            m.createdAt(),
            m.samples(),
            m.shards().size(),
            readable ? "" : "  (pruned: shards taken down)");
      }
    }
    return 0;
  }

  static void print(PrintWriter out, Manifest m) {
    out.printf(
        "%nCommitted %s (%s): %,d samples in %d shards%n",
        Manifest.versionName(m.version()), m.kind(), m.samples(), m.shards().size());
    if (m.summary() != null) {
      out.printf(
          "  input %,d URLs: %,d accepted, %,d rejected (%s)%n",
          m.summary().input(),
          m.summary().accepted(),
          m.summary().rejected(),
          m.summary().balanced() ? "balanced" : "NOT BALANCED");
    }
    if (m.removedSamples() != null) {
      out.printf("  removed %,d samples%n", m.removedSamples());
    }
    out.flush();
  }
}
