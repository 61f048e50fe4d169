package io.winnow.bench.copyset;

import io.winnow.bench.copyset.PhotoSources.Source;
import java.util.ArrayList;
import java.util.List;

/**
 * A candidate during selection: its thumbnail stands in for the photo. Role, scene and the folded
 * duplicates change as the selection assigns roles and collapses copies.
 */
final class Candidate {
  final Source from;
  final String path;
  final String location;
  final int width;
  final int height;
  final Thumb thumb;
  final String licence;
  final String upstream;
  String role = "photo";
  String scene = "";
  final List<String> duplicates = new ArrayList<>();

  Candidate(
      Source from,
      String path,
      String location,
      int width,
      int height,
      Thumb thumb,
      String licence,
      String upstream) {
    this.from = from;
    this.path = path;
    this.location = location;
    this.width = width;
    this.height = height;
    this.thumb = thumb;
    this.licence = licence;
    this.upstream = upstream;
  }

  String key() {
    return from.pkg() + ":" + path;
  }
}
