package io.winnow.decode;

import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.NativeLibraries;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.Stage;
import io.winnow.schemas.StageResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Validates, decodes, resizes and re-encodes fetched images (see {@link ImageProcessor}).
 *
 * <p>Output: on {@link #DECODED}, the sample with its image replaced by the stored JPEG and its
 * original and stored sizes set ({@code sha256} and {@code mime_type} stay those of the downloaded
 * bytes); on {@link #REJECTIONS}, corrupt, truncated, unsupported, too small or too large images.
 * One output per input; deterministic for the same bytes and settings. Exceptions become {@code
 * internal-error} rejections within the run's {@link ErrorBudget}; OpenCV's natives failing to load
 * fails the job.
 */
public final class DecodeImages extends PTransform<PCollection<Sample>, StageResult<Sample>> {
  private static final TupleTag<Sample> DECODED = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final DecodeSettings settings;

  private DecodeImages(DecodeSettings settings) {
    this.settings = settings;
  }

  public static DecodeImages with(DecodeSettings settings) {
    return new DecodeImages(settings);
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> fetched) {
    ErrorBudget errors = ErrorBudget.of("decode", fetched.getPipeline().getOptions());
    return StageResult.of(
        fetched.apply(
            "DecodeResizeEncode",
            ParDo.of(new DecodeFn(settings, errors))
                .withOutputTags(DECODED, TupleTagList.of(REJECTIONS))),
        DECODED,
        REJECTIONS);
  }

  static final class DecodeFn extends DoFn<Sample, Sample> {
    private final DecodeSettings settings;
    private final Counter decoded = Metrics.counter("decode", "images");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("decode");
    private final ErrorBudget errors;
    private transient ImageProcessor processor;

    DecodeFn(DecodeSettings settings, ErrorBudget errors) {
      this.settings = settings;
      this.errors = errors;
    }

    @Setup
    public void setup() {
      try {
        processor = new ImageProcessor(settings);
      } catch (LinkageError e) {
        throw NativeLibraries.missing("decode", e);
      }
    }

    @ProcessElement
    public void process(@Element Sample sample, MultiOutputReceiver out) {
      ImageProcessor.Result result;
      long start = System.nanoTime();
      try {
        result = processor.process(sample.image());
      } catch (RuntimeException e) {
        timer.since(start);
        reject(Rejection.ofError(sample.key(), sample.url(), Stage.DECODE, e), out);
        return;
      } catch (LinkageError e) {
        // OpenCV's natives are missing or broken on this worker: no image can be decoded here.
        throw NativeLibraries.missing("decode", e);
      }
      timer.since(start);
      if (result.image() == null) {
        reject(Rejection.of(sample.key(), sample.url(), result.reason(), result.detail()), out);
        return;
      }
      errors.passed();
      ImageProcessor.Processed image = result.image();
      decoded.inc();
      out.get(DECODED).output(image.storeOn(sample.toBuilder()).build());
    }

    private void reject(Rejection rejection, MultiOutputReceiver out) {
      errors.rejected(rejection);
      out.get(REJECTIONS).output(rejection);
    }
  }
}
