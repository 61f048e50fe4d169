package io.winnow.crawl.read;

import io.winnow.crawl.FetchImages;
import io.winnow.crawl.FetchSettings;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.UrlRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A named reference set of images (an evaluation set to decontaminate against, a curated seed set
 * to retrieve with), given either as a folder or glob of image files, or as a URL list.
 *
 * <p>A location that names one existing file ending in a URL-list extension ({@code .txt}, {@code
 * .csv}, {@code .tsv}, {@code .jsonl}, {@code .json}, {@code .parquet}, optionally compressed) is
 * read as a URL list and fetched with the run's fetch settings: the same guarded client, politeness
 * and limits as the pool. Anything else is a folder (every file in it) or a glob of image files.
 * Keys are {@code NAME/FILE} or {@code NAME/URL_KEY}.
 *
 * <p>Images that cannot be read or fetched come out as rejections on {@link #REJECTIONS}; the
 * caller decides where they go (they are not pool rejections).
 */
public final class ReadImageSet extends PTransform<PBegin, StageResult<Sample>> {
  private static final TupleTag<Sample> IMAGES = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};
  private static final Set<String> LIST_EXTENSIONS =
      Set.of("txt", "csv", "tsv", "jsonl", "json", "parquet");
  private static final Set<String> COMPRESSIONS = Set.of("gz", "bz2", "zst", "zstd", "deflate");

  private final String name;
  private final String location;
  private final FetchSettings fetch;

  private ReadImageSet(String name, String location, FetchSettings fetch) {
    this.name = name;
    this.location = location;
    this.fetch = fetch;
  }

  /** {@code NAME=LOCATION}, as given on the command line. */
  public static ReadImageSet parse(String nameAndLocation, FetchSettings fetch) {
    int eq = nameAndLocation.indexOf('=');
    if (eq <= 0 || eq == nameAndLocation.length() - 1) {
      throw new IllegalArgumentException(
          "an image set is NAME=FOLDER_GLOB_OR_URL_LIST, got '" + nameAndLocation + "'");
    }
    return of(nameAndLocation.substring(0, eq), nameAndLocation.substring(eq + 1), fetch);
  }

  public static ReadImageSet of(String name, String location, FetchSettings fetch) {
    return new ReadImageSet(name, location, fetch);
  }

  public String name() {
    return name;
  }

  /** Whether {@code location} is read as a URL list rather than as image files. */
  public static boolean isUrlList(String location) {
    Path path = Path.of(location);
    if (!Files.isRegularFile(path)) {
      return false;
    }
    String[] parts = path.getFileName().toString().toLowerCase(Locale.ROOT).split("\\.");
    int last = parts.length - 1;
    if (last >= 1 && COMPRESSIONS.contains(parts[last])) {
      last--;
    }
    return last >= 1 && LIST_EXTENSIONS.contains(parts[last]);
  }

  @Override
  public StageResult<Sample> expand(PBegin begin) {
    String step = "Read-" + name;
    if (!isUrlList(location)) {
      PCollection<Sample> files = begin.apply(step, ReadImageFiles.of(name, location));
      PCollection<Rejection> none =
          begin.apply(step + "-NoRejections", Create.empty(TypeDescriptor.of(Rejection.class)));
      return StageResult.of(files, none);
    }
    StageResult<UrlRecord> listed = begin.apply(step, ReadUrlLists.from(List.of(location)));
    StageResult<Sample> fetched = listed.accepted().apply("Fetch-" + name, FetchImages.with(fetch));
    PCollection<Sample> images =
        fetched
            .accepted()
            .apply(
                "Name-" + name,
                MapElements.into(TypeDescriptor.of(Sample.class))
                    .via(s -> s.toBuilder().key(name + "/" + s.key()).build()))
            .setCoder(new SampleCoder());
    PCollection<Rejection> rejections =
        PCollectionList.of(listed.rejections())
            .and(fetched.rejections())
            .apply("Failures-" + name, org.apache.beam.sdk.transforms.Flatten.pCollections());
    return StageResult.of(images, rejections);
  }
}
