package io.winnow.cli;

import io.winnow.dataset.Manifest;
import io.winnow.dataset.Takedown;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code winnow takedown}: a new version without the given samples. */
@Command(
    name = "takedown",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Remove samples by URL, domain, key or known-bad hash: a new version in which only the shards "
            + "holding them are rewritten; logged in takedowns.jsonl; never re-added by a refresh.")
final class TakedownCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "DIR")
  Path dataset;

  @Option(names = "--urls", paramLabel = "FILE", description = "URLs, one per line.")
  Path urls;

  @Option(
      names = "--domains",
      paramLabel = "FILE",
      description = "Domain rules, one per line, as in --block-list (example.com, *.x, =host).")
  Path domains;

  @Option(names = "--keys", paramLabel = "FILE", description = "Sample keys, one per line.")
  Path keys;

  @Option(
      names = "--known-bad-hashes",
      paramLabel = "FILE",
      description =
          "Known-bad hash list, as in run --known-bad-hashes (md5:HEX and sha256:HEX of "
              + "the downloaded bytes, pdq:HEX [max-distance] of the stored picture). Repeatable; "
              + "kept in the dataset, so later refreshes refuse new images on it.")
  List<Path> hashLists = List.of();

  @Option(
      names = "--requested-by",
      paramLabel = "TEXT",
      defaultValue = "",
      description = "Who asked, for the takedown log.")
  String requestedBy;

  @Option(
      names = "--keep-old-shards",
      description =
          "Keep the replaced shard files, so older versions stay readable (by default "
              + "they are deleted: the images are meant to be gone).")
  boolean keepOldShards;

  @Override
  public Integer call() throws IOException {
    if (urls == null && domains == null && keys == null && hashLists.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "give --urls, --domains, --keys or --known-bad-hashes");
    }
    List<String> rules = new ArrayList<>();
    for (Path file : new Path[] {urls, domains}) {
      if (file != null) {
        if (!Files.isRegularFile(file)) {
          throw new ParameterException(spec.commandLine(), file + " is not a file");
        }
        rules.add(file.toAbsolutePath().toString());
      }
    }
    List<String> hashes = new ArrayList<>();
    for (Path file : hashLists) {
      if (!Files.isRegularFile(file)) {
        throw new ParameterException(spec.commandLine(), file + " is not a file");
      }
      hashes.add(file.toAbsolutePath().toString());
    }
    Set<String> keySet = new HashSet<>();
    if (keys != null) {
      for (String line : Files.readAllLines(keys, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          keySet.add(line.strip());
        }
      }
    }
    Manifest manifest =
        Takedown.run(
            dataset, new Takedown.Request(keySet, rules, hashes, requestedBy), keepOldShards);
    VersionsCommand.print(spec.commandLine().getOut(), manifest);
    return 0;
  }
}
