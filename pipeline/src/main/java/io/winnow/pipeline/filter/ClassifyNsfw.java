package io.winnow.pipeline.filter;

import io.winnow.filters.DropNsfw;
import io.winnow.pipeline.decode.DecodeSettings;
import io.winnow.pipeline.embed.EmbedImages;
import io.winnow.pipeline.embed.EmbedSettings;
import io.winnow.pipeline.embed.EmbeddingModel;
import io.winnow.pipeline.embed.ModelException;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * The NSFW filter: class probabilities from an ONNX classifier whose descriptor names its unsafe
 * classes (by default the bundled nsfwjs MobileNetV2), and {@link DropNsfw} on their sum.
 *
 * <p>When the embedding model is that classifier, its one forward pass gives both the embedding
 * and the scores: {@link #sharesEmbedding} is true and this stage only thresholds, placed after
 * the embedding stage. Otherwise it runs the classifier itself (a pass of its own, before the
 * embedding stage) and keeps only the scores.
 */
public final class ClassifyNsfw extends PTransform<PCollection<Sample>, PCollectionTuple> {
  public static final TupleTag<Sample> KEPT = DropNsfw.KEPT;
  public static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final EmbedSettings classifier;
  private final DecodeSettings decode;
  private final List<String> unsafeClasses;
  private final double threshold;
  private final boolean shared;

  private ClassifyNsfw(EmbedSettings classifier, DecodeSettings decode, List<String> unsafe,
      double threshold, boolean shared) {
    this.classifier = classifier;
    this.decode = decode;
    this.unsafeClasses = unsafe;
    this.threshold = threshold;
    this.shared = shared;
  }

  /**
   * @param embed the run's embedding settings, or null when embedding is off
   * @param embedModel the embedding model as the embedding stage loaded it (null when off): not
   *     loaded and checksummed again here
   * @throws ModelException when the classifier cannot be loaded or names no unsafe classes
   */
  public static ClassifyNsfw with(FilterSettings filter, EmbedSettings embed,
      EmbeddingModel embedModel, DecodeSettings decode) {
    EmbedSettings base = embed != null ? embed : EmbedSettings.defaults();
    String model = filter.nsfwModel();
    EmbeddingModel loaded;
    boolean shared;
    if (model.equals("auto")) {
      shared = embedModel != null && hasUnsafeClasses(embedModel);
      loaded = shared ? embedModel : EmbeddingModel.load(EmbeddingModel.DEFAULT);
    } else {
      shared = embedModel != null && model.equals(embed.model());
      loaded = shared ? embedModel : EmbeddingModel.load(model);
    }
    if (!hasUnsafeClasses(loaded)) {
      throw new ModelException("the NSFW classifier " + loaded.location() + " names no unsafe "
          + "classes (classes_output and unsafe_classes in its descriptor)");
    }
    return new ClassifyNsfw(base.withModel(loaded.location()), decode,
        loaded.descriptor().unsafeClasses(), filter.nsfwThreshold(), shared);
  }

  private static boolean hasUnsafeClasses(EmbeddingModel model) {
    return model.descriptor().unsafeClasses() != null
        && !model.descriptor().unsafeClasses().isEmpty()
        && model.descriptor().classesOutput() != null;
  }

  /** Whether the embedding stage's forward pass already gives the scores. */
  public boolean sharesEmbedding() {
    return shared;
  }

  public String model() {
    return classifier.model();
  }

  /** The classes whose probabilities are summed, as the classifier's descriptor names them. */
  public List<String> unsafeClasses() {
    return unsafeClasses;
  }

  @Override
  public PCollectionTuple expand(PCollection<Sample> samples) {
    PCollection<Sample> scored = samples;
    PCollectionList<Rejection> rejections = PCollectionList.empty(samples.getPipeline());
    if (!shared) {
      PCollectionTuple classified = samples.apply("RunClassifier",
          EmbedImages.with(classifier, decode).timedAs("nsfw"));
      rejections = rejections.and(classified.get(EmbedImages.REJECTIONS));
      // Only the scores are wanted from this pass; the run's embedding comes later.
      scored = classified.get(EmbedImages.EMBEDDED)
          .apply("KeepScoresOnly", MapElements.into(TypeDescriptor.of(Sample.class))
              .via((Sample s) -> s.toBuilder().embedding(null).build()))
          .setCoder(samples.getCoder());
    }
    PCollectionTuple decided = scored.apply("DropNsfw", DropNsfw.with(unsafeClasses, threshold));
    rejections = rejections.and(decided.get(DropNsfw.REJECTIONS));
    return PCollectionTuple.of(KEPT, decided.get(DropNsfw.KEPT))
        .and(REJECTIONS, rejections.apply("NsfwRejections", Flatten.pCollections()));
  }
}
