package io.winnow.filters;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.Pdq;
import io.winnow.copydetect.UniformBorder;
import io.winnow.schemas.ContentBox;
import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.Stage;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.StageTimer;
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
 * Refuses images on known-bad hash lists ({@link KnownBadHashes}) right after decoding, before any
 * other stage sees them and before anything is stored: MD5 and SHA-256 of the downloaded bytes, and
 * PDQ of the decoded picture (inside the padding the border resize mode adds, and also without the
 * uniform borders it may have of its own; in all eight rotations and flips). A match is rejected
 * {@code known-bad-image} with the list and line in its detail and nothing of the image; the run's
 * report counts them and shows no example.
 *
 * <p>PDQ is taken of the decoded picture as it will be stored: at the stored size (PDQ reduces
 * every image to 64 × 64 first, so the size barely moves it) and, under the crop resize modes,
 * cropped; a list's distances are meant for whole pictures, so crop modes match less.
 */
public final class DropKnownBadImages extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> KEPT = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final KnownBadHashes lists;

  private DropKnownBadImages(KnownBadHashes lists) {
    this.lists = lists;
  }

  public static DropKnownBadImages with(KnownBadHashes lists) {
    return new DropKnownBadImages(lists);
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> decoded) {
    PCollectionTuple out =
        decoded.apply(
            "MatchHashLists",
            ParDo.of(
                    new MatchFn(
                        lists, ErrorBudget.of("known-bad", decoded.getPipeline().getOptions())))
                .withOutputTags(KEPT, TupleTagList.of(REJECTIONS)));
    out.get(KEPT).setCoder(decoded.getCoder());
    return StageResult.of(out, KEPT, REJECTIONS);
  }

  static final class MatchFn extends DoFn<Sample, Sample> {
    private final KnownBadHashes lists;
    private final Counter refused = Metrics.counter("filter", "known-bad-images");
    private final StageTimer timer = StageTimer.of("known-bad");

    private final ErrorBudget errors;

    MatchFn(KnownBadHashes lists, ErrorBudget errors) {
      this.lists = lists;
      this.errors = errors;
    }

    @ProcessElement
    public void process(@Element Sample sample, MultiOutputReceiver out) {
      long start = System.nanoTime();
      KnownBadHashes.Match match = lists.matchDigests(sample.sha256(), sample.md5());
      if (match == null && lists.hasPdq()) {
        java.util.List<Pdq.Dihedrals> pictures;
        try {
          ContentBox c = sample.contentBox();
          pictures =
              Fingerprint.pictureHashesOfEncoded(
                  sample.image(),
                  c == null ? null : new UniformBorder.Box(c.x(), c.y(), c.width(), c.height()));
        } catch (RuntimeException e) {
          // An image this stage cannot check must not go on unchecked.
          timer.since(start);
          Rejection error = Rejection.ofError(sample.key(), sample.url(), Stage.FILTER, e);
          errors.rejected(error);
          out.get(REJECTIONS).output(error);
          return;
        }
        match = lists.matchPictures(pictures);
      }
      timer.since(start);
      errors.passed();
      if (match != null) {
        refused.inc();
        out.get(REJECTIONS)
            .output(
                Rejection.of(sample.key(), sample.url(), Reason.KNOWN_BAD_IMAGE, match.detail()));
      } else {
        out.get(KEPT).output(sample);
      }
    }
  }
}
