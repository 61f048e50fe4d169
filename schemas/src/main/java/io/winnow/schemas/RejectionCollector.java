package io.winnow.schemas;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.POutput;

/**
 * Gathers the rejections of every stage of one run (or of one kind of reference set) and writes
 * them, once, to one sink: in the spirit of Beam's {@code ErrorHandler}. A stage's result goes
 * through {@link #accepted}, which keeps its rejections and hands back what it accepted, so no
 * stage's rejections can be forgotten on the way to the sink. Once written, nothing more may be
 * added.
 */
public final class RejectionCollector {
  private final String name;
  private PCollectionList<Rejection> gathered;
  private PCollection<Rejection> written;

  private RejectionCollector(Pipeline pipeline, String name) {
    this.name = name;
    this.gathered = PCollectionList.empty(pipeline);
  }

  /** {@code name} prefixes the steps it adds (e.g. "Pool", "EvalSets"). */
  public static RejectionCollector of(Pipeline pipeline, String name) {
    return new RejectionCollector(pipeline, name);
  }

  /** Keeps the stage's rejections; returns what it accepted. */
  public <T> PCollection<T> accepted(StageResult<T> result) {
    add(result.rejections());
    return result.accepted();
  }

  public void add(PCollection<Rejection> rejections) {
    if (written != null) {
      throw new IllegalStateException(name + ": rejections were added after they were written");
    }
    gathered = gathered.and(rejections);
  }

  public boolean isEmpty() {
    return gathered.size() == 0;
  }

  /** All rejections gathered, flattened once and written through {@code sink}; returns them. */
  public PCollection<Rejection> writeTo(
      PTransform<PCollection<Rejection>, ? extends POutput> sink) {
    if (written != null) {
      throw new IllegalStateException(name + ": rejections were written twice");
    }
    written =
        gathered.apply(name + "Rejections", Flatten.pCollections()).setCoder(new Rejection.Coder());
    written.apply("Write" + name + "Rejections", sink);
    return written;
  }
}
