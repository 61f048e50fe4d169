package io.winnow.deploy;

import io.winnow.pipeline.export.WebDatasetReader;
import io.winnow.pipeline.read.SampleKeys;
import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a run wrote, reduced to what must not depend on the runner or on failures. */
record Datasets(List<String> samples, List<String> rejections, List<String> hiddenFiles) {
  static Datasets read(Path dir) throws IOException {
    List<String> samples = new ArrayList<>();
    for (Path shard : WebDatasetReader.shards(dir, "shard")) {
      WebDatasetReader.read(shard, s -> samples.add(String.join(" ", s.key(), s.url(),
          s.width() + "x" + s.height(), s.sha256(), SampleKeys.sha256Hex(s.image()))));
    }
    List<String> rejections = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve("rejections"),
        "*.jsonl")) {
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          Rejection r = Json.read(line, Rejection.class);
          rejections.add(r.url() + " " + r.stage().wireName() + "/" + r.reason().wireName());
        }
      }
    }
    List<String> hidden;
    try (Stream<Path> all = Files.walk(dir)) {
      hidden = all.map(p -> dir.relativize(p).toString())
          .filter(p -> p.contains("inprogress") || p.contains(".temp-beam")).toList();
    }
    samples.sort(null);
    rejections.sort(null);
    return new Datasets(samples, rejections, hidden);
  }
}
