package io.winnow.schemas;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * A GroupByKey for large groups of large values (vectors, samples): the values go through files,
 * only small descriptions of where they lie go through the shuffle.
 *
 * <p>Why: Beam's Flink runner pre-combines a GroupByKey's values per key and bundle before the
 * shuffle, so every value of a key that a worker sees in a bundle (up to 10 s or a million
 * elements) travels as one record, and a record larger than Flink's sort buffer (about 18 MB on a
 * TaskManager of 1.6 GB) fails the job. Here each bundle's values are spooled to a local file as
 * they come; when the bundle ends they are copied, grouped by key, into one fragment file in {@code
 * tempDir} (which every worker must see: a shared file system on a cluster), and one {@link
 * Segment} per key is emitted. After the GroupByKey of segments, each key's values are read lazily
 * from its segments, one at a time; iterating again reads them again.
 *
 * <p>The fragments stay until the caller deletes {@code tempDir} after the job (RunWinnow does).
 * Keys are compared by their encoding, as a GroupByKey does, so the key coder must be
 * deterministic.
 */
public final class GroupThroughFiles<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, Iterable<V>>>> {
  private final String tempDir;

  private GroupThroughFiles(String tempDir) {
    this.tempDir = tempDir;
  }

  /** Fragments go to a new folder inside {@code tempDir}. */
  public static <K, V> GroupThroughFiles<K, V> in(String tempDir) {
    if (tempDir == null || tempDir.isBlank()) {
      throw new IllegalArgumentException("GroupThroughFiles needs a folder for its fragments");
    }
    return new GroupThroughFiles<>(tempDir);
  }

  /**
   * The pipeline's {@code --tempLocation} (a local or shared folder), or this machine's temporary
   * folder when none is set (one-machine runs and tests).
   */
  public static String tempDirOf(org.apache.beam.sdk.options.PipelineOptions options) {
    String location = options.getTempLocation();
    return location == null || location.isBlank() ? System.getProperty("java.io.tmpdir") : location;
  }

  @Override
  public PCollection<KV<K, Iterable<V>>> expand(PCollection<KV<K, V>> input) {
    return read(input.apply("GroupToSegments", segments()), coderOf(input));
  }

  /**
   * The same grouping of several collections at once, as of their Flatten, but each spooled where
   * it is made: in Flink's batch mode a step fed by a Flatten is not chained to the steps before
   * it, so the values would first cross an exchange to disk whole, only to be spooled to files
   * there. Here only the small segments are flattened.
   */
  public PTransform<PCollectionList<KV<K, V>>, PCollection<KV<K, Iterable<V>>>> ofList() {
    return new PTransform<>() {
      @Override
      public PCollection<KV<K, Iterable<V>>> expand(PCollectionList<KV<K, V>> inputs) {
        if (inputs.size() == 0) {
          throw new IllegalArgumentException("GroupThroughFiles.ofList needs a collection");
        }
        return read(spoolAndGroup(inputs), coderOf(inputs.get(0)));
      }
    };
  }

  /**
   * The grouping without reading the values back: each key's segments, for callers that read frames
   * themselves ({@link #frames}), such as a shard writer that sorts by a key in the value.
   */
  public PTransform<PCollection<KV<K, V>>, PCollection<KV<K, Iterable<Segment>>>> segments() {
    return new PTransform<>() {
      @Override
      public PCollection<KV<K, Iterable<Segment>>> expand(PCollection<KV<K, V>> input) {
        return spoolAndGroup(PCollectionList.of(input));
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <K, V> KvCoder<K, V> coderOf(PCollection<KV<K, V>> input) {
    return (KvCoder<K, V>) input.getCoder();
  }

  /** Each input spooled where it is made, then the segments grouped by key. */
  private PCollection<KV<K, Iterable<Segment>>> spoolAndGroup(PCollectionList<KV<K, V>> inputs) {
    KvCoder<K, V> coder = coderOf(inputs.get(0));
    try {
      coder.getKeyCoder().verifyDeterministic();
    } catch (Coder.NonDeterministicException e) {
      throw new IllegalArgumentException("GroupThroughFiles needs a deterministic key coder", e);
    }
    // One folder per use in a built pipeline: a restarted job writes beside its leftovers.
    String folder = Path.of(tempDir).resolve("group-" + UUID.randomUUID()).toString();
    KvCoder<K, Segment> segmentCoder = KvCoder.of(coder.getKeyCoder(), new SegmentCoder());
    PCollection<KV<K, Segment>> segments;
    if (inputs.size() == 1) {
      segments =
          inputs
              .get(0)
              .apply("SpoolBundles", ParDo.of(new SpoolFn<>(coder, folder)))
              .setCoder(segmentCoder);
    } else {
      PCollectionList<KV<K, Segment>> spooled = PCollectionList.empty(inputs.getPipeline());
      for (int i = 0; i < inputs.size(); i++) {
        spooled =
            spooled.and(
                inputs
                    .get(i)
                    .apply("SpoolBundles" + i, ParDo.of(new SpoolFn<>(coder, folder)))
                    .setCoder(segmentCoder));
      }
      segments = spooled.apply("AllSegments", Flatten.pCollections());
    }
    return segments.apply("GroupSegments", GroupByKey.create());
  }

  private PCollection<KV<K, Iterable<V>>> read(
      PCollection<KV<K, Iterable<Segment>>> grouped, KvCoder<K, V> coder) {
    return grouped
        .apply("ReadGroups", ParDo.of(new ReadFn<>(coder.getValueCoder())))
        .setCoder(KvCoder.of(coder.getKeyCoder(), IterableCoder.of(coder.getValueCoder())));
  }

  /** Where one value lies in a fragment file. */
  public record Frame(String file, long offset, int length) {}

  /** Sees each frame of a segment: its place, and a stream positioned at its first byte. */
  public interface FrameVisitor {
    void visit(Frame frame, DataInputStream value) throws IOException;
  }

  /**
   * Walks a segment's frames. The visitor may read a prefix of each value (a key, say); the rest is
   * skipped without being read into memory.
   */
  public static void frames(Segment segment, FrameVisitor visitor) throws IOException {
    FragmentFiles.frames(segment, visitor);
  }

  /** The values of some segments, read lazily in segment order; re-iterable. */
  public static <V> Iterable<V> values(Iterable<Segment> segments, Coder<V> coder) {
    return FragmentFiles.values(segments, coder);
  }

  /** One key's values in one fragment file: {@code count} frames from {@code offset}. */
  public record Segment(String file, long offset, long length, int count) {}

  static final class SegmentCoder extends org.apache.beam.sdk.coders.AtomicCoder<Segment> {
    @Override
    public void encode(Segment s, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(s.file(), out);
      VarLongCoder.of().encode(s.offset(), out);
      VarLongCoder.of().encode(s.length(), out);
      VarIntCoder.of().encode(s.count(), out);
    }

    @Override
    public Segment decode(InputStream in) throws IOException {
      return new Segment(
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarIntCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class SpoolFn<K, V> extends DoFn<KV<K, V>, KV<K, Segment>> {
    private final KvCoder<K, V> coder;
    private final String folder;
    private transient FragmentFiles.Spool<K> spool;
    private transient ByteArrayOutputStream encoded;

    SpoolFn(KvCoder<K, V> coder, String folder) {
      this.coder = coder;
      this.folder = folder;
    }

    @ProcessElement
    public void process(@Element KV<K, V> element) throws IOException {
      if (spool == null) {
        spool = new FragmentFiles.Spool<>();
        encoded = new ByteArrayOutputStream();
      }
      encoded.reset();
      coder.getKeyCoder().encode(element.getKey(), encoded, Coder.Context.OUTER);
      String keyId = java.util.Base64.getEncoder().encodeToString(encoded.toByteArray());
      encoded.reset();
      coder.getValueCoder().encode(element.getValue(), encoded, Coder.Context.OUTER);
      spool.add(keyId, element.getKey(), encoded.toByteArray());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws IOException {
      if (spool == null) {
        return;
      }
      try {
        for (KV<K, Segment> segment : spool.writeFragment(Path.of(folder))) {
          context.output(segment, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
        }
      } finally {
        spool.close();
        spool = null;
      }
    }

    @Teardown
    public void teardown() throws IOException {
      if (spool != null) {
        spool.close();
      }
    }
  }

  static final class ReadFn<K, V> extends DoFn<KV<K, Iterable<Segment>>, KV<K, Iterable<V>>> {
    private final Coder<V> valueCoder;

    ReadFn(Coder<V> valueCoder) {
      this.valueCoder = valueCoder;
    }

    @ProcessElement
    public void process(
        @Element KV<K, Iterable<Segment>> group, OutputReceiver<KV<K, Iterable<V>>> out) {
      List<Segment> segments = new ArrayList<>();
      group.getValue().forEach(segments::add);
      out.output(KV.of(group.getKey(), values(segments, valueCoder)));
    }
  }
}
