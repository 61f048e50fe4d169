package io.winnow.filters;

import io.winnow.inference.EmbedImages;
import io.winnow.inference.EmbedSettings;
import io.winnow.inference.EmbeddingModel;
import io.winnow.inference.ModelException;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.StageResult;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * The NSFW filter: class probabilities from an ONNX classifier whose descriptor names its unsafe
 * classes (by default the bundled nsfwjs MobileNetV2), and {@link DropNsfw} on their sum.
 *
 * <p>It runs on the decoded image before faces are blurred: a blurred skin-coloured patch pushes
 * nsfwjs towards "Porn" (a portrait in a white T-shirt scored 0.817 unsafe blurred, 0.002
 * unblurred), so classifying the blurred image dropped ordinary photos of people. The pass is in
 * memory; nothing unblurred is stored. When the classifier is also the embedding model, the pass's
 * embedding is kept for the images it is valid for (no face blurred, no border trimmed), and only
 * the others are embedded again after blurring; the embedding stage keeps these scores rather than
 * its own.
 */
public final class ClassifyNsfw extends PTransform<PCollection<Sample>, StageResult<Sample>> {

  private final EmbedSettings classifier;
  private final List<String> unsafeClasses;
  private final double threshold;
  private final boolean isEmbeddingModel;

  private ClassifyNsfw(
      EmbedSettings classifier, List<String> unsafe, double threshold, boolean isEmbeddingModel) {
    this.classifier = classifier;
    this.unsafeClasses = unsafe;
    this.threshold = threshold;
    this.isEmbeddingModel = isEmbeddingModel;
  }

  /**
   * @param embed the run's embedding settings, or null when embedding is off
   * @param embedModel the embedding model as the embedding stage loaded it (null when off): not
   *     loaded and checksummed again here
   * @throws ModelException when the classifier cannot be loaded or names no unsafe classes
   */
  public static ClassifyNsfw with(
      FilterSettings filter, EmbedSettings embed, EmbeddingModel embedModel) {
    EmbedSettings base = embed != null ? embed : EmbedSettings.defaults();
    String model = filter.nsfwModel();
    EmbeddingModel loaded;
    // The embedding model, when it is the classifier, is not loaded and checksummed twice.
    boolean same;
    if (model.equals("auto")) {
      same = embedModel != null && hasUnsafeClasses(embedModel);
      loaded = same ? embedModel : EmbeddingModel.load(EmbeddingModel.DEFAULT);
    } else {
      same = embedModel != null && model.equals(embed.model());
      loaded = same ? embedModel : EmbeddingModel.load(model);
    }
    if (!hasUnsafeClasses(loaded)) {
      throw new ModelException(
          "the NSFW classifier "
              + loaded.location()
              + " names no unsafe "
              + "classes (classes_output and unsafe_classes in its descriptor)");
    }
    return new ClassifyNsfw(
        base.withModel(loaded.location()),
        loaded.descriptor().unsafeClasses(),
        filter.nsfwThreshold(),
        same);
  }

  private static boolean hasUnsafeClasses(EmbeddingModel model) {
    return model.descriptor().unsafeClasses() != null
        && !model.descriptor().unsafeClasses().isEmpty()
        && model.descriptor().classesOutput() != null;
  }

  public String model() {
    return classifier.model();
  }

  /** The classes whose probabilities are summed, as the classifier's descriptor names them. */
  public List<String> unsafeClasses() {
    return unsafeClasses;
  }

  @Override
  public StageResult<Sample> expand(PCollection<Sample> samples) {
    PCollectionList<Rejection> rejections = PCollectionList.empty(samples.getPipeline());
    StageResult<Sample> classified =
        samples.apply("RunClassifier", EmbedImages.with(classifier).timedAs("nsfw"));
    rejections = rejections.and(classified.rejections());
    // The scores are what this pass is for. When the classifier is also the embedding model,
    // its embedding is kept as well: BlurFaces drops it when it blurs a face and
    // FingerprintImages when the picture has borders to trim, and the embedding stage embeds
    // only the samples left without one. Otherwise it goes now.
    PCollection<Sample> scored =
        isEmbeddingModel
            ? classified.accepted()
            : classified
                .accepted()
                .apply(
                    "KeepScoresOnly",
                    MapElements.into(TypeDescriptor.of(Sample.class))
                        .via((Sample s) -> s.toBuilder().embedding(null).build()))
                .setCoder(samples.getCoder());
    StageResult<Sample> decided = scored.apply("DropNsfw", DropNsfw.with(unsafeClasses, threshold));
    rejections = rejections.and(decided.rejections());
    return StageResult.of(
        decided.accepted(), rejections.apply("NsfwRejections", Flatten.pCollections()));
  }
}
