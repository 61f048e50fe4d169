package io.winnow.cli;

import io.winnow.filters.FilterSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** The run options naming the domain, opt-out and known-bad hash lists: the filters' lists. */
final class DomainListOptions {
  @Option(
      names = "--block-list",
      paramLabel = "FILE|URL",
      description =
          "Unsafe-domain list (one rule per line: example.com, *.example.com, "
              + "=host.example.com, sha256:HEX). Repeatable; read at the start of each run.")
  List<String> blockLists = List.of();

  @Option(
      names = "--allow-list",
      paramLabel = "FILE|URL",
      description = "Domain rules that override the block lists. Repeatable.")
  List<String> allowLists = List.of();

  @Option(
      names = "--opt-out-list",
      paramLabel = "FILE|URL",
      description = "User opt-outs: URLs (lines with ://) and domain rules. Repeatable.")
  List<String> optOutLists = List.of();

  @Option(
      names = "--known-bad-hashes",
      paramLabel = "FILE|URL",
      description =
          "Known-bad image hash list (lines md5:HEX, sha256:HEX of the downloaded "
              + "bytes, pdq:HEX [max-distance]; # comments; plain or .gz). Matched right after "
              + "decoding, before anything is stored. Repeatable; read at the start of each run.")
  List<String> knownBadLists = List.of();

  /** {@code filter} with these lists set. */
  FilterSettings.Builder addTo(FilterSettings.Builder filter) {
    return filter
        .blockLists(blockLists)
        .allowLists(allowLists)
        .optOutLists(optOutLists)
        .knownBadLists(knownBadLists);
  }
}
