package io.winnow.bench.copyset;

/**
 * One row of photos.csv. {@code role}: {@code photo} (gets edited copies), {@code hard-negative} (a
 * member of the real scene {@code scene}), or material for the synthetic hard negatives ({@code
 * split}, {@code paste-background}, {@code paste-object}), never in the set itself. {@code
 * location}: where the bytes are, relative to photos.csv's folder.
 */
public record Photo(
    String id,
    String pkg,
    String version,
    String path,
    int width,
    int height,
    String licence,
    String role,
    String scene,
    String duplicates,
    String location) {
  String source() {
    return pkg + ":" + path;
  }
}
