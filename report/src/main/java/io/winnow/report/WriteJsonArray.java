package io.winnow.report;

import io.winnow.export.ShardFiles;
import io.winnow.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes a small collection (a report's examples, never the dataset) as one JSON array file, sorted
 * by each element's JSON text so the file does not depend on the runner's order. Nothing is written
 * for an empty collection; readers treat a missing file as empty.
 */
public final class WriteJsonArray<T> extends PTransform<PCollection<T>, PDone> {
  private final String file;

  private WriteJsonArray(String file) {
    this.file = file;
  }

  public static <T> WriteJsonArray<T> to(String file) {
    return new WriteJsonArray<>(file);
  }

  @Override
  public PDone expand(PCollection<T> items) {
    items
        .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(Json::write))
        .apply("OneFile", WithKeys.of("all"))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("Gather", GroupByKey.create())
        .apply("Write", ParDo.of(new WriteFn(file)));
    return PDone.in(items.getPipeline());
  }

  static final class WriteFn extends DoFn<KV<String, Iterable<String>>, Void> {
    private final String file;

    WriteFn(String file) {
      this.file = file;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<String>> all) throws IOException {
      List<String> items = new ArrayList<>();
      all.getValue().forEach(items::add);
      items = new ArrayList<>(new java.util.TreeSet<>(items)); // sorted, each once
      Path target = Path.of(file);
      Files.createDirectories(target.getParent());
      Path temp = ShardFiles.temporary(target);
      Files.writeString(temp, "[\n" + String.join(",\n", items) + "\n]\n", StandardCharsets.UTF_8);
      ShardFiles.publish(temp, target);
    }
  }
}
