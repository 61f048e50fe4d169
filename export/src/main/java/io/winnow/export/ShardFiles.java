package io.winnow.export;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.UUID;

/** Names of a shard's files, and their atomic publication. */
public final class ShardFiles {
  private ShardFiles() {}

  public static String name(String prefix, int shard) {
    return String.format(Locale.ROOT, "%s-%06d", prefix, shard);
  }

  /** A hidden name in the same folder, so the final rename stays on one file system. */
  public static Path temporary(Path finalPath) {
    return finalPath.resolveSibling(
        "." + finalPath.getFileName() + ".inprogress-" + UUID.randomUUID());
  }

  /**
   * Makes {@code temporary} visible as {@code target} in one step: readers see the old file or the
   * complete new one, never a part. A retried writer simply replaces the same content.
   */
  public static void publish(Path temporary, Path target) throws IOException {
    try {
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the output file system cannot rename atomically: " + target, e);
    }
  }
}
