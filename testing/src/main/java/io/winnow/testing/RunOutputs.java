package io.winnow.testing;

import io.winnow.schemas.Json;
import io.winnow.schemas.Rejection;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads what a run wrote, for tests. */
public final class RunOutputs {
  private RunOutputs() {}

  /** Every rejection in the {@code *.jsonl} files of a rejections folder. */
  public static List<Rejection> rejections(Path folder) throws IOException {
    List<Rejection> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jsonl")) {
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            out.add(Json.read(line, Rejection.class));
          }
        }
      }
    }
    return out;
  }
}
