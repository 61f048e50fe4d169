package io.winnow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.crawl.FetchSettings;
import io.winnow.dataset.Manifest;
import io.winnow.export.WebDatasetReader;
import io.winnow.knn.KeyedVector;
import io.winnow.pipeline.demo.SceneServer;
import io.winnow.pipeline.refresh.RefreshDataset;
import io.winnow.retrieval.BalancedSpec;
import io.winnow.retrieval.RetrieveFromSeeds;
import io.winnow.retrieval.SeedSetSpec;
import io.winnow.schemas.Digests;
import io.winnow.schemas.RunSummary;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every stage that groups images or vectors holds when one group is far larger than Flink's sort
 * buffer. Beam's Flink runner pre-combines a GroupByKey's values per key and bundle into one
 * record, and Flink's batch sort refuses a record larger than one sort buffer (18,448,384 bytes for
 * the export on the shipped cluster; a share of the managed memory). Here the embedded cluster runs
 * with 8 MiB of managed memory in 4 KiB pages. The control measures the limit that gives a job with
 * a single sort (about 4 MB); the pipeline's sorts share the same memory, so theirs are smaller
 * still (at 4 MiB the embedding's batcher reported 45,056 bytes). 1,100 small images pass the
 * control's limit in the groups that grow with the corpus: the export's one shard, the k-NN join's
 * one partition of vectors, a refresh's index partition, then the next refresh's queries of that
 * partition (the verified pairs and components run too, but are small here: the scenes are
 * distinct). Seed retrieval and balanced sampling, which group keys rather than images, run on
 * 300,000 generated vectors to pass it. Each run must equal the same run at the default memory,
 * sample for sample and vector for vector.
 */
class LargeGroupsTest {
  private static final String MANAGED_MEMORY = "8m";
  private static final String PAGE = "4kb";
  private static final Pattern LIMIT =
      Pattern.compile("exceeds the maximum size of a sort buffer \\(current maximum: (\\d+) bytes");

  /** The control's group: 1,024 values of 64 KiB under one key. */
  private static final int CONTROL_VALUES = 1024;

  /** Distinct 320x240 scenes: enough that their vectors alone pass the control's limit. */
  private static final int IMAGES = 1_100;

  private static final int COPIES = 20;

  @TempDir Path dir;

  /** The embedded cluster with little managed memory: small sort buffers. */
  private static FlinkPipelineOptions smallSortBuffers(Path confDir) throws IOException {
    FlinkPipelineOptions options = (FlinkPipelineOptions) RunWinnow.options("flink", 2);
    Files.createDirectories(confDir);
    Files.writeString(
        confDir.resolve("config.yaml"),
        "taskmanager.memory.managed.size: "
            + MANAGED_MEMORY
            + "\n"
            + "taskmanager.memory.segment-size: "
            + PAGE
            + "\n"
            + "execution.batch.adaptive.auto-parallelism.enabled: 'false'\n",
        StandardCharsets.UTF_8);
    options.setFlinkConfDir(confDir.toString());
    return options;
  }

  private static final class OneKey extends DoFn<Long, KV<String, byte[]>> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KV<String, byte[]>> out) {
      out.output(KV.of("one-key", new byte[64 * 1024]));
    }
  }

  private static final class Discard extends DoFn<KV<String, Iterable<byte[]>>, Void> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<byte[]>> group) {}
  }

  /**
   * The control: a plain GroupByKey of 64 MiB under one key fails on this cluster, and says how
   * large a record may be. Returns that limit.
   */
  private long sortBufferLimit() throws IOException {
    Pipeline p = Pipeline.create(smallSortBuffers(dir.resolve("control-conf")));
    p.apply(GenerateSequence.from(0).to(CONTROL_VALUES))
        .apply(ParDo.of(new OneKey()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
        .apply(GroupByKey.create())
        .apply(ParDo.of(new Discard()));
    Throwable failure = null;
    try {
      p.run().waitUntilFinish();
    } catch (RuntimeException e) {
      failure = e;
    }
    assertThat(failure).as("a plain group fails with small sort buffers").isNotNull();
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    Matcher limit = LIMIT.matcher(trace.toString());
    assertThat(limit.find()).as("fails for the sort buffer: %s", failure).isTrue();
    return Long.parseLong(limit.group(1));
  }

  @Test
  void aPlainGroupByKeyFailsThereButEveryStageGroupingImagesOrVectorsPasses() throws Exception {
    long limit = sortBufferLimit();
    System.out.println(
        "sort buffer limit with "
            + MANAGED_MEMORY
            + " managed memory, "
            + PAGE
            + " pages: "
            + limit
            + " bytes");
    try (SceneServer server = SceneServer.start(320, 240)) {
      Path urls = server.writeUrlList(dir.resolve("scenes.txt"), IMAGES);
      List<String> copies = new ArrayList<>();
      for (int i = 0; i < COPIES; i++) {
        copies.add("http://" + server.endpoint() + "/img/" + (3 * i) + ".jpg?copy=" + i);
      }
      Files.write(urls, copies, StandardOpenOption.APPEND);
      FetchSettings fetch =
          FetchSettings.defaults().withAllowedEndpoints(Set.of(server.endpoint()));
      // Four rounds of components, not sixteen: every sorting stage shares the managed memory, so
      // each unrolled round shrinks every other stage's sort buffer (at 8 MiB, sixteen rounds
      // left the embedding's batcher 49,152 bytes, less than one sample); the scenes are
      // distinct, so their components converge in one round.
      WinnowConfig small =
          WinnowConfig.of(List.of(urls.toString()), dir.resolve("small").toString())
              .withFetch(fetch)
              .withDedup(DedupSettings.defaults().withComponentRounds(4));
      WinnowConfig usual = small.withOutput(dir.resolve("usual").toString(), "shard");

      RunSummary smallRun =
          RunWinnow.run(small, smallSortBuffers(dir.resolve("conf")), null, false);
      RunSummary usualRun = RunWinnow.run(usual, RunWinnow.options("flink", 2), null, false);

      long shardBytes = Files.size(dir.resolve("small").resolve("shard-000000.tar"));
      long vectorBytes = Files.size(dir.resolve("small").resolve("shard-000000.npy"));
      System.out.println(
          "one shard of "
              + shardBytes
              + " bytes, its vectors "
              + vectorBytes
              + " bytes; rejected "
              + smallRun.rejectedByReason());
      assertThat(smallRun.balanced()).isTrue();
      assertThat(smallRun.accepted())
          .isEqualTo(usualRun.accepted())
          .isGreaterThan(IMAGES * 99L / 100);
      assertThat(smallRun.rejectedByReason()).isEqualTo(usualRun.rejectedByReason());
      assertThat(
              smallRun.rejectedByReason().values().stream()
                  .mapToLong(byReason -> byReason.getOrDefault("exact-duplicate", 0L))
                  .sum())
          .as("the byte copies")
          .isEqualTo(COPIES);
      assertThat(shardBytes).as("the export's one shard, past the limit").isGreaterThan(limit);
      assertThat(vectorBytes)
          .as("the vectors of the k-NN join's one partition, past the limit")
          .isGreaterThan(limit);
      assertThat(samples(dir.resolve("small")))
          .hasSize((int) smallRun.accepted())
          .isEqualTo(samples(dir.resolve("usual")));
      float[] smallVectors = npyFloats(dir.resolve("small").resolve("shard-000000.npy"));
      float[] usualVectors = npyFloats(dir.resolve("usual").resolve("shard-000000.npy"));
      assertThat(smallVectors).hasSameSizeAs(usualVectors);
      double largestDifference = 0;
      for (int i = 0; i < smallVectors.length; i++) {
        largestDifference =
            Math.max(largestDifference, Math.abs(smallVectors[i] - usualVectors[i]));
      }
      assertThat(largestDifference)
          .as(
              "the same vectors, row for row (up to float rounding: "
                  + "batches may form differently)")
          .isLessThan(1e-5);

      // A versioned dataset: its refresh indexes the vectors per partition, from the shards.
      Path dataset = dir.resolve("dataset");
      Manifest version =
          RefreshDataset.refresh(
              small,
              dataset,
              1,
              0,
              smallSortBuffers(dir.resolve("refresh-conf")),
              null,
              RefreshDataset.Checkpoint.NONE);
      assertThat(version.summary().accepted()).isEqualTo(smallRun.accepted());
      assertThat(samples(dataset.resolve("shards"))).isEqualTo(samples(dir.resolve("small")));

      // The next batch is the same pictures at new URLs: every one is searched for in the
      // dataset's index, the queries of its one partition past the limit, and found there.
      List<String> again = new ArrayList<>();
      for (int i = 0; i < IMAGES; i++) {
        again.add("http://" + server.endpoint() + "/img/" + i + ".jpg?again=1");
      }
      Path againUrls = Files.write(dir.resolve("again.txt"), again);
      Manifest next =
          RefreshDataset.refresh(
              WinnowConfig.of(List.of(againUrls.toString()), dir.resolve("again").toString())
                  .withFetch(fetch)
                  .withDedup(small.dedup()),
              dataset,
              1,
              0,
              smallSortBuffers(dir.resolve("refresh-again-conf")),
              null,
              RefreshDataset.Checkpoint.NONE);
      assertThat(next.summary().balanced()).isTrue();
      // Every picture the dataset holds is found again. The scenes the first run dropped as near
      // copies may come in: the dataset is searched by embedding alone, and such a pair can sit
      // at the threshold (one did, in one run of two).
      assertThat(next.summary().accepted())
          .as("nothing new but the first run's near copies: %s", next.summary().rejectedByReason())
          .isLessThanOrEqualTo(IMAGES - smallRun.accepted());
      assertThat(
              next.summary().rejectedByReason().values().stream()
                  .mapToLong(byReason -> byReason.getOrDefault("near-duplicate", 0L))
                  .sum())
          .as("found in the dataset's index")
          .isGreaterThanOrEqualTo(smallRun.accepted());
    }
  }

  /** Pool vectors: {@value #POOL} around {@value #CONCEPTS} directions, seeds near some. */
  private static final int POOL = 300_000;

  private static final int CONCEPTS = 8;
  private static final int DIMENSION = 16;

  private static float[] near(int concept, long salt) {
    Random random = new Random(salt);
    float[] v = new float[DIMENSION];
    v[concept] = 1;
    for (int j = 0; j < DIMENSION; j++) {
      v[j] += (float) (0.1 * random.nextGaussian());
    }
    return KeyedVector.normalise(v);
  }

  private static final class PoolSampleFn extends DoFn<Long, Sample> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Sample> out) {
      String key = String.format("%020x", i);
      out.output(
          Sample.builder(key, "http://pool/" + key)
              .image(new byte[] {1})
              .embedding(near((int) (i % CONCEPTS), i))
              .build());
    }
  }

  private static final class SeedFn extends DoFn<Long, KeyedVector> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KeyedVector> out) {
      // Ten seeds near each of the first five concepts.
      out.output(new KeyedVector("seed-" + i, near((int) (i / 10), -1 - i)));
    }
  }

  private static final class KeptFn extends DoFn<Sample, String> {
    @ProcessElement
    public void process(@Element Sample s, OutputReceiver<String> out) {
      List<String> sets = new ArrayList<>();
      s.seedMatch().forEach(m -> sets.add(m.seedSet()));
      out.output(s.key() + " " + sets);
    }
  }

  /** Kept keys with their sets, sorted, from a retrieval over the generated pool. */
  private List<String> retrieve(FlinkPipelineOptions options, Path out) throws IOException {
    Pipeline p = Pipeline.create(options);
    var seeds =
        p.apply("Seeds", GenerateSequence.from(0).to(50))
            .apply("SeedVectors", ParDo.of(new SeedFn()))
            .setCoder(new KeyedVector.Coder());
    var retrieval =
        RetrieveFromSeeds.with(
                DIMENSION,
                List.of(
                    new RetrieveFromSeeds.SeedSet(
                        SeedSetSpec.parse(
                            "concepts=/seeds;mode=cluster;clusters=8;per-cluster=100000;"
                                + "min-seeds=3;cap="
                                + CAP),
                        seeds)))
            .withBalanced(BalancedSpec.parse("clusters=16,4;target=50000"));
    var decided =
        p.apply("Pool", GenerateSequence.from(0).to(POOL))
            .apply("PoolSamples", ParDo.of(new PoolSampleFn()))
            .setCoder(new SampleCoder())
            .apply("Retrieve", retrieval);
    decided
        .accepted()
        .apply("KeptKeys", ParDo.of(new KeptFn()))
        .apply("WriteKept", TextIO.write().to(out.resolve("kept").toString()));
    decided
        .rejections()
        .apply("CountRejected", Count.globally())
        .apply(
            "RejectedText", MapElements.into(TypeDescriptors.strings()).via(n -> "rejected " + n))
        .apply("WriteRejected", TextIO.write().to(out.resolve("rejected").toString()));
    p.run().waitUntilFinish();
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.sorted().toList()) {
        lines.addAll(Files.readAllLines(f));
      }
    }
    lines.sort(null);
    return lines;
  }

  private static final int CAP = 100_000;

  /**
   * Seed retrieval in cluster mode and balanced sampling over 300,000 pool vectors: five of eight
   * concepts hold seeds, so about 187,500 images are candidates for the set's cap, each a ranked
   * key of 30 bytes: together past the limit (a Top of the cap kept them in one record).
   */
  @Test
  void seedRetrievalAndBalancedSamplingPassToo() throws Exception {
    long limit = sortBufferLimit();
    long candidates = POOL * 5L / CONCEPTS;
    long rankedBytes = 8 + 1 + 20 + 1; // hash, key length, key, cluster
    assertThat(candidates * rankedBytes)
        .as("the cap's candidates, past the limit")
        .isGreaterThan(limit);
    List<String> small =
        retrieve(smallSortBuffers(dir.resolve("retrieve-conf")), dir.resolve("retrieved-small"));
    List<String> usual =
        retrieve(
            (FlinkPipelineOptions) RunWinnow.options("flink", 2), dir.resolve("retrieved-usual"));
    assertThat(small).isEqualTo(usual);
    long fromSeeds = small.stream().filter(line -> line.contains("concepts")).count();
    long balanced = small.stream().filter(line -> line.contains("balanced")).count();
    long rejected =
        small.stream()
            .filter(line -> line.startsWith("rejected "))
            .mapToLong(line -> Long.parseLong(line.substring("rejected ".length())))
            .sum();
    System.out.println(
        "retrieval: "
            + fromSeeds
            + " from seeds, "
            + balanced
            + " balanced, "
            + rejected
            + " rejected");
    assertThat(fromSeeds).as("the cap holds").isEqualTo(CAP);
    assertThat(balanced).isEqualTo(50_000);
    assertThat(small.size() - 1 + rejected).as("every pool image decided").isEqualTo(POOL);
  }

  /** The float32 values of a .npy file (version 1 header: magic, version, length, text). */
  private static float[] npyFloats(Path npy) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
    int dataStart = 10 + Short.toUnsignedInt(bytes.getShort(8));
    FloatBuffer floats =
        bytes.position(dataStart).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[floats.remaining()];
    floats.get(out);
    return out;
  }

  /** Every sample in the folder's shards (key, URL, size, image hashes), sorted. */
  private static List<String> samples(Path folder) throws IOException {
    List<String> samples = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path tar : files.filter(f -> f.toString().endsWith(".tar")).toList()) {
        WebDatasetReader.read(
            tar,
            s ->
                samples.add(
                    String.join(
                        " ",
                        s.key(),
                        s.url(),
                        s.width() + "x" + s.height(),
                        s.sha256(),
                        Digests.sha256Hex(s.image()))));
      }
    }
    samples.sort(null);
    return samples;
  }
}
