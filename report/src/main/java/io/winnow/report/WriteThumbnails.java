package io.winnow.report;

import io.winnow.export.ShardFiles;
import io.winnow.schemas.Json;
import io.winnow.schemas.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes a thumbnail of each (already chosen, few) sample into a report folder, and {@code
 * index.json} there mapping each key to its file. The pipeline calls it for images the report shows
 * but the shards do not hold: removed duplicates, and seeds. Only images that have been through
 * face blurring come here.
 */
public final class WriteThumbnails extends PTransform<PCollection<Sample>, PDone> {
  public static final String INDEX = "index.json";
  private final String folder;

  private WriteThumbnails(String folder) {
    this.folder = folder;
  }

  public static WriteThumbnails to(String folder) {
    return new WriteThumbnails(folder);
  }

  @Override
  public PDone expand(PCollection<Sample> samples) {
    samples
        .apply("Thumbnail", ParDo.of(new ThumbnailFn(folder)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("OneIndex", WithKeys.of("index"))
        .setCoder(
            KvCoder.of(
                StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply("GatherIndex", GroupByKey.create())
        .apply("WriteIndex", ParDo.of(new IndexFn(folder)));
    return PDone.in(samples.getPipeline());
  }

  /** Clears what an earlier run into the same folder left. */
  public static void clear(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (var files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** The key → file map a run wrote, or an empty one. */
  public static TreeMap<String, String> index(Path folder) throws IOException {
    Path file = folder.resolve(INDEX);
    TreeMap<String, String> index = new TreeMap<>();
    if (Files.exists(file)) {
      Json.mapper()
          .readTree(Files.readAllBytes(file))
          .fields()
          .forEachRemaining(e -> index.put(e.getKey(), e.getValue().asText()));
    }
    return index;
  }

  static final class ThumbnailFn extends DoFn<Sample, KV<String, String>> {
    private final String folder;

    ThumbnailFn(String folder) {
      this.folder = folder;
    }

    @ProcessElement
    public void process(@Element Sample sample, OutputReceiver<KV<String, String>> out)
        throws IOException {
      byte[] thumbnail;
      try {
        thumbnail = Thumbnails.of(sample.image());
      } catch (RuntimeException e) {
        return; // the report shows the key without a picture
      }
      Path dir = Files.createDirectories(Path.of(folder));
      String name = Thumbnails.fileName(sample.key());
      Path target = dir.resolve(name);
      Path temp = ShardFiles.temporary(target);
      Files.write(temp, thumbnail);
      ShardFiles.publish(temp, target);
      out.output(KV.of(sample.key(), name));
    }
  }

  static final class IndexFn extends DoFn<KV<String, Iterable<KV<String, String>>>, Void> {
    private final String folder;

    IndexFn(String folder) {
      this.folder = folder;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<KV<String, String>>> all) throws IOException {
      TreeMap<String, String> index = new TreeMap<>();
      all.getValue().forEach(kv -> index.put(kv.getKey(), kv.getValue()));
      Path dir = Files.createDirectories(Path.of(folder));
      Path target = dir.resolve(INDEX);
      Path temp = ShardFiles.temporary(target);
      Files.writeString(temp, Json.writePretty(index), StandardCharsets.UTF_8);
      ShardFiles.publish(temp, target);
    }
  }
}
