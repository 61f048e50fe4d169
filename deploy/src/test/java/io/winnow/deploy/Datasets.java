package io.winnow.deploy;

import io.winnow.export.WebDatasetReader;
import io.winnow.schemas.Digests;
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
      WebDatasetReader.read(
          shard,
          s ->
              samples.add(
                  String.join(
                      " ",
                      s.key(),
                      s.url(),
                      s.width() + "x" + s.height(),
                      s.sha256(),
                      Digests.sha256Hex(s.image()))));
    }
    List<String> rejections = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dir.resolve("rejections"), "*.jsonl")) {
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          Rejection r = Json.read(line, Rejection.class);
          rejections.add(r.url() + " " + r.stage().wireName() + "/" + r.reason().wireName());
        }
      }
    }
    List<String> hidden;
    try (Stream<Path> all = Files.walk(dir)) {
      hidden =
          all.map(p -> dir.relativize(p).toString())
              .filter(p -> p.contains("inprogress") || p.contains(".temp-beam"))
              .toList();
    }
    samples.sort(null);
    rejections.sort(null);
    return new Datasets(samples, rejections, hidden);
  }

  /** Each sample's embedding, by key: the shard's .npy rows are in the tar's (key) order. */
  static java.util.Map<String, float[]> embeddings(Path dir) throws IOException {
    java.util.Map<String, float[]> byKey = new java.util.TreeMap<>();
    for (Path shard : WebDatasetReader.shards(dir, "shard")) {
      List<String> keys = new ArrayList<>();
      WebDatasetReader.read(shard, s -> keys.add(s.key()));
      io.winnow.export.NpyFiles.Array npy;
      try (var in = Files.newInputStream(Path.of(shard.toString().replace(".tar", ".npy")))) {
        npy = io.winnow.export.NpyFiles.read(in);
      }
      for (int i = 0; i < keys.size(); i++) {
        byKey.put(keys.get(i), npy.row(i));
      }
    }
    return byKey;
  }

  /** Same keys, and embeddings equal up to float rounding (batches may form differently). */
  static void assertSameEmbeddings(Path a, Path b) throws IOException {
    java.util.Map<String, float[]> x = embeddings(a);
    java.util.Map<String, float[]> y = embeddings(b);
    org.assertj.core.api.Assertions.assertThat(x.keySet()).isEqualTo(y.keySet());
    x.forEach(
        (key, v) -> {
          float[] w = y.get(key);
          for (int i = 0; i < v.length; i++) {
            org.assertj.core.api.Assertions.assertThat(v[i])
                .as(key)
                .isCloseTo(w[i], org.assertj.core.data.Offset.offset(1e-5f));
          }
        });
  }
}
