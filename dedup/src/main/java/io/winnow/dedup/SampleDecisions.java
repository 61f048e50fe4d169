package io.winnow.dedup;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;

/**
 * The steps of {@link DropNearDuplicates} that see whole samples: the embedding check before
 * anything is grouped, and the final keep-or-reject (with the example images) once removals are
 * known. Everything between works on {@link DropNearDuplicates.Member}s.
 */
final class SampleDecisions {
  private SampleDecisions() {}

  /** Rejects a sample without an embedding of the model's dimension ({@code bad-embedding}). */
  static final class CheckFn extends DoFn<Sample, Sample> {
    private final int dimension;

    CheckFn(int dimension) {
      this.dimension = dimension;
    }

    @ProcessElement
    public void process(@Element Sample s, MultiOutputReceiver out) {
      float[] e = s.embedding();
      if (e == null || e.length != dimension) {
        out.get(DropNearDuplicates.REJECTIONS)
            .output(
                Rejection.of(
                    s.key(),
                    s.url(),
                    Reason.BAD_EMBEDDING,
                    e == null
                        ? "no embedding"
                        : "embedding has " + e.length + " dimensions, the model " + dimension));
      } else {
        out.get(DropNearDuplicates.SAMPLES).output(s);
      }
    }
  }

  /** The two samples of an example, by key, so the final join can send out their images. */
  static final class ExampleKeysFn extends DoFn<DuplicateExample, KV<String, String>> {
    @ProcessElement
    public void process(@Element DuplicateExample e, OutputReceiver<KV<String, String>> o) {
      o.output(KV.of(e.removedKey(), "removed"));
      o.output(KV.of(e.keptKey(), "kept"));
    }
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    private final Counter exactRemoved = Metrics.counter("dedup", "exact_duplicates");
    private final Counter nearRemoved = Metrics.counter("dedup", "near_duplicates");

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      DropNearDuplicates.Removal removal =
          joined.getValue().getOnly(DropNearDuplicates.REMOVALS, null);
      boolean example =
          joined.getValue().getAll(DropNearDuplicates.EXAMPLE_ROLE).iterator().hasNext();
      // Keys are unique per run, except for a URL listed twice: each copy is decided alike.
      for (Sample sample : joined.getValue().getAll(DropNearDuplicates.SAMPLES)) {
        if (example) {
          out.get(DropNearDuplicates.EXAMPLE_IMAGES).output(sample);
          example = false;
        }
        if (removal == null) {
          out.get(DropNearDuplicates.KEPT).output(sample);
        } else if (removal.exact()) {
          exactRemoved.inc();
          out.get(DropNearDuplicates.REJECTIONS)
              .output(
                  Rejection.of(
                      sample.key(), sample.url(), Reason.EXACT_DUPLICATE, removal.detail()));
        } else {
          nearRemoved.inc();
          out.get(DropNearDuplicates.REJECTIONS)
              .output(
                  Rejection.of(
                      sample.key(), sample.url(), Reason.NEAR_DUPLICATE, removal.detail()));
        }
      }
    }
  }
}
