package io.winnow.pipeline.fingerprint;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.UniformBorder;
import io.winnow.pipeline.decode.DecodeSettings;
import io.winnow.pipeline.embed.Preprocessor;
import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
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
import org.bytedeco.opencv.opencv_core.Rect;

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

  private final DecodeSettings decode;

  private FingerprintImages(DecodeSettings decode) {
    this.decode = decode;
  }

  /** {@code decode} says where the border resize mode's padding is. */
  public static FingerprintImages with(DecodeSettings decode) {
    return new FingerprintImages(decode);
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> samples) {
    PCollectionTuple out =
        samples.apply(
            "Fingerprint",
            ParDo.of(
                    new FingerprintFn(
                        decode, ErrorBudget.of("fingerprint", samples.getPipeline().getOptions())))
                .withOutputTags(FINGERPRINTED, TupleTagList.of(REJECTIONS)));
    out.get(FINGERPRINTED).setCoder(samples.getCoder());
    return StageResult.of(out, FINGERPRINTED, REJECTIONS);
  }

  /** The fingerprint of a stored sample's image, inside the padding its decode added. */
  public static Fingerprint fingerprint(Sample stored, DecodeSettings decode) {
    return Fingerprint.ofEncoded(stored.image(), pictureWithin(stored, decode));
  }

  /** Where a stored sample's picture is inside the padding its decode added; null: all of it. */
  public static UniformBorder.Box pictureWithin(Sample stored, DecodeSettings decode) {
    Rect box =
        stored.originalWidth() == null || stored.width() == null
            ? null
            : Preprocessor.pictureBox(
                decode,
                stored.originalWidth(),
                stored.originalHeight(),
                stored.width(),
                stored.height());
    return box == null ? null : new UniformBorder.Box(box.x(), box.y(), box.width(), box.height());
  }

  /** The picture inside decode's padding, as a box (all of the stored image when unknown). */
  static UniformBorder.Box wholePicture(Sample stored, DecodeSettings decode) {
    UniformBorder.Box within = pictureWithin(stored, decode);
    return within != null || stored.width() == null
        ? within
        : new UniformBorder.Box(0, 0, stored.width(), stored.height());
  }

  static final class FingerprintFn extends DoFn<Sample, Sample> {
    private final DecodeSettings decode;
    private final StageTimer timer = StageTimer.of("fingerprint");
    private final ErrorBudget errors;

    FingerprintFn(DecodeSettings decode, ErrorBudget errors) {
      this.decode = decode;
      this.errors = errors;
    }

    @ProcessElement
    public void process(@Element Sample sample, MultiOutputReceiver out) {
      long start = System.nanoTime();
      Sample result;
      try {
        Fingerprint print = fingerprint(sample, decode);
        Sample.Builder b =
            sample.toBuilder().pdq(print.pdqHex(), print.pdqQuality()).fingerprint(print.encode());
        if (sample.embedding() != null && !print.content().equals(wholePicture(sample, decode))) {
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
