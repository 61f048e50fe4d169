package io.winnow.export;

import io.winnow.schemas.Json;
import io.winnow.schemas.Sample;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads WebDataset shards back as samples (metadata from {@code key.json}, bytes from {@code
 * key.jpg}), streaming one sample at a time. Fails on a shard whose members of one sample are not
 * adjacent or whose sample lacks a member, as WebDataset readers would.
 */
public final class WebDatasetReader {
  private WebDatasetReader() {}

  /** The finished shards in {@code dir} with {@code prefix}, in name order. */
  public static List<Path> shards(Path dir, String prefix) throws IOException {
    List<Path> shards = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, prefix + "-*.tar")) {
      found.forEach(shards::add);
    }
    shards.sort(null);
    return shards;
  }

  public static void read(Path shard, Consumer<Sample> out) throws IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(shard));
        TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
      String key = null;
      byte[] image = null;
      Sample meta = null;
      String caption = null;
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String name = entry.getName();
        int dot = name.indexOf('.');
        String entryKey = dot < 0 ? name : name.substring(0, dot);
        if (!entryKey.equals(key)) {
          emit(shard, key, image, meta, caption, out);
          key = entryKey;
          image = null;
          meta = null;
          caption = null;
        }
        byte[] content = tar.readAllBytes();
        switch (name.substring(dot + 1)) {
          case "jpg" -> image = content;
          case "json" -> meta = Json.read(content, Sample.class);
          case "txt" -> caption = new String(content, java.nio.charset.StandardCharsets.UTF_8);
          default -> {} // other members (e.g. .npy) are for other readers
        }
      }
      emit(shard, key, image, meta, caption, out);
    }
  }

  private static void emit(
      Path shard, String key, byte[] image, Sample meta, String caption, Consumer<Sample> out)
      throws IOException {
    if (key == null) {
      return;
    }
    if (image == null || meta == null || caption == null) {
      throw new IOException(
          shard
              + ": sample "
              + key
              + " lacks its .jpg, .json or .txt member,"
              + " or its members are not adjacent");
    }
    out.accept(meta.toBuilder().image(image).build());
  }
}
