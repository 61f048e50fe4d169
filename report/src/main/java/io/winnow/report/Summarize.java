package io.winnow.report;

import io.winnow.export.ShardFiles;
import io.winnow.schemas.Json;
import io.winnow.schemas.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Adds up the named counts that stages report (see {@link RunSummary} for the names) and writes
 * {@code summary.json}, atomically, once the whole pipeline has produced them. Counting in the
 * pipeline rather than in runner metrics keeps the summary exact on any runner and after retries.
 */
public final class Summarize
    extends PTransform<PCollectionList<KV<String, Long>>, PCollection<RunSummary>> {
  public static final String FILE_NAME = "summary.json";
  private final String outputDir;

  private Summarize(String outputDir) {
    this.outputDir = outputDir;
  }

  public static Summarize into(String outputDir) {
    return new Summarize(outputDir);
  }

  @Override
  public PCollection<RunSummary> expand(PCollectionList<KV<String, Long>> counts) {
    return counts
        .apply("AllCounts", Flatten.pCollections())
        .apply("SumPerName", Sum.longsPerKey())
        .apply("OneGroup", WithKeys.of("summary"))
        .apply("Gather", GroupByKey.create())
        .apply("WriteSummary", ParDo.of(new WriteSummaryFn(outputDir)));
  }

  static final class WriteSummaryFn
      extends DoFn<KV<String, Iterable<KV<String, Long>>>, RunSummary> {
    private final String outputDir;

    WriteSummaryFn(String outputDir) {
      this.outputDir = outputDir;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<KV<String, Long>>> all, OutputReceiver<RunSummary> out)
        throws IOException {
      Map<String, Long> metrics = new TreeMap<>();
      all.getValue().forEach(kv -> metrics.put(kv.getKey(), kv.getValue()));
      RunSummary summary = RunSummary.fromMetrics(metrics);
      write(Path.of(outputDir), summary);
      out.output(summary);
    }
  }

  /** Writes {@code summary.json} under {@code dir} through a temporary file and a rename. */
  public static void write(Path dir, RunSummary summary) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(FILE_NAME);
    Path temp = ShardFiles.temporary(target);
    Files.writeString(temp, Json.writePretty(summary) + "\n", StandardCharsets.UTF_8);
    ShardFiles.publish(temp, target);
  }

  public static RunSummary read(Path dir) throws IOException {
    return Json.read(Files.readAllBytes(dir.resolve(FILE_NAME)), RunSummary.class);
  }
}
