package io.winnow.bench;

import io.winnow.dedup.DropNearDuplicates;
import io.winnow.pipeline.RunWinnow;
import io.winnow.pipeline.embed.EmbeddingModel;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Precision and recall of {@link DropNearDuplicates} at each model's default threshold on the
 * synthetic copy set ({@link SyntheticCopies}: 14 photos × 13 versions). A removal is right when
 * the kept representative it names comes from the same photo; recall is the share of the 168
 * redundant copies removed (a perfect run keeps one image per photo).
 *
 * <pre>DedupQualityCheck MODEL...</pre>
 */
public final class DedupQualityCheck {
  private static final Map<String, String> REMOVED = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    List<SyntheticCopies.Image> images = SyntheticCopies.generate(42);
    System.out.println("| model | threshold | images | removed | right | precision | recall | kept |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String location : args) {
      EmbeddingModel model = EmbeddingModel.load(location);
      float[][] vectors = CopyDetectionCheck.embed(model, images);
      List<Sample> samples = new ArrayList<>();
      Map<String, String> photoOf = new java.util.HashMap<>();
      for (int i = 0; i < images.size(); i++) {
        SyntheticCopies.Image image = images.get(i);
        String key = String.format(Locale.ROOT, "%04d-%s-%s", i, image.photo(), image.edit());
        photoOf.put(key, image.photo());
        samples.add(Sample.builder(key, "synthetic:" + key).sha256(sha256(image.jpeg()))
            .originalSize(256, 256).storedSize(256, 256).image(image.jpeg())
            .embedding(vectors[i]).build());
      }
      double threshold = model.descriptor().duplicateThreshold();
      REMOVED.clear();
      Pipeline p = Pipeline.create(RunWinnow.options("direct", 2));
      PCollectionTuple out = p.apply(Create.of(samples).withCoder(new Sample.Coder()))
          .apply(DropNearDuplicates.with(model.descriptor().dimension(), threshold)
              .withExactSearch(true));
      out.get(DropNearDuplicates.REJECTIONS).apply(ParDo.of(new DoFn<Rejection, Void>() {
        @ProcessElement
        public void process(@Element Rejection r) {
          // "near-duplicate of KEY (...)" or "same bytes (sha256 ...) as KEY (...)"
          String detail = r.detail();
          String representative = detail.startsWith("near-duplicate of ")
              ? detail.substring(18, detail.indexOf(' ', 18))
              : detail.substring(detail.indexOf(" as ") + 4, detail.indexOf(" (", detail.indexOf(" as ")));
          REMOVED.put(r.key(), representative);
        }
      }));
      p.run().waitUntilFinish();
      long right = REMOVED.entrySet().stream()
          .filter(e -> photoOf.get(e.getKey()).equals(photoOf.get(e.getValue()))).count();
      int redundant = images.size() - SyntheticCopies.PHOTOS.size();
      System.out.printf(Locale.ROOT, "| %s | %.4f | %d | %d | %d | %.3f | %.3f | %d |%n",
          model.descriptor().name(), threshold, images.size(), REMOVED.size(), right,
          REMOVED.isEmpty() ? 1.0 : (double) right / REMOVED.size(), (double) right / redundant,
          images.size() - REMOVED.size());
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
