package io.winnow.bench;

import io.winnow.faiss.Faiss;
import io.winnow.faiss.Metric;
import io.winnow.faiss.VectorIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Builds each index type once on fixed data, writes it, then times k-NN search through Winnow's
 * binding (zero-copy direct buffers), best of three runs. bench/faiss_bench.py then reads the same
 * index files and data and times python3-faiss on them, in the same script run, and compares
 * results. Usage: {@code FaissBench [--search-only] DIR [n] [queries] [d] [threads] [only]};
 * defaults 200000 10000 384 2, all index types. Without {@code --search-only} it builds and writes
 * the indexes; with it, in a fresh JVM, it times searches on them.
 */
public final class FaissBench {
  /** Index types measured, with their search parameter. */
  static final String[][] INDEXES = {
    {"Flat", ""},
    {"HNSW32", "efSearch=64"},
    {"IVF1024,Flat", "nprobe=16"},
    {"IVF1024,PQ32np", "nprobe=16"}
  };

  public static void main(String[] args) throws IOException {
    boolean searchOnly = args[0].equals("--search-only");
    if (searchOnly) {
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int nq = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int d = args.length > 3 ? Integer.parseInt(args[3]) : 384;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int k = 10;
    String only = args.length > 5 ? args[5] : null; // e.g. "HNSW32;IVF1024,PQ32np"
    Files.createDirectories(dir);
    Faiss.setThreads(threads);

    float[] base = searchOnly ? null : clustered(n, d, 11);
    float[] queries = clustered(nq, d, 12);
    FloatBuffer queryBuffer = direct(queries);
    if (!searchOnly) {
      writeFloats(dir.resolve("base.f32"), base);
      writeFloats(dir.resolve("queries.f32"), queries);
      buildAll(dir, base, d, only);
      // Searches run in a fresh JVM (--search-only), as python3-faiss's do in a fresh
      // interpreter: the builds' memory churn would otherwise weigh on Java's timings only.
      return;
    }
    double[] buildSeconds = readBuildSeconds(dir);

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < INDEXES.length; i++) {
      String name = INDEXES[i][0];
      if (skip(only, name)) {
        continue;
      }
      String file = fileName(name);
      try (VectorIndex index = VectorIndex.read(dir.resolve(file))) {
        applyParameter(index, INDEXES[i][1]);
        FloatBuffer scores =
            ByteBuffer.allocateDirect(nq * k * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        LongBuffer labels =
            ByteBuffer.allocateDirect(nq * k * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
        int warm = Math.min(500, nq);
        index.search(queryBuffer.duplicate(), warm, k, scores, labels);
        double seconds = Double.MAX_VALUE;
        for (int run = 0; run < 3; run++) { // best of three, as on the Python side
          long start = System.nanoTime();
          index.search(queryBuffer.duplicate(), nq, k, scores, labels);
          seconds = Math.min(seconds, (System.nanoTime() - start) / 1e9);
        }
        writeLongs(dir.resolve(file + ".java-labels"), labels);
        String line =
            String.format(
                Locale.ROOT,
                "{\"index\":\"%s\",\"param\":\"%s\",\"file\":\"%s\",\"build_s\":%.1f,"
                    + "\"java_qps\":%.1f}",
                name,
                INDEXES[i][1],
                file,
                buildSeconds[i],
                nq / seconds);
        System.out.println(line);
        lines.add(line);
      }
    }
    Files.write(dir.resolve("java-results.jsonl"), lines);
  }

  static void buildAll(Path dir, float[] base, int d, String only) throws IOException {
    List<String> seconds = new ArrayList<>();
    for (String[] spec : INDEXES) {
      double elapsed = 0;
      if (!skip(only, spec[0])) {
        long start = System.nanoTime();
        try (VectorIndex index = VectorIndex.create(d, spec[0], Metric.INNER_PRODUCT)) {
          if (!index.isTrained()) {
            index.train(base);
          }
          index.add(base);
          index.write(dir.resolve(fileName(spec[0])));
        }
        elapsed = (System.nanoTime() - start) / 1e9;
      }
      seconds.add(Double.toString(elapsed));
    }
    Files.write(dir.resolve("build-seconds.txt"), seconds);
  }

  static double[] readBuildSeconds(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("build-seconds.txt")).stream()
        .mapToDouble(Double::parseDouble)
        .toArray();
  }

  static boolean skip(String only, String name) {
    return only != null && !java.util.Arrays.asList(only.split(";")).contains(name);
  }

  static String fileName(String factory) {
    return factory.replace(',', '_') + ".faiss";
  }

  static void applyParameter(VectorIndex index, String parameter) {
    if (parameter.startsWith("nprobe=")) {
      index.setNprobe(Integer.parseInt(parameter.substring(7)));
    } else if (parameter.startsWith("efSearch=")) {
      index.setEfSearch(Integer.parseInt(parameter.substring(9)));
    }
  }

  /** Unit vectors around 1000 random centres, like image embeddings, not uniform noise. */
  static float[] clustered(int n, int d, long seed) {
    SplittableRandom centresRandom = new SplittableRandom(7);
    float[][] centres = new float[1000][d];
    for (float[] centre : centres) {
      for (int j = 0; j < d; j++) {
        centre[j] = (float) gaussian(centresRandom);
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] out = new float[n * d];
    for (int i = 0; i < n; i++) {
      float[] centre = centres[random.nextInt(centres.length)];
      double norm = 0;
      for (int j = 0; j < d; j++) {
        float v = centre[j] + 0.6f * (float) gaussian(random);
        out[i * d + j] = v;
        norm += v * v;
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < d; j++) {
        out[i * d + j] *= scale;
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    double u = Math.max(1e-12, random.nextDouble());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  static FloatBuffer direct(float[] values) {
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(values).flip();
    return buffer;
  }

  static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    write(file, bytes);
  }

  static void writeLongs(Path file, LongBuffer values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.capacity() * 8).order(ByteOrder.LITTLE_ENDIAN);
    LongBuffer copy = values.duplicate();
    copy.clear();
    bytes.asLongBuffer().put(copy);
    write(file, bytes);
  }

  private static void write(Path file, ByteBuffer bytes) throws IOException {
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(bytes);
    }
  }
}
