package io.winnow.crawl.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.crawl.FetchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadImageSetTest {
  @TempDir Path dir;

  @Test
  void existingFilesWithAUrlListExtensionAreUrlLists() throws Exception {
    for (String name :
        new String[] {
          "a.txt", "b.CSV", "c.tsv", "d.jsonl", "e.parquet", "f.jsonl.gz", "g.txt.zst"
        }) {
      Path file = Files.writeString(dir.resolve(name), "http://example.com/x.jpg\n");
      assertThat(ReadImageSet.isUrlList(file.toString())).as(name).isTrue();
    }
  }

  @Test
  void foldersGlobsImagesAndMissingFilesAreImageFiles() throws Exception {
    Path image = Files.write(dir.resolve("cat.jpg"), new byte[] {1});
    Path gz = Files.write(dir.resolve("archive.gz"), new byte[] {1});
    assertThat(ReadImageSet.isUrlList(dir.toString())).isFalse();
    assertThat(ReadImageSet.isUrlList(dir.resolve("*.jpg").toString())).isFalse();
    assertThat(ReadImageSet.isUrlList(image.toString())).isFalse();
    assertThat(ReadImageSet.isUrlList(gz.toString())).isFalse();
    assertThat(ReadImageSet.isUrlList(dir.resolve("missing.txt").toString())).isFalse();
  }

  @Test
  void setsAreNamed() {
    assertThat(ReadImageSet.parse("val=/data/val", FetchSettings.defaults()).name())
        .isEqualTo("val");
    assertThatThrownBy(() -> ReadImageSet.parse("/data/val", FetchSettings.defaults()))
        .hasMessageContaining("NAME=");
    assertThatThrownBy(() -> ReadImageSet.parse("val=", FetchSettings.defaults()))
        .hasMessageContaining("NAME=");
  }
}
