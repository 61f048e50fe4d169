package io.winnow.bench.copyset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A Qt resource archive (.rcc), the form GCompris ships its images in: a header, a tree of named
 * nodes, and payloads, zlib-compressed when flagged (Qt's rcc leaves WebP and JPEG uncompressed).
 * Archives are cached per JVM.
 */
final class RccArchive {
  private static final int COMPRESSED = 0x01;
  private static final int DIRECTORY = 0x02;
  private static final int COMPRESSED_ZSTD = 0x04;
  private static final Map<Path, RccArchive> OPEN = new HashMap<>();

  private final ByteBuffer bytes;
  private final int tree;
  private final int payloads;
  private final int names;
  private final int nodeSize;
  private final Map<String, int[]> entries = new TreeMap<>();

  static synchronized RccArchive open(Path path) throws IOException {
    Path file = path.toAbsolutePath().normalize();
    RccArchive archive = OPEN.get(file);
    if (archive == null) {
      archive = new RccArchive(Files.readAllBytes(file), file);
      OPEN.put(file, archive);
    }
    return archive;
  }

  private RccArchive(byte[] data, Path file) throws IOException {
    bytes = ByteBuffer.wrap(data);
    if (data.length < 20 || bytes.getInt(0) != 0x71726573) { // "qres"
      throw new IOException(file + " is not a Qt resource archive");
    }
    int version = bytes.getInt(4);
    tree = bytes.getInt(8);
    payloads = bytes.getInt(12);
    names = bytes.getInt(16);
    nodeSize = version >= 2 ? 22 : 14;
    walk(0, "");
  }

  private void walk(int node, String prefix) {
    int at = tree + node * nodeSize;
    int flags = bytes.getShort(at + 4) & 0xffff;
    String name = node == 0 ? "" : name(bytes.getInt(at));
    if ((flags & DIRECTORY) != 0) {
      int count = bytes.getInt(at + 6);
      int first = bytes.getInt(at + 10);
      for (int c = 0; c < count; c++) {
        walk(first + c, node == 0 ? "" : prefix + name + "/");
      }
    } else {
      int offset = payloads + bytes.getInt(at + 10);
      entries.put(prefix + name, new int[] {offset + 4, bytes.getInt(offset), flags});
    }
  }

  private String name(int offset) {
    int at = names + offset;
    int length = bytes.getShort(at) & 0xffff;
    byte[] utf16 = new byte[2 * length];
    bytes.get(at + 6, utf16);
    return new String(utf16, StandardCharsets.UTF_16BE);
  }

  Set<String> names() {
    return entries.keySet();
  }

  byte[] read(String name) throws IOException {
    int[] entry = entries.get(name);
    if (entry == null) {
      throw new IOException("no entry " + name + " in the resource archive");
    }
    byte[] data = new byte[entry[1]];
    bytes.get(entry[0], data);
    if ((entry[2] & COMPRESSED_ZSTD) != 0) {
      throw new IOException(name + " is zstd-compressed, which this reader does not handle");
    }
    if ((entry[2] & COMPRESSED) == 0) {
      return data;
    }
    // qCompress: a big-endian length, then a zlib stream.
    Inflater inflater = new Inflater();
    inflater.setInput(data, 4, data.length - 4);
    ByteArrayOutputStream out = new ByteArrayOutputStream(ByteBuffer.wrap(data).getInt(0));
    byte[] chunk = new byte[1 << 16];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && inflater.needsInput()) {
          throw new IOException(name + ": truncated zlib stream");
        }
        out.write(chunk, 0, n);
      }
    } catch (DataFormatException e) {
      throw new IOException(name + ": " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }
}
