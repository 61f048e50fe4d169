package io.winnow.schemas;

import io.winnow.schemas.GroupThroughFiles.Frame;
import io.winnow.schemas.GroupThroughFiles.FrameVisitor;
import io.winnow.schemas.GroupThroughFiles.Segment;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.KV;

/**
 * The fragment files of {@link GroupThroughFiles}: frames {@code [length: int][value bytes]}, each
 * key's frames side by side (one {@link Segment}). A bundle's {@link Spool} writes one fragment;
 * {@link #frames} and {@link #values} read segments back.
 */
final class FragmentFiles {
  private FragmentFiles() {}

  /**
   * A bundle's values on local disk, by key, as they come; {@link #writeFragment} copies them,
   * grouped by key, into one fragment.
   */
  static final class Spool<K> implements AutoCloseable {
    private record Entry(long offset, int length) {}

    private final Path file;
    private final OutputStream out;
    private final Map<String, K> keys = new LinkedHashMap<>();
    private final Map<String, List<Entry>> entries = new LinkedHashMap<>();
    private long offset;

    public Spool() throws IOException {
      file = Files.createTempFile("winnow-bundle", ".spool");
      out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
    }

    /** {@code keyId}: the key's identity (its encoding, or any string equal for equal keys). */
    public void add(String keyId, K key, byte[] value) throws IOException {
      out.write(value);
      keys.putIfAbsent(keyId, key);
      entries.computeIfAbsent(keyId, k -> new ArrayList<>()).add(new Entry(offset, value.length));
      offset += value.length;
    }

    public boolean isEmpty() {
      return entries.isEmpty();
    }

    /** Writes the fragment into {@code dir}; returns each key's segment, in first-seen order. */
    public List<KV<K, Segment>> writeFragment(Path dir) throws IOException {
      out.close();
      Files.createDirectories(dir);
      Path fragment = dir.resolve(UUID.randomUUID() + ".fragment");
      List<KV<K, Segment>> segments = new ArrayList<>();
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r");
          FileChannel channel =
              FileChannel.open(fragment, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          DataOutputStream frames =
              new DataOutputStream(
                  new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20))) {
        byte[] buffer = new byte[0];
        long position = 0;
        for (Map.Entry<String, List<Entry>> key : entries.entrySet()) {
          long start = position;
          for (Entry entry : key.getValue()) {
            if (buffer.length < entry.length()) {
              buffer = new byte[Math.max(entry.length(), buffer.length * 2)];
            }
            in.seek(entry.offset());
            in.readFully(buffer, 0, entry.length());
            frames.writeInt(entry.length());
            frames.write(buffer, 0, entry.length());
            position += 4L + entry.length();
          }
          segments.add(
              KV.of(
                  keys.get(key.getKey()),
                  new Segment(
                      fragment.toString(), start, position - start, key.getValue().size())));
        }
      }
      return segments;
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  /** Walks a segment's frames; see {@link GroupThroughFiles#frames}. */
  static void frames(Segment segment, FrameVisitor visitor) throws IOException {
    try (FileChannel channel = FileChannel.open(Path.of(segment.file()), StandardOpenOption.READ)) {
      long position = segment.offset();
      for (int i = 0; i < segment.count(); i++) {
        channel.position(position);
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 512));
        int length = in.readInt();
        visitor.visit(new Frame(segment.file(), position + 4, length), in);
        position += 4L + length;
      }
      if (position != segment.offset() + segment.length()) {
        throw new IOException(
            "fragment "
                + segment.file()
                + " does not hold the "
                + segment.count()
                + " values its segment at "
                + segment.offset()
                + " announces");
      }
    }
  }

  /** A segment's values, read lazily; see {@link GroupThroughFiles#values}. */
  static <V> Iterable<V> values(Iterable<Segment> segments, Coder<V> coder) {
    return () ->
        new Iterator<V>() {
          private final Iterator<Segment> remaining = segments.iterator();
          private DataInputStream in;
          private int left;

          @Override
          public boolean hasNext() {
            try {
              while (left == 0) {
                if (in != null) {
                  in.close();
                  in = null;
                }
                if (!remaining.hasNext()) {
                  return false;
                }
                Segment segment = remaining.next();
                FileChannel channel =
                    FileChannel.open(Path.of(segment.file()), StandardOpenOption.READ);
                channel.position(segment.offset());
                in =
                    new DataInputStream(
                        new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
                left = segment.count();
              }
              return true;
            } catch (IOException e) {
              throw new UncheckedIOException("could not read a grouped fragment", e);
            }
          }

          @Override
          public V next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            try {
              byte[] bytes = new byte[in.readInt()];
              in.readFully(bytes);
              left--;
              if (left == 0) {
                in.close();
                in = null;
              }
              return coder.decode(new java.io.ByteArrayInputStream(bytes), Coder.Context.OUTER);
            } catch (IOException e) {
              throw new UncheckedIOException("could not read a grouped fragment", e);
            }
          }
        };
  }
}
