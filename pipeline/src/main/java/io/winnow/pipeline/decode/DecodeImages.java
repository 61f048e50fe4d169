package io.winnow.pipeline.decode;

import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.Stage;
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
 * Validates, decodes, resizes and re-encodes fetched images (see {@link ImageProcessor}).
 *
 * <p>Output: on {@link #DECODED}, the sample with its image replaced by the stored JPEG and its
 * original and stored sizes set ({@code sha256} and {@code mime_type} stay those of the
 * downloaded bytes); on
 * {@link #REJECTIONS}, corrupt, truncated, unsupported, too small or too large images. One output
 * per input; deterministic for the same bytes and settings.
 */
public final class DecodeImages extends PTransform<PCollection<Sample>, PCollectionTuple> {
  public static final TupleTag<Sample> DECODED = new TupleTag<>() {};
  public static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final DecodeSettings settings;

  private DecodeImages(DecodeSettings settings) {
    this.settings = settings;
  }

  public static DecodeImages with(DecodeSettings settings) {
    return new DecodeImages(settings);
  }

  @Override
  public PCollectionTuple expand(PCollection<Sample> fetched) {
    return fetched.apply("DecodeResizeEncode", ParDo.of(new DecodeFn(settings))
        .withOutputTags(DECODED, TupleTagList.of(REJECTIONS)));
  }

  static final class DecodeFn extends DoFn<Sample, Sample> {
    private final DecodeSettings settings;
    private final Counter decoded = Metrics.counter("decode", "images");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("decode");
    private transient ImageProcessor processor;

    DecodeFn(DecodeSettings settings) {
      this.settings = settings;
    }

    @Setup
    public void setup() {
      processor = new ImageProcessor(settings);
    }

    @ProcessElement
    public void process(@Element Sample sample, MultiOutputReceiver out) {
      ImageProcessor.Result result;
      long start = System.nanoTime();
      try {
        result = processor.process(sample.image());
      } catch (RuntimeException | LinkageError e) {
        timer.since(start);
        out.get(REJECTIONS).output(Rejection.ofError(sample.key(), sample.url(), Stage.DECODE, e));
        return;
      }
      timer.since(start);
      if (result.image() == null) {
        out.get(REJECTIONS).output(Rejection.of(sample.key(), sample.url(), result.reason(),
            result.detail()));
        return;
      }
      ImageProcessor.Processed image = result.image();
      decoded.inc();
      out.get(DECODED).output(sample.toBuilder()
          .image(image.jpeg())
          .originalSize(image.originalWidth(), image.originalHeight())
          .storedSize(image.width(), image.height())
          .storedByteSize(image.jpeg().length)
          .build());
    }
  }
}
