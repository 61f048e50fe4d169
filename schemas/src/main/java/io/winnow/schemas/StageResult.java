package io.winnow.schemas;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What every stage returns: the records it accepted and the {@link Rejection}s of the rest, one per
 * input it did not accept, plus any report taps (examples for the report, which no later stage
 * needs). In the spirit of Beam's {@code WithFailures.Result}; a {@link RejectionCollector} gathers
 * the rejections of all stages.
 */
public final class StageResult<T> implements POutput {
  private final PCollectionTuple outputs;
  private final TupleTag<T> acceptedTag;
  private final TupleTag<Rejection> rejectionsTag;

  private StageResult(
      PCollectionTuple outputs, TupleTag<T> acceptedTag, TupleTag<Rejection> rejectionsTag) {
    this.outputs = outputs;
    this.acceptedTag = acceptedTag;
    this.rejectionsTag = rejectionsTag;
  }

  /** A stage's multi-output ParDo (or tuple): other tags in it are taps. */
  public static <T> StageResult<T> of(
      PCollectionTuple outputs, TupleTag<T> accepted, TupleTag<Rejection> rejections) {
    if (!outputs.has(accepted) || !outputs.has(rejections)) {
      throw new IllegalArgumentException("a stage's outputs lack its accepted or rejection tag");
    }
    return new StageResult<>(outputs, accepted, rejections);
  }

  public static <T> StageResult<T> of(PCollection<T> accepted, PCollection<Rejection> rejections) {
    TupleTag<T> acceptedTag = new TupleTag<>("accepted");
    TupleTag<Rejection> rejectionsTag = new TupleTag<>("rejections");
    return new StageResult<>(
        PCollectionTuple.of(acceptedTag, accepted).and(rejectionsTag, rejections),
        acceptedTag,
        rejectionsTag);
  }

  public PCollection<T> accepted() {
    return outputs.get(acceptedTag);
  }

  public PCollection<Rejection> rejections() {
    return outputs.get(rejectionsTag);
  }

  /** A report tap the stage declares, e.g. {@code DropNearDuplicates.EXAMPLES}. */
  public <X> PCollection<X> tap(TupleTag<X> tag) {
    return outputs.get(tag);
  }

  @Override
  public Pipeline getPipeline() {
    return outputs.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return outputs.expand();
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {
    outputs.finishSpecifyingOutput(transformName, input, transform);
  }
}
