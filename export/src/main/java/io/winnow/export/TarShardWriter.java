package io.winnow.export;

import io.winnow.schemas.Sample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes samples into a WebDataset tar: for each sample, adjacent members {@code key.jpg}, {@code
 * key.json} and {@code key.txt} (the caption, empty when there is none). Members carry a fixed
 * timestamp and owner so the same samples always give the same bytes.
 */
public final class TarShardWriter implements AutoCloseable {
  private static final Date FIXED_TIME = new Date(0);
  private final TarArchiveOutputStream tar;

  public TarShardWriter(OutputStream out) {
    this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  public void write(Sample sample) throws IOException {
    String key = sample.key();
    if (key.indexOf('.') >= 0 || key.indexOf('/') >= 0) {
      throw new IllegalArgumentException("a WebDataset key holds no '.' or '/': " + key);
    }
    member(key + ".jpg", sample.image());
    member(key + ".json", sample.toJson().getBytes(StandardCharsets.UTF_8));
    String caption = sample.caption() == null ? "" : sample.caption();
    member(key + ".txt", caption.getBytes(StandardCharsets.UTF_8));
  }

  private void member(String name, byte[] content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setModTime(FIXED_TIME);
    entry.setMode(0644);
    entry.setUserName("winnow");
    entry.setGroupName("winnow");
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  @Override
  public void close() throws IOException {
    tar.finish();
    tar.close();
  }
}
