package io.winnow.report;

import io.winnow.schemas.Json;
import io.winnow.schemas.Progress;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.RunSummary;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The one sink for rejections of every stage: JSON lines under {@code rejections/} in the output
 * folder, one per rejected URL, and a Beam counter per stage and reason ({@code
 * rejections:<stage>/<reason>}). A reference set's rejections go through it too, into their own
 * folder.
 */
public final class WriteRejections extends PTransform<PCollection<Rejection>, PDone> {
  /** The pool's rejections: what {@code input = accepted + rejected} counts. */
  public static final String POOL_FOLDER = "rejections";

  private final String outputDir;
  private final String folder;

  private WriteRejections(String outputDir, String folder) {
    this.outputDir = outputDir;
    this.folder = folder;
  }

  public static WriteRejections to(String outputDir) {
    return new WriteRejections(outputDir, POOL_FOLDER);
  }

  /**
   * Into another folder of the output, e.g. {@code eval-rejections} for a reference set's images:
   * they are not pool URLs, so they are neither counted as the pool's rejections nor shown as
   * progress.
   */
  public WriteRejections inFolder(String folder) {
    return new WriteRejections(outputDir, folder);
  }

  @Override
  public PDone expand(PCollection<Rejection> rejections) {
    PCollection<Rejection> counted =
        folder.equals(POOL_FOLDER)
            ? rejections.apply("CountPerReason", ParDo.of(new CountFn()))
            : rejections;
    return counted
        .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(Json::write))
        .apply(
            "WriteJsonLines",
            TextIO.write().to(outputDir + "/" + folder + "/rejections").withSuffix(".jsonl"));
  }

  static final class CountFn extends DoFn<Rejection, Rejection> {
    @ProcessElement
    public void process(@Element Rejection rejection, OutputReceiver<Rejection> out) {
      Metrics.counter(
              "rejections",
              RunSummary.rejectedKey(rejection).substring(RunSummary.REJECTED_PREFIX.length()))
          .inc();
      Progress.global().rejected(1);
      out.output(rejection);
    }
  }
}
