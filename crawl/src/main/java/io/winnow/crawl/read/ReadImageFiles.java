package io.winnow.crawl.read;

import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Image files of a folder (or a glob) as samples keyed {@code NAME/FILE}: how evaluation sets enter
 * the pipeline. A folder means every file directly in it. Files are read whole, one per element;
 * they go through decoding like fetched images.
 */
public final class ReadImageFiles extends PTransform<PBegin, PCollection<Sample>> {
  private final String name;
  private final String location;

  private ReadImageFiles(String name, String location) {
    this.name = name;
    this.location = location;
  }

  /** {@code location}: a folder or a file glob, local or on any Beam file system. */
  public static ReadImageFiles of(String name, String location) {
    return new ReadImageFiles(name, location);
  }

  @Override
  public PCollection<Sample> expand(PBegin begin) {
    String pattern =
        Files.isDirectory(Path.of(location)) ? Path.of(location).resolve("*").toString() : location;
    return begin
        .apply("Match", FileIO.match().filepattern(pattern))
        .apply("Open", FileIO.readMatches())
        .apply("ReadBytes", ParDo.of(new ReadFn(name)))
        .setCoder(new SampleCoder());
  }

  static final class ReadFn extends DoFn<FileIO.ReadableFile, Sample> {
    private final String name;

    ReadFn(String name) {
      this.name = name;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<Sample> out)
        throws IOException {
      String resource = file.getMetadata().resourceId().toString();
      String fileName = file.getMetadata().resourceId().getFilename();
      byte[] bytes = file.readFullyAsBytes();
      out.output(
          Sample.builder(name + "/" + fileName, resource)
              .byteSize(bytes.length)
              .image(bytes)
              .build());
    }
  }
}
