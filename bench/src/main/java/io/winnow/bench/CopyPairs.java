package io.winnow.bench;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.Pdq;
import io.winnow.copydetect.UniformBorder;
import io.winnow.decode.DecodeSettings;
import io.winnow.decode.ImageProcessor;
import io.winnow.inference.EmbeddingModel;
import io.winnow.inference.ExecutionProvider;
import io.winnow.inference.OnnxEmbedder;
import io.winnow.inference.Preprocessor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * A labelled image set as the pipeline would store it (default decode to 256 px, border trimming,
 * fingerprint, the model's embedding of the trimmed picture), and the candidate pairs dedup would
 * verify: each image's {@code k} nearest by cosine at or above a floor, and every pair whose PDQ
 * hashes (any rotation or flip) are within {@link Pdq#MATCH_DISTANCE}. Used by {@link
 * VerifiedCopyCheck} and by the calibration dump ({@code main}).
 */
public final class CopyPairs {
  /** One image of a labelled set; {@code photo} is the ground truth (same photo: a copy). */
  public record Item(String file, String photo, String edit, String kind, String scene) {}

  /** An image as stored: its fingerprint, embedding and timing. */
  public record Stored(Item item, Fingerprint fingerprint, float[] embedding, long pixels) {}

  /** A candidate pair (i < j) with how it was found. */
  public record Candidate(
      int i, int j, float cosine, int pdqDistance, boolean byKnn, boolean byPdq) {}

  private CopyPairs() {}

  public static List<Item> readLabels(Path labels) throws IOException {
    List<String> lines = Files.readAllLines(labels);
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    int file = header.indexOf("file");
    int photo = header.indexOf("photo");
    int edit = header.indexOf("edit");
    int kind = header.indexOf("kind");
    int scene = header.indexOf("scene");
    List<Item> items = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = Csv.split(line);
      items.add(
          new Item(
              f[file],
              f[photo],
              f[edit],
              kind < 0 ? "photo" : f[kind],
              scene < 0 || scene >= f.length ? "" : f[scene]));
    }
    return items;
  }

  /** Decodes, fingerprints and embeds every item as the pipeline does. */
  public static List<Stored> store(Path folder, List<Item> items, EmbeddingModel model)
      throws Exception {
    DecodeSettings settings = DecodeSettings.defaults();
    ImageProcessor decode = new ImageProcessor(settings);
    Preprocessor preprocessor = new Preprocessor(model.descriptor());
    int size = preprocessor.tensorSize();
    Stored[] out = new Stored[items.size()];
    try (OnnxEmbedder embedder = new OnnxEmbedder(model, ExecutionProvider.CPU, 0)) {
      int batch = 16;
      for (int start = 0; start < items.size(); start += batch) {
        int n = Math.min(batch, items.size() - start);
        float[] tensor = new float[n * size];
        Fingerprint[] prints = new Fingerprint[n];
        long[] pixels = new long[n];
        final int from = start;
        IntStream.range(0, n)
            .parallel()
            .forEach(
                i -> {
                  try {
                    byte[] bytes = Files.readAllBytes(folder.resolve(items.get(from + i).file()));
                    ImageProcessor.Result decoded = decode.process(bytes);
                    ImageProcessor.Processed stored = decoded.image();
                    if (stored == null) {
                      // The pipeline would reject it (too small, say): it is not part of the set.
                      return;
                    }
                    io.winnow.schemas.ContentBox box = stored.content();
                    UniformBorder.Box within =
                        box == null
                            ? null
                            : new UniformBorder.Box(box.x(), box.y(), box.width(), box.height());
                    Fingerprint print = Fingerprint.ofEncoded(stored.jpeg(), within);
                    UniformBorder.Box c = print.content();
                    preprocessor.fill(
                        stored.jpeg(),
                        new Rect(c.x(), c.y(), c.width(), c.height()),
                        tensor,
                        i * size);
                    prints[i] = print;
                    pixels[i] = (long) stored.originalWidth() * stored.originalHeight();
                  } catch (Exception e) {
                    throw new IllegalStateException(items.get(from + i).file() + ": " + e, e);
                  }
                });
        List<OnnxEmbedder.Output> embedded = embedder.run(tensor, n);
        for (int i = 0; i < n; i++) {
          out[start + i] =
              prints[i] == null
                  ? null
                  : new Stored(
                      items.get(start + i), prints[i], embedded.get(i).embedding(), pixels[i]);
        }
      }
    }
    List<Stored> kept = new ArrayList<>();
    for (Stored s : out) {
      if (s != null) {
        kept.add(s);
      }
    }
    if (kept.size() < out.length) {
      System.err.printf(
          Locale.ROOT,
          "%d of %d images would be rejected by decode (too small "
              + "after the edit, say) and are left out%n",
          out.length - kept.size(),
          out.length);
    }
    return kept;
  }

  /** The candidates dedup would verify. */
  public static List<Candidate> candidates(List<Stored> stored, int k, double floor) {
    int n = stored.size();
    boolean[][] knn = new boolean[n][];
    float[][] cosine = new float[n][n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              for (int j = 0; j < n; j++) {
                cosine[i][j] = dot(stored.get(i).embedding(), stored.get(j).embedding());
              }
            });
    for (int i = 0; i < n; i++) {
      Integer[] order = new Integer[n];
      for (int j = 0; j < n; j++) {
        order[j] = j;
      }
      final int q = i;
      Arrays.sort(order, (x, y) -> Float.compare(cosine[q][y], cosine[q][x]));
      knn[i] = new boolean[n];
      int taken = 0;
      for (int r = 0; r < n && taken < k; r++) {
        int j = order[r];
        if (j == i) {
          continue;
        }
        taken++;
        if (cosine[i][j] >= floor) {
          knn[i][j] = true;
        }
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Fingerprint a = stored.get(i).fingerprint();
      for (int j = i + 1; j < n; j++) {
        Fingerprint b = stored.get(j).fingerprint();
        boolean usable = a.pdqQuality() >= Pdq.MIN_QUALITY && b.pdqQuality() >= Pdq.MIN_QUALITY;
        int d = usable ? Pdq.minDihedralDistance(a.pdq().original(), b.pdq()) : -1;
        boolean byPdq = usable && d <= Pdq.MATCH_DISTANCE;
        boolean byKnn = knn[i][j] || knn[j][i];
        if (byKnn || byPdq) {
          out.add(new Candidate(i, j, cosine[i][j], d, byKnn, byPdq));
        }
      }
    }
    return out;
  }

  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * Dumps every candidate pair with its verification figures as TSV, for calibration: {@code
   * CopyPairs LABELS.csv MODEL OUT.tsv [K] [FLOOR]}.
   */
  public static void main(String[] args) throws Exception {
    Path labels = Path.of(args[0]);
    EmbeddingModel model = EmbeddingModel.load(args[1]);
    int k = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    double floor = args.length > 4 ? Double.parseDouble(args[4]) : 0.5;
    List<Item> items = readLabels(labels);
    long t0 = System.nanoTime();
    List<Stored> stored = store(labels.getParent(), items, model);
    long t1 = System.nanoTime();
    List<Candidate> candidates = candidates(stored, k, floor);
    CopyVerifier verifier = CopyVerifier.with(CopyVerifier.Settings.defaults());
    CopyVerifier.Verdict[] verdicts = new CopyVerifier.Verdict[candidates.size()];
    long t2 = System.nanoTime();
    IntStream.range(0, candidates.size())
        .parallel()
        .forEach(
            c -> {
              Candidate p = candidates.get(c);
              verdicts[c] =
                  verifier.verify(
                      stored.get(p.i()).fingerprint(),
                      stored.get(p.j()).fingerprint(),
                      p.cosine(),
                      31L * p.i() + p.j());
            });
    long t3 = System.nanoTime();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])))) {
      out.println(
          "i\tj\tphoto_i\tphoto_j\tedit_i\tedit_j\tkind_i\tkind_j\tscene_i\tscene_j\t"
              + "copy\tcosine\tpdq\tby_knn\tby_pdq\tinliers\tmatches\tmirrored\tcoverage\tagreement\t"
              + "correlation\tpixel_share\tspread\tevidence\tverified\tkp_i\tkp_j\tq_i\tq_j");
      for (int c = 0; c < candidates.size(); c++) {
        Candidate p = candidates.get(c);
        Stored a = stored.get(p.i());
        Stored b = stored.get(p.j());
        CopyVerifier.Verdict v = verdicts[c];
        out.println(
            String.join(
                "\t",
                String.valueOf(p.i()),
                String.valueOf(p.j()),
                a.item().photo(),
                b.item().photo(),
                a.item().edit(),
                b.item().edit(),
                a.item().kind(),
                b.item().kind(),
                a.item().scene(),
                b.item().scene(),
                String.valueOf(a.item().photo().equals(b.item().photo())),
                String.format(Locale.ROOT, "%.4f", p.cosine()),
                String.valueOf(p.pdqDistance()),
                String.valueOf(p.byKnn()),
                String.valueOf(p.byPdq()),
                String.valueOf(v.inliers()),
                String.valueOf(v.matches()),
                String.valueOf(v.mirrored()),
                String.format(Locale.ROOT, "%.3f", v.coverage()),
                String.format(Locale.ROOT, "%.3f", v.agreement()),
                String.format(Locale.ROOT, "%.3f", v.correlation()),
                String.format(Locale.ROOT, "%.3f", v.pixelShare()),
                String.format(Locale.ROOT, "%.3f", v.spread()),
                v.evidence().name(),
                String.valueOf(v.copy()),
                String.valueOf(a.fingerprint().features().count()),
                String.valueOf(b.fingerprint().features().count()),
                String.valueOf(a.fingerprint().pdqQuality()),
                String.valueOf(b.fingerprint().pdqQuality())));
      }
    }
    // Ground-truth copy pairs, to measure candidate recall.
    long copyPairs = 0;
    for (int i = 0; i < items.size(); i++) {
      for (int j = i + 1; j < items.size(); j++) {
        if (items.get(i).photo().equals(items.get(j).photo())) {
          copyPairs++;
        }
      }
    }
    System.err.printf(
        Locale.ROOT,
        "%d images, %d candidates, %d copy pairs; store %.1f ms/img, " + "verify %.2f ms/pair%n",
        items.size(),
        candidates.size(),
        copyPairs,
        (t1 - t0) / 1e6 / items.size(),
        (t3 - t2) / 1e6 / Math.max(1, candidates.size()) * 2);
  }

  /** The few CSV rules the labels need: commas inside double quotes. */
  static final class Csv {
    static String[] split(String line) {
      List<String> fields = new ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '"') {
          if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else {
            quoted = !quoted;
          }
        } else if (c == ',' && !quoted) {
          fields.add(f.toString());
          f.setLength(0);
        } else {
          f.append(c);
        }
      }
      fields.add(f.toString());
      return fields.toArray(new String[0]);
    }
  }
}
