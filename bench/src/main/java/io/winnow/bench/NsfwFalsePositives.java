package io.winnow.bench;

import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ImageProcessor;
import io.winnow.inference.EmbeddingModel;
import io.winnow.inference.ExecutionProvider;
import io.winnow.inference.OnnxEmbedder;
import io.winnow.inference.Preprocessor;
import io.winnow.schemas.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * False positives of the NSFW classifier on a safe-photo dev set (bench/safe-photos/: real photos
 * from Debian and npm packages, none of them NSFW), overall and on its photos of people, for
 * several choices of unsafe classes and thresholds. Images are decoded and stored as the pipeline
 * stores them and classified as ClassifyNsfw does, before any face is blurred.
 *
 * <pre>NsfwFalsePositives DEVSET_DIR   (with people/ and other/ inside)</pre>
 */
public final class NsfwFalsePositives {
  private static final double[] THRESHOLDS = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98};

  record Scored(String subset, String name, float[] p) {}

  /** A way to turn the class probabilities into one unsafe score. */
  record Rule(String name, ToDoubleFunction<float[]> score) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "bench/target/safe-devset");
    DecodeSettings decode = DecodeSettings.defaults();
    ImageProcessor processor = new ImageProcessor(decode);
    EmbeddingModel model = EmbeddingModel.load(EmbeddingModel.DEFAULT);
    List<String> classes = model.descriptor().classes();
    int hentai = classes.indexOf("Hentai");
    int porn = classes.indexOf("Porn");
    int sexy = classes.indexOf("Sexy");
    Preprocessor preprocessor = new Preprocessor(model.descriptor());
    List<Scored> scored = new ArrayList<>();
    int undecodable = 0;
    try (OnnxEmbedder classifier = new OnnxEmbedder(model, ExecutionProvider.CPU, 2)) {
      for (String subset : List.of("people", "other")) {
        List<Path> files;
        try (var list = Files.list(root.resolve(subset))) {
          files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
          ImageProcessor.Result r = processor.process(Files.readAllBytes(file));
          if (r.image() == null) {
            undecodable++;
            System.out.println("skipped (" + r.reason().wireName() + "): " + file);
            continue;
          }
          ImageProcessor.Processed p = r.image();
          Sample stored = p.storeOn(Sample.builder("k", "file:" + file)).build();
          float[] tensor = new float[preprocessor.tensorSize()];
          preprocessor.fill(stored, tensor, 0);
          float[] probabilities = classifier.run(tensor, 1).get(0).classes();
          scored.add(new Scored(subset, file.getFileName().toString(), probabilities));
        }
      }
    }
    List<Rule> rules =
        List.of(
            new Rule("Hentai+Porn+Sexy", p -> p[hentai] + p[porn] + p[sexy]),
            new Rule("Hentai+Porn", p -> p[hentai] + p[porn]),
            new Rule("Porn", p -> p[porn]),
            new Rule(
                "max(Hentai+Porn, Sexy-0.2)", p -> Math.max(p[hentai] + p[porn], p[sexy] - 0.2)));
    long people = scored.stream().filter(s -> s.subset().equals("people")).count();
    long all = scored.size();
    System.out.printf(
        Locale.ROOT,
        "safe dev set %s: %d photos (%d of people, %d other), %d not " + "decodable%n%n",
        root,
        all,
        people,
        all - people,
        undecodable);
    System.out.println("false positives (dropped / photos), overall | people");
    StringBuilder header =
        new StringBuilder(String.format(Locale.ROOT, "%-28s", "rule \\ threshold"));
    for (double t : THRESHOLDS) {
      header.append(String.format(Locale.ROOT, " %13.2f", t));
    }
    System.out.println(header);
    for (Rule rule : rules) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", rule.name()));
      for (double t : THRESHOLDS) {
        long fpAll = scored.stream().filter(s -> rule.score().applyAsDouble(s.p()) >= t).count();
        long fpPeople =
            scored.stream()
                .filter(s -> s.subset().equals("people"))
                .filter(s -> rule.score().applyAsDouble(s.p()) >= t)
                .count();
        line.append(
            String.format(
                Locale.ROOT,
                " %5.1f%%|%5.1f%%",
                100.0 * fpAll / all,
                100.0 * fpPeople / Math.max(1, people)));
      }
      System.out.println(line);
    }
    System.out.println();
    System.out.println("highest Hentai+Porn+Sexy (subset name: " + classes + ")");
    scored.stream()
        .sorted(
            Comparator.comparingDouble((Scored s) -> -(s.p()[hentai] + s.p()[porn] + s.p()[sexy])))
        .limit(15)
        .forEach(
            s -> {
              StringBuilder b =
                  new StringBuilder(
                      String.format(Locale.ROOT, "  %-7s %-48s", s.subset(), s.name()));
              for (float v : s.p()) {
                b.append(String.format(Locale.ROOT, " %.3f", v));
              }
              System.out.println(b);
            });
  }
}
