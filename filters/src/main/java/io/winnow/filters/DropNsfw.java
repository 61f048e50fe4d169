package io.winnow.filters;

import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Drops samples whose classifier scores ({@code nsfw_scores}, set by the classifier's forward pass)
 * give the unsafe classes a summed probability at or above the threshold. Kept samples keep their
 * scores in their metadata. A sample without scores is dropped too, with a detail that says so: an
 * unchecked image is not let through.
 */
public final class DropNsfw extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final List<String> unsafeClasses;
  private final double threshold;

  private DropNsfw(List<String> unsafeClasses, double threshold) {
    if (unsafeClasses.isEmpty() || !(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("NSFW needs unsafe classes and a threshold in (0, 1]");
    }
    this.unsafeClasses = List.copyOf(unsafeClasses);
    this.threshold = threshold;
  }

  public static DropNsfw with(List<String> unsafeClasses, double threshold) {
    return new DropNsfw(unsafeClasses, threshold);
  }

  /** The summed probability of the unsafe classes, or NaN without scores. */
  public static double unsafeScore(Map<String, Float> scores, List<String> unsafeClasses) {
    if (scores == null || scores.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (String name : unsafeClasses) {
      Float p = scores.get(name);
      sum += p == null ? 0 : p;
    }
    return sum;
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> samples) {
    PCollectionTuple out =
        samples.apply(
            "ThresholdUnsafeScore",
            ParDo.of(new DecideFn(unsafeClasses, threshold))
                .withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(samples.getCoder());
    return StageResult.of(out, KEPT, REJECTIONS);
  }

  static final class DecideFn extends DoFn<Sample, Sample> {
    private final List<String> unsafe;
    private final double threshold;
    private final Counter dropped = Metrics.counter("filter", "nsfw");

    DecideFn(List<String> unsafe, double threshold) {
      this.unsafe = unsafe;
      this.threshold = threshold;
    }

    @ProcessElement
    public void process(@Element Sample s, MultiOutputReceiver out) {
      double score = unsafeScore(s.nsfwScores(), unsafe);
      String refusal;
      if (Double.isNaN(score)) {
        refusal = "no classifier scores: cannot tell, so not kept";
      } else if (score >= threshold) {
        StringBuilder parts = new StringBuilder();
        for (String name : unsafe) {
          Float p = s.nsfwScores().get(name);
          parts
              .append(parts.length() == 0 ? "" : ", ")
              .append(name)
              .append(' ')
              .append(String.format(Locale.ROOT, "%.3f", p == null ? 0f : p));
        }
        refusal =
            String.format(
                Locale.ROOT, "unsafe probability %.3f >= %.3f (%s)", score, threshold, parts);
      } else {
        out.get(KEPT).output(s);
        return;
      }
      dropped.inc();
      out.get(REJECTIONS).output(Rejection.of(s.key(), s.url(), Reason.NSFW, refusal));
    }
  }
}
