package io.winnow.export;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format 1.0) of little-endian float32, as {@code numpy.load},
 * clip-retrieval and autofaiss read them. Rows are written one at a time, so a shard's embeddings
 * never sit in memory together.
 */
public final class NpyFiles {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  private NpyFiles() {}

  /** A float32 array read back: its shape and values in C order. */
  public record Array(long[] shape, float[] values) {
    public float[] row(int i) {
      int width = (int) (values.length / shape[0]);
      return Arrays.copyOfRange(values, i * width, (i + 1) * width);
    }
  }

  /** Writes the header of a {@code rows x columns} float32 array; rows follow with {@link #row}. */
  public static void header(OutputStream out, long rows, int columns) throws IOException {
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
    int unpadded = MAGIC.length + 2 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    out.write(MAGIC);
    out.write(header.length() & 0xff);
    out.write(header.length() >>> 8);
    out.write(header.getBytes(StandardCharsets.US_ASCII));
  }

  public static void row(OutputStream out, float[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    out.write(bytes.array());
  }

  public static Array read(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (magic[0] != MAGIC[0] || magic[1] != 'N' || magic[6] != 1) {
      throw new IOException("not a version 1 .npy file");
    }
    int headerLength = in.readUnsignedByte() | in.readUnsignedByte() << 8;
    byte[] header = new byte[headerLength];
    in.readFully(header);
    String dict = new String(header, StandardCharsets.US_ASCII);
    if (!dict.contains("'<f4'") || dict.contains("'fortran_order': True")) {
      throw new IOException("only C-order little-endian float32 .npy is supported: " + dict.trim());
    }
    Matcher m = SHAPE.matcher(dict);
    if (!m.find()) {
      throw new IOException("no shape in .npy header: " + dict.trim());
    }
    long[] shape =
        Arrays.stream(m.group(1).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .mapToLong(Long::parseLong)
            .toArray();
    long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    byte[] data = new byte[Math.toIntExact(count * 4)];
    in.readFully(data);
    float[] values = new float[(int) count];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return new Array(shape, values);
  }
}
