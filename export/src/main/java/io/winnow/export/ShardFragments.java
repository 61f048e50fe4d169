package io.winnow.export;

import io.winnow.schemas.GroupThroughFiles;
import io.winnow.schemas.GroupThroughFiles.Frame;
import io.winnow.schemas.GroupThroughFiles.Segment;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.values.KV;

/**
 * A shard's samples, read in key order from the fragment files {@link GroupThroughFiles} wrote
 * (values {@code KV(key, sample)}), holding the shard's keys in memory and one sample at a time.
 */
public final class ShardFragments {
  /** How a shard's values are encoded in the fragments: the key first, so it can be read alone. */
  static final KvCoder<String, Sample> VALUE_CODER =
      KvCoder.of(StringUtf8Coder.of(), new SampleCoder());

  private ShardFragments() {}

  /** What {@link #readShard} hands each sample to, in key order. */
  public interface SampleSink {
    void accept(Sample sample) throws IOException;
  }

  private record Keyed(String key, Frame frame) {}

  /** Total values in a shard's segments. */
  public static long count(Iterable<Segment> segments) {
    long count = 0;
    for (Segment segment : segments) {
      count += segment.count();
    }
    return count;
  }

  /** Hands the segments' samples to {@code sink} in key order; segments in any order. */
  public static long readShard(Iterable<Segment> segments, SampleSink sink) throws IOException {
    List<Keyed> keyed = new ArrayList<>();
    for (Segment segment : segments) {
      GroupThroughFiles.frames(
          segment, (frame, in) -> keyed.add(new Keyed(StringUtf8Coder.of().decode(in), frame)));
    }
    // Keys are unique in a dataset; file and offset only make the order total.
    keyed.sort(
        Comparator.comparing(Keyed::key)
            .thenComparing(k -> k.frame().file())
            .thenComparingLong(k -> k.frame().offset()));
    try (OpenFiles files = new OpenFiles()) {
      for (Keyed entry : keyed) {
        Frame frame = entry.frame();
        RandomAccessFile in = files.get(frame.file());
        byte[] bytes = new byte[frame.length()];
        in.seek(frame.offset());
        in.readFully(bytes);
        KV<String, Sample> value =
            VALUE_CODER.decode(
                new ByteArrayInputStream(bytes), org.apache.beam.sdk.coders.Coder.Context.OUTER);
        sink.accept(value.getValue());
      }
    }
    return keyed.size();
  }

  /** Fragment files opened for reading, a bounded number at once. */
  private static final class OpenFiles implements AutoCloseable {
    private static final int MAX_OPEN = 64;
    private final LinkedHashMap<String, RandomAccessFile> open =
        new LinkedHashMap<>(16, 0.75f, true);

    RandomAccessFile get(String file) throws IOException {
      RandomAccessFile in = open.get(file);
      if (in == null) {
        if (open.size() >= MAX_OPEN) {
          var eldest = open.entrySet().iterator().next();
          eldest.getValue().close();
          open.remove(eldest.getKey());
        }
        in = new RandomAccessFile(file, "r");
        open.put(file, in);
      }
      return in;
    }

    @Override
    public void close() throws IOException {
      for (RandomAccessFile in : open.values()) {
        in.close();
      }
      open.clear();
    }
  }
}
