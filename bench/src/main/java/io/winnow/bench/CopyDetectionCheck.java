package io.winnow.bench;

import io.winnow.pipeline.decode.DecodeSettings;
import io.winnow.pipeline.decode.ImageProcessor;
import io.winnow.pipeline.embed.EmbeddingModel;
import io.winnow.pipeline.embed.ExecutionProvider;
import io.winnow.pipeline.embed.OnnxEmbedder;
import io.winnow.pipeline.embed.Preprocessor;
import io.winnow.schemas.Json;
import io.winnow.schemas.ModelDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well a model tells copies from different images, on {@link SyntheticCopies}: every pair of
 * the set is scored by cosine similarity of the embeddings the pipeline would compute (default
 * decode to 256 px, then the model's preprocessing). Reports ROC AUC, the lowest cosine threshold
 * whose pairs at or above it are at least 95 % true copies (the duplicate threshold) and the one
 * at 80 % (the eval threshold: decontamination should rather remove too much), with the recall at
 * each, and per edit the share of copies found at the duplicate threshold.
 *
 * <pre>
 * CopyDetectionCheck [--write-thresholds] [--report FILE.md] MODEL_JSON_OR_DIR...
 * </pre>
 * With {@code --write-thresholds} each model.json gets the measured thresholds (the model file,
 * and so its checksum, is unchanged).
 */
public final class CopyDetectionCheck {
  static final double DUPLICATE_PRECISION = 0.95;
  static final double EVAL_PRECISION = 0.80;

  record Pair(float similarity, boolean copy, String edit) {}

  record Operating(double threshold, double precision, double recall) {}

  record Result(String model, int images, int copies, int others, double auc,
      Operating duplicate, Operating eval, Map<String, Double> recallByEdit) {}

  public static void main(String[] args) throws Exception {
    boolean write = false;
    Path report = null;
    List<String> models = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--write-thresholds" -> write = true;
        case "--report" -> report = Path.of(args[++i]);
        default -> models.add(args[i]);
      }
    }
    if (models.isEmpty()) {
      System.err.println("usage: CopyDetectionCheck [--write-thresholds] [--report FILE.md] MODEL...");
      System.exit(2);
    }
    List<SyntheticCopies.Image> images = SyntheticCopies.generate(42);
    List<Result> results = new ArrayList<>();
    for (String location : models) {
      Result r = measure(EmbeddingModel.load(location), images);
      results.add(r);
      if (write) {
        writeThresholds(location, r);
      }
    }
    String markdown = markdown(results);
    System.out.print(markdown);
    if (report != null) {
      Files.writeString(report, markdown);
    }
  }

  static Result measure(EmbeddingModel model, List<SyntheticCopies.Image> images) throws Exception {
    float[][] vectors = embed(model, images);
    return score(model, images, vectors);
  }

  /** Embeddings as the pipeline computes them: default decode to 256 px, then the model. */
  static float[][] embed(EmbeddingModel model, List<SyntheticCopies.Image> images)
      throws Exception {
    ImageProcessor decode = new ImageProcessor(DecodeSettings.defaults());
    Preprocessor preprocessor = new Preprocessor(model.descriptor());
    int size = preprocessor.tensorSize();
    float[][] vectors = new float[images.size()][];
    try (OnnxEmbedder embedder = new OnnxEmbedder(model, ExecutionProvider.CPU, 0)) {
      int batch = 16;
      for (int start = 0; start < images.size(); start += batch) {
        int n = Math.min(batch, images.size() - start);
        float[] pixels = new float[n * size];
        for (int i = 0; i < n; i++) {
          ImageProcessor.Processed stored = decode.process(images.get(start + i).jpeg()).image();
          preprocessor.fill(stored.jpeg(), Preprocessor.pictureBox(DecodeSettings.defaults(),
              stored.originalWidth(), stored.originalHeight(), stored.width(), stored.height()),
              pixels, i * size);
        }
        List<OnnxEmbedder.Output> out = embedder.run(pixels, n);
        for (int i = 0; i < n; i++) {
          vectors[start + i] = out.get(i).embedding();
        }
      }
    }
    return vectors;
  }

  private static Result score(EmbeddingModel model, List<SyntheticCopies.Image> images,
      float[][] vectors) {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      for (int j = i + 1; j < images.size(); j++) {
        SyntheticCopies.Image a = images.get(i);
        SyntheticCopies.Image b = images.get(j);
        boolean copy = a.photo().equals(b.photo());
        // Per-edit recall counts the pairs of an original with its edited copy.
        String edit = copy && a.edit().equals("original") ? b.edit() : null;
        pairs.add(new Pair(dot(vectors[i], vectors[j]), copy, edit));
      }
    }
    pairs.sort((x, y) -> Float.compare(y.similarity(), x.similarity()));
    int copies = (int) pairs.stream().filter(Pair::copy).count();
    Operating duplicate = operatingPoint(pairs, copies, DUPLICATE_PRECISION);
    Operating eval = operatingPoint(pairs, copies, EVAL_PRECISION);
    Map<String, Double> byEdit = new LinkedHashMap<>();
    for (String edit : SyntheticCopies.EDITS.subList(1, SyntheticCopies.EDITS.size())) {
      long total = pairs.stream().filter(p -> edit.equals(p.edit())).count();
      long found = pairs.stream().filter(p -> edit.equals(p.edit())
          && p.similarity() >= duplicate.threshold()).count();
      byEdit.put(edit, total == 0 ? 0 : (double) found / total);
    }
    return new Result(model.descriptor().name(), images.size(), copies, pairs.size() - copies,
        auc(pairs, copies), duplicate, eval, byEdit);
  }

  /**
   * The lowest threshold at which the pairs scoring at or above it are at least
   * {@code precision} copies: the most recall for that precision. Ties move together.
   */
  static Operating operatingPoint(List<Pair> sortedDescending, int copies, double precision) {
    Operating best = new Operating(1.0, 1.0, 0.0);
    int truePairs = 0;
    for (int i = 0; i < sortedDescending.size(); i++) {
      if (sortedDescending.get(i).copy()) {
        truePairs++;
      }
      boolean lastOfTie = i + 1 == sortedDescending.size()
          || sortedDescending.get(i + 1).similarity() != sortedDescending.get(i).similarity();
      if (!lastOfTie) {
        continue;
      }
      double p = (double) truePairs / (i + 1);
      if (p >= precision) {
        best = new Operating(sortedDescending.get(i).similarity(), p,
            copies == 0 ? 0 : (double) truePairs / copies);
      }
    }
    return best;
  }

  /** Area under the ROC curve: the chance a copy pair outscores a non-copy pair (ties: half). */
  static double auc(List<Pair> sortedDescending, int copies) {
    long others = sortedDescending.size() - copies;
    if (copies == 0 || others == 0) {
      return Double.NaN;
    }
    double wins = 0;
    long othersBelow = others;
    int i = 0;
    while (i < sortedDescending.size()) {
      int j = i;
      int tieCopies = 0;
      int tieOthers = 0;
      while (j < sortedDescending.size()
          && sortedDescending.get(j).similarity() == sortedDescending.get(i).similarity()) {
        if (sortedDescending.get(j).copy()) {
          tieCopies++;
        } else {
          tieOthers++;
        }
        j++;
      }
      othersBelow -= tieOthers;
      wins += tieCopies * (othersBelow + tieOthers / 2.0);
      i = j;
    }
    return wins / ((double) copies * others);
  }

  private static void writeThresholds(String location, Result r) throws Exception {
    Path path = Path.of(location);
    Path json = Files.isDirectory(path) ? path.resolve("model.json") : path;
    ModelDescriptor d = Json.mapper().readValue(json.toFile(), ModelDescriptor.class);
    String source = String.format(Locale.ROOT, "measured %s by bench/copy-detection.sh: "
        + "duplicate = %.0f%% precision (recall %.2f), eval = %.0f%% precision (recall %.2f), "
        + "ROC AUC %.3f", LocalDate.now(), DUPLICATE_PRECISION * 100, r.duplicate().recall(),
        EVAL_PRECISION * 100, r.eval().recall(), r.auc());
    ModelDescriptor updated = d.withThresholds(round(r.duplicate().threshold()),
        round(r.eval().threshold()), source);
    Files.writeString(json, Json.writePretty(updated) + "\n");
  }

  private static double round(double t) {
    return Math.floor(t * 10000) / 10000.0; // down: the threshold keeps every pair it measured
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static String markdown(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append("| model | images | copy pairs | other pairs | ROC AUC | duplicate threshold "
        + "(P ≥ 0.95) | recall | eval threshold (P ≥ 0.80) | recall |\n");
    out.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.3f | %.4f | %.2f | %.4f | %.2f |%n",
          r.model(), r.images(), r.copies(), r.others(), r.auc(), r.duplicate().threshold(),
          r.duplicate().recall(), r.eval().threshold(), r.eval().recall()));
    }
    out.append("\nShare of (original, edited copy) pairs found at the duplicate threshold:\n\n");
    out.append("| edit |");
    results.forEach(r -> out.append(' ').append(r.model()).append(" |"));
    out.append("\n|---|");
    results.forEach(r -> out.append("---|"));
    out.append('\n');
    for (String edit : results.get(0).recallByEdit().keySet()) {
      out.append("| ").append(edit).append(" |");
      for (Result r : results) {
        out.append(String.format(Locale.ROOT, " %.2f |", r.recallByEdit().get(edit)));
      }
      out.append('\n');
    }
    return out.toString();
  }

}
