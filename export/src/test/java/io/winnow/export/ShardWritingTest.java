package io.winnow.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.schemas.Sample;
import io.winnow.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardWritingTest {
  @TempDir Path dir;

  static Sample sample(String key, String caption) {
    return Sample.builder(key, "http://example.com/" + key + ".jpg")
        .caption(caption)
        .source("urls.txt", 7)
        .httpStatus(200)
        .mimeType("image/jpeg")
        .sha256("ab")
        .byteSize(1234)
        .originalSize(300, 200)
        .storedSize(256, 256)
        .image(TestImages.jpeg(16, 16))
        .build();
  }

  @Test
  void writesAdjacentMembersPerSampleAndReadsThemBack() throws IOException {
    Path shard = dir.resolve("shard-000000.tar");
    try (OutputStream out = Files.newOutputStream(shard);
        TarShardWriter tar = new TarShardWriter(out)) {
      tar.write(sample("aaaa", "first"));
      tar.write(sample("bbbb", null));
    }
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(shard))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    assertThat(names)
        .containsExactly("aaaa.jpg", "aaaa.json", "aaaa.txt", "bbbb.jpg", "bbbb.json", "bbbb.txt");
    List<Sample> back = new ArrayList<>();
    WebDatasetReader.read(shard, back::add);
    assertThat(back).containsExactly(sample("aaaa", "first"), sample("bbbb", null));
  }

  @Test
  void sameSamplesGiveTheSameBytes() throws IOException {
    assertThat(tarBytes()).isEqualTo(tarBytes());
  }

  private static byte[] tarBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarShardWriter tar = new TarShardWriter(out)) {
      tar.write(sample("k1", "x"));
    }
    return out.toByteArray();
  }

  @Test
  void refusesKeysThatWouldBreakWebDatasetGrouping() {
    assertThatThrownBy(
            () -> new TarShardWriter(new ByteArrayOutputStream()).write(sample("a.b", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonMemberUsesImg2datasetFieldNames() {
    String json = sample("aaaa", "c").toJson();
    assertThat(json)
        .contains(
            "\"key\":\"aaaa\"",
            "\"status\":\"success\"",
            "\"width\":256",
            "\"original_width\":300",
            "\"sha256\":\"ab\"",
            "\"caption\":\"c\"");
    assertThat(json).doesNotContain("\"image\"", "\"embedding\"");
  }

  @Test
  void writesParquetMetadata() throws Exception {
    Path file = dir.resolve("m.parquet");
    try (ParquetMetadataWriter writer = new ParquetMetadataWriter(file)) {
      writer.write(sample("aaaa", "first"));
      writer.write(sample("bbbb", null));
    }
    // Read back with the same Parquet reader users' tools use.
    List<String> keys = new ArrayList<>();
    try (var reader =
        org.apache.parquet.hadoop.ParquetReader.builder(
                new org.apache.parquet.hadoop.example.GroupReadSupport(),
                new org.apache.hadoop.fs.Path(file.toUri()))
            .build()) {
      for (var row = reader.read(); row != null; row = reader.read()) {
        keys.add(
            row.getString("key", 0)
                + ":"
                + row.getInteger("width", 0)
                + ":"
                + row.getString("status", 0)
                + ":"
                + row.getFieldRepetitionCount("caption"));
      }
    }
    assertThat(keys).containsExactly("aaaa:256:success:1", "bbbb:256:success:0");
  }

  @Test
  void publishesAtomically() throws IOException {
    Path target = dir.resolve("shard-000001.tar");
    Path temp = ShardFiles.temporary(target);
    assertThat(temp.getFileName().toString()).startsWith(".shard-000001.tar.inprogress-");
    Files.writeString(temp, "done");
    ShardFiles.publish(temp, target);
    assertThat(target).hasContent("done");
    assertThat(temp).doesNotExist();
  }

  @Test
  void spreadsKeysOverShards() {
    int[] counts = new int[4];
    for (int i = 0; i < 4000; i++) {
      counts[
          WriteWebDataset.shardOf(
              io.winnow.schemas.SampleKeys.forNormalizedUrl("http://x/" + i), 4)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(850, 1150);
    }
  }
}
