package io.winnow.dedup;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.UniformBorder;
import io.winnow.schemas.ContentBox;
import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleBuilder;
import io.winnow.schemas.Stage;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.StageTimer;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Fingerprints every stored image for copy detection, once, where its pixels are final (after face
 * blurring): the picture's box inside uniform borders and letterbox bars (the embedding stage then
 * sees only that), its PDQ hash and quality ({@code pdq}, {@code pdq_quality} in KEY.json and
 * Parquet), and the local features dedup verifies candidate pairs with, which travel with the
 * sample until dedup and are dropped there.
 *
 * <p>An image that cannot be fingerprinted is an {@code internal-error} with its stack trace (it
 * decoded a stage earlier, so that is a bug, not bad input); a missing native library fails the
 * job.
 */
public final class FingerprintImages extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> FINGERPRINTED = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private FingerprintImages() {}

  public static FingerprintImages create() {
    return new FingerprintImages();
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> samples) {
    PCollectionTuple out =
        samples.apply(
            "Fingerprint",
            ParDo.of(
                    new FingerprintFn(
                        ErrorBudget.of("fingerprint", samples.getPipeline().getOptions())))
                .withOutputTags(FINGERPRINTED, TupleTagList.of(REJECTIONS)));
    out.get(FINGERPRINTED).setCoder(samples.getCoder());
    return StageResult.of(out, FINGERPRINTED, REJECTIONS);
  }

  /** The fingerprint of a stored sample's image, inside the padding its decode added. */
  public static Fingerprint fingerprint(Sample stored) {
    return Fingerprint.ofEncoded(stored.image(), pictureWithin(stored));
  }

  /** Where a stored sample's picture is, as decode recorded it; null: all of it. */
  public static UniformBorder.Box pictureWithin(Sample stored) {
    ContentBox c = stored.contentBox();
    return c == null ? null : new UniformBorder.Box(c.x(), c.y(), c.width(), c.height());
  }

  /** The picture inside decode's padding, as a box (all of the stored image when unknown). */
  static UniformBorder.Box wholePicture(Sample stored) {
    UniformBorder.Box within = pictureWithin(stored);
    return within != null || stored.width() == null
        ? within
        : new UniformBorder.Box(0, 0, stored.width(), stored.height());
  }

  static final class FingerprintFn extends DoFn<Sample, Sample> {
    private final StageTimer timer = StageTimer.of("fingerprint");
    private final ErrorBudget errors;

    FingerprintFn(ErrorBudget errors) {
      this.errors = errors;
    }

    @ProcessElement
    public void process(@Element Sample sample, MultiOutputReceiver out) {
      long start = System.nanoTime();
      Sample result;
      try {
        Fingerprint print = fingerprint(sample);
        UniformBorder.Box content = print.content();
        SampleBuilder b =
            sample.toBuilder()
                .pdq(print.pdqHex(), print.pdqQuality())
                .fingerprint(print.encode())
                .contentBox(
                    new ContentBox(content.x(), content.y(), content.width(), content.height()));
        if (sample.embedding() != null && !content.equals(wholePicture(sample))) {
          // An earlier embedding (the NSFW pass's) saw the borders this picture is now trimmed
          // of: the embedding stage embeds it again, as it embeds every trimmed picture.
          b.embedding(null);
        }
        result = b.build();
      } catch (RuntimeException e) {
        timer.since(start);
        Rejection error = Rejection.ofError(sample.key(), sample.url(), Stage.DEDUP, e);
        errors.rejected(error);
        out.get(REJECTIONS).output(error);
        return;
      }
      timer.since(start);
      errors.passed();
      out.get(FINGERPRINTED).output(result);
    }
  }
}
