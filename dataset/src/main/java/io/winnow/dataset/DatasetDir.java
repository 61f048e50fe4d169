package io.winnow.dataset;

import io.winnow.export.ShardFiles;
import io.winnow.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A versioned dataset folder:
 *
 * <pre>
 * DIR/CURRENT                 the committed version ("v000003"): replaced by one atomic rename
 * DIR/versions/v000003.json   each version's manifest ({@link Manifest})
 * DIR/shards/                 every version's shard files (tar, parquet, npy, stats); never
 *                             rewritten: a takedown writes new shards and drops old ones
 * DIR/seen/v000003.jsonl      URLs each version decided ({@link SeenUrl})
 * DIR/takedowns.jsonl         what takedowns removed, when and why
 * DIR/takedown-rules/         domain and URL rules of takedowns, refused by later refreshes
 * DIR/runs/v000003/           each refresh's batch outputs: reports, rejections, summaries
 * DIR/work/v000004/           a refresh in progress (resumed from here if interrupted)
 * </pre>
 *
 * Readers follow CURRENT to a manifest and the manifest to shards. A writer adds files under new
 * names and publishes by renaming CURRENT last, so a crash at any point before that leaves the
 * previous version exactly as it was.
 */
public final class DatasetDir implements AutoCloseable {
  public static final String CURRENT = "CURRENT";
  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DatasetDir(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens (creating it if needed) and locks the folder against other writers. */
  public static DatasetDir openForWriting(Path root) throws IOException {
    Path absolute = root.toAbsolutePath();
    for (String dir : List.of("versions", "shards", "seen", "runs", "work", "takedown-rules")) {
      Files.createDirectories(absolute.resolve(dir));
    }
    FileChannel channel =
        FileChannel.open(
            absolute.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new IllegalStateException(
          "another winnow process is writing "
              + absolute
              + " (it holds "
              + absolute.resolve(".lock")
              + ")");
    }
    return new DatasetDir(absolute, channel, lock);
  }

  /** Opens for reading only: no lock, nothing created. */
  public static DatasetDir openForReading(Path root) throws IOException {
    Path absolute = root.toAbsolutePath();
    if (!Files.isDirectory(absolute.resolve("versions"))) {
      throw new IllegalArgumentException(absolute + " is not a Winnow dataset (no versions/)");
    }
    return new DatasetDir(absolute, null, null);
  }

  public Path root() {
    return root;
  }

  public Path shards() {
    return root.resolve("shards");
  }

  /** A shard's files without extension. */
  public Path shard(String name) {
    return shards().resolve(name);
  }

  public Path work(int version) {
    return root.resolve("work").resolve(Manifest.versionName(version));
  }

  public Path runs(int version) {
    return root.resolve("runs").resolve(Manifest.versionName(version));
  }

  public Path seenLog(int version) {
    return root.resolve("seen").resolve(Manifest.versionName(version) + ".jsonl");
  }

  public Path takedownRules() {
    return root.resolve("takedown-rules");
  }

  public Path takedownLog() {
    return root.resolve("takedowns.jsonl");
  }

  /** The committed version, 0 for a dataset with none yet. */
  public int current() throws IOException {
    Path pointer = root.resolve(CURRENT);
    if (!Files.exists(pointer)) {
      return 0;
    }
    String text = Files.readString(pointer, StandardCharsets.UTF_8).trim();
    return Integer.parseInt(text.substring(1));
  }

  public Manifest manifest(int version) throws IOException {
    Path file = root.resolve("versions").resolve(Manifest.versionName(version) + ".json");
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          "no version " + Manifest.versionName(version) + " in " + root);
    }
    return Json.read(Files.readAllBytes(file), Manifest.class);
  }

  /** Committed versions, oldest first. */
  public List<Manifest> versions() throws IOException {
    List<Manifest> all = new ArrayList<>();
    int current = current();
    for (int v = 1; v <= current; v++) {
      Path file = root.resolve("versions").resolve(Manifest.versionName(v) + ".json");
      if (Files.exists(file)) {
        all.add(manifest(v));
      }
    }
    return all;
  }

  /** The seen logs of committed versions (a crashed commit's log is not one). */
  public List<String> committedSeenLogs() throws IOException {
    List<String> logs = new ArrayList<>();
    for (int v = 1; v <= current(); v++) {
      if (Files.exists(seenLog(v))) {
        logs.add(seenLog(v).toString());
      }
    }
    return logs;
  }

  /**
   * Commits {@code manifest}: writes it, then points CURRENT at it by an atomic rename. Everything
   * it names must already be in place.
   */
  public void commit(Manifest manifest) throws IOException {
    if (manifest.version() != current() + 1) {
      throw new IllegalStateException(
          "version " + manifest.version() + " does not follow " + current());
    }
    Path file =
        root.resolve("versions").resolve(Manifest.versionName(manifest.version()) + ".json");
    write(file, Json.writePretty(manifest) + "\n");
    write(root.resolve(CURRENT), Manifest.versionName(manifest.version()) + "\n");
  }

  /**
   * Removes what an uncommitted writer left that no resumable work refers to: manifests, seen logs
   * and shards of versions after the current one, when that version has no work folder.
   */
  public void removeUncommitted() throws IOException {
    int current = current();
    try (Stream<Path> files =
        Stream.of("versions", "seen", "shards").flatMap(d -> list(root.resolve(d)).stream())) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (!name.matches("v\\d{6}.*")) {
          continue;
        }
        int version = Integer.parseInt(name.substring(1, 7));
        if (version > current && !Files.isDirectory(work(version))) {
          Files.deleteIfExists(file);
        }
      }
    }
    // Work folders of committed versions: a commit cut short after CURRENT moved on.
    for (Path folder : list(root.resolve("work"))) {
      String name = folder.getFileName().toString();
      if (name.matches("v\\d{6}") && Integer.parseInt(name.substring(1)) <= current) {
        deleteTree(folder);
      }
    }
    // The index: whole generations, and list files, of versions never committed.
    Path index = root.resolve("index");
    if (Files.isDirectory(index)) {
      for (Path generation : list(index)) {
        String name = generation.getFileName().toString();
        if (name.matches("g\\d{6}")
            && Integer.parseInt(name.substring(1)) > current
            && !Files.isDirectory(work(Integer.parseInt(name.substring(1))))) {
          deleteTree(generation);
          continue;
        }
        try (Stream<Path> files = Files.walk(generation)) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            String fileName = file.getFileName().toString();
            if (fileName.matches("v\\d{6}-.*")) {
              int version = Integer.parseInt(fileName.substring(1, 7));
              if (version > current && !Files.isDirectory(work(version))) {
                Files.delete(file);
              }
            }
          }
        }
      }
    }
  }

  /** Deletes a folder and all below it; nothing when it does not exist. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  public static void write(Path target, String text) throws IOException {
    Path temp = ShardFiles.temporary(target);
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    ShardFiles.publish(temp, target);
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    if (lock != null) {
      lock.release();
      lockChannel.close();
    }
  }
}
