package io.winnow.dataset;

import io.winnow.export.NpyFiles;
import io.winnow.export.ShardFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A dataset's persisted k-NN index: an inverted-file (IVF) layout of the accepted samples'
 * embeddings that refreshes search without reading or shuffling the whole dataset.
 *
 * <pre>
 * DIR/index/g000001/centroids.npy                 C x D spherical k-means centroids (FAISS)
 * DIR/index/g000001/lists/p000017/v000002-b00000.npy   vectors of partition 17 added by v2
 * DIR/index/g000001/lists/p000017/v000002-b00000.keys  their keys, one per line, same order
 * </pre>
 *
 * A generation is trained once (named by the version that built it) and then updated per version:
 * each refresh appends one list file per partition it adds to, named by its version; a takedown
 * writes {@code vNNNNNN-t-OLDNAME} without the removed keys, which supersedes {@code OLDNAME}.
 * Readers take the files of committed versions only and skip superseded ones, so an uncommitted
 * writer changes nothing. When the dataset outgrows its partitions a refresh trains a new
 * generation from all shards.
 */
public final class DatasetIndex {
  /**
   * About how many vectors a partition is meant to hold when trained (2,000; the system property
   * {@code winnow.index.partition} changes it, for tests of small datasets).
   */
  public static int targetPartition() {
    return Integer.getInteger("winnow.index.partition", 2_000);
  }

  /** A generation is rebuilt once partitions hold this many times the target on average. */
  public static final int REBUILD_FACTOR = 16;

  /**
   * Whether {@code samples} have outgrown {@code partitions}: more than {@link #REBUILD_FACTOR}
   * times the target per partition (or the system property {@code winnow.index.rebuild-above}, a
   * sample count, for tests).
   */
  public static boolean outgrown(long samples, int partitions) {
    Long above = Long.getLong("winnow.index.rebuild-above");
    return samples
        > (above != null ? above : (long) REBUILD_FACTOR * partitions * targetPartition());
  }

  private DatasetIndex() {}

  public static Path generation(Path datasetRoot, int generation) {
    return datasetRoot.resolve("index").resolve(String.format(Locale.ROOT, "g%06d", generation));
  }

  public static Path centroids(Path generationDir) {
    return generationDir.resolve("centroids.npy");
  }

  public static Path lists(Path generationDir) {
    return generationDir.resolve("lists");
  }

  public static String partitionDir(int partition) {
    return String.format(Locale.ROOT, "p%06d", partition);
  }

  /** The version a list file was written by (its name starts vNNNNNN-). */
  static int versionOf(String fileName) {
    return Integer.parseInt(fileName.substring(1, 7));
  }

  /**
   * The live list files (their paths without extension) of one partition folder: written by
   * versions up to {@code maxVersion}, and not superseded by a takedown of such a version.
   */
  public static List<Path> liveLists(Path partitionDir, int maxVersion) throws IOException {
    if (!Files.isDirectory(partitionDir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(partitionDir)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".npy") && n.matches("v\\d{6}-.*"))
          .map(n -> n.substring(0, n.length() - 4))
          .filter(n -> versionOf(n) <= maxVersion)
          .forEach(names::add);
    }
    Set<String> superseded = new HashSet<>();
    for (String name : names) {
      if (name.matches("v\\d{6}-t-.*")) {
        superseded.add(name.substring(10));
      }
    }
    List<Path> live = new ArrayList<>();
    names.stream()
        .sorted()
        .filter(n -> !superseded.contains(n))
        .forEach(n -> live.add(partitionDir.resolve(n)));
    return live;
  }

  /** A list file's keys and vectors. */
  public record ListFile(List<String> keys, NpyFiles.Array vectors) {}

  public static ListFile read(Path base) throws IOException {
    NpyFiles.Array vectors;
    try (InputStream in = Files.newInputStream(Path.of(base + ".npy"))) {
      vectors = NpyFiles.read(in);
    }
    List<String> keys = Files.readAllLines(Path.of(base + ".keys"), StandardCharsets.UTF_8);
    if (keys.size() != vectors.shape()[0]) {
      throw new IOException(
          base + ": " + keys.size() + " keys but " + vectors.shape()[0] + " vectors");
    }
    return new ListFile(keys, vectors);
  }

  /** Writes a list file (vectors first, keys last: a list is visible once its keys are). */
  public static void write(Path base, List<String> keys, List<float[]> vectors, int dimension)
      throws IOException {
    Files.createDirectories(base.getParent());
    Path npy = Path.of(base + ".npy");
    Path npyTemp = ShardFiles.temporary(npy);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(npyTemp), 1 << 20)) {
      NpyFiles.header(out, vectors.size(), dimension);
      for (float[] v : vectors) {
        NpyFiles.row(out, v);
      }
    }
    Path keysFile = Path.of(base + ".keys");
    Path keysTemp = ShardFiles.temporary(keysFile);
    Files.writeString(
        keysTemp, keys.isEmpty() ? "" : String.join("\n", keys) + "\n", StandardCharsets.UTF_8);
    ShardFiles.publish(npyTemp, npy);
    ShardFiles.publish(keysTemp, keysFile);
  }

  public static float[] readCentroids(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return NpyFiles.read(in).values();
    }
  }

  public static void writeCentroids(Path file, float[] centroids, int dimension)
      throws IOException {
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < centroids.length / dimension; i++) {
      rows.add(java.util.Arrays.copyOfRange(centroids, i * dimension, (i + 1) * dimension));
    }
    Files.createDirectories(file.getParent());
    Path temp = ShardFiles.temporary(file);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp))) {
      NpyFiles.header(out, rows.size(), dimension);
      for (float[] row : rows) {
        NpyFiles.row(out, row);
      }
    }
    ShardFiles.publish(temp, file);
  }

  /** A centroids file, read once by the pipeline, as a side input. */
  static org.apache.beam.sdk.values.PCollectionView<float[]> centroidsView(
      org.apache.beam.sdk.Pipeline pipeline, String file) {
    return pipeline
        .apply(
            "CentroidsFile",
            org.apache.beam.sdk.transforms.Create.of(file)
                .withCoder(org.apache.beam.sdk.coders.StringUtf8Coder.of()))
        .apply("ReadCentroids", org.apache.beam.sdk.transforms.ParDo.of(new ReadCentroidsFn()))
        .setCoder(new io.winnow.knn.KeyedVector.FloatArrayCoder())
        .apply("CentroidsView", org.apache.beam.sdk.transforms.View.asSingleton());
  }

  static final class ReadCentroidsFn extends org.apache.beam.sdk.transforms.DoFn<String, float[]> {
    @ProcessElement
    public void process(@Element String file, OutputReceiver<float[]> out) throws IOException {
      out.output(readCentroids(Path.of(file)));
    }
  }

  /** The partitions a generation's centroids define (1 without centroids). */
  public static int partitions(Path generationDir, int dimension) throws IOException {
    Path file = centroids(generationDir);
    if (!Files.exists(file)) {
      return 1;
    }
    return Math.max(1, readCentroids(file).length / dimension);
  }
}
