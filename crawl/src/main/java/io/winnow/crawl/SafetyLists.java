package io.winnow.crawl;

import io.winnow.filters.DomainPolicy;
import io.winnow.filters.DomainRules;
import io.winnow.filters.FilterSettings;
import io.winnow.filters.KnownBadHashes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads the block, allow and opt-out lists of a run into one {@link DomainPolicy}, and its
 * known-bad hash lists into one {@link KnownBadHashes}, when the job is built: from files (plain or
 * .gz) or http(s) URLs, fetched through the run's own guarded client. Lists are read afresh on
 * every run, so edits take effect at the next run. A list that cannot be read or has a bad rule
 * stops the run before any URL is fetched.
 */
public final class SafetyLists {
  private static final long MAX_LIST_BYTES = 1L << 30;

  /** A list that cannot be read or parsed: a configuration error. */
  public static final class ListException extends IllegalArgumentException {
    ListException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private SafetyLists() {}

  public static DomainPolicy policy(FilterSettings filter, FetchSettings fetch) {
    DomainRules blocked = DomainRules.empty();
    DomainRules allowed = DomainRules.empty();
    DomainRules optedOut = DomainRules.empty();
    Set<String> optedOutUrls = new HashSet<>();
    for (String location : filter.blockLists()) {
      add(blocked, "block list", location, read(location, fetch));
    }
    for (String location : filter.allowLists()) {
      add(allowed, "allow list", location, read(location, fetch));
    }
    for (String location : filter.optOutLists()) {
      List<String> lines = read(location, fetch);
      List<String> domainLines = new ArrayList<>(lines.size());
      for (int i = 0; i < lines.size(); i++) {
        String text = lines.get(i).strip();
        if (text.contains("://") && !text.startsWith("#")) {
          UrlNormalizer.Result url = UrlNormalizer.normalize(text);
          if (!url.ok()) {
            throw new ListException(
                "opt-out list " + location + ":" + (i + 1) + ": " + url.detail(), null);
          }
          optedOutUrls.add(url.url());
          domainLines.add(""); // keeps line numbers of the domain rules right
        } else {
          domainLines.add(lines.get(i));
        }
      }
      add(optedOut, "opt-out list", location, domainLines);
    }
    return DomainPolicy.of(blocked, allowed, optedOut, optedOutUrls);
  }

  /**
   * The run's known-bad hash lists, read and checked now: a list that cannot be read or has a bad
   * line stops the run before any URL is fetched.
   */
  public static KnownBadHashes knownBad(FilterSettings filter, FetchSettings fetch) {
    KnownBadHashes.Builder lists = KnownBadHashes.builder();
    for (String location : filter.knownBadLists()) {
      try {
        lists.add(location, read(location, fetch));
      } catch (ListException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new ListException(e.getMessage(), e);
      }
    }
    return lists.build();
  }

  private static void add(DomainRules rules, String kind, String location, List<String> lines) {
    try {
      rules.add(lines, location);
    } catch (IllegalArgumentException e) {
      throw new ListException(kind + " " + location + ": " + e.getMessage(), e);
    }
  }

  static List<String> read(String location, FetchSettings fetch) {
    try {
      byte[] bytes;
      if (location.startsWith("http://") || location.startsWith("https://")) {
        try (HttpFetcher fetcher = new HttpFetcher(fetch)) {
          bytes = fetcher.fetchText(location, MAX_LIST_BYTES);
        }
      } else {
        bytes = Files.readAllBytes(Path.of(location));
      }
      if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new ListException("cannot read list " + location + ": " + e.getMessage(), e);
    }
  }
}
