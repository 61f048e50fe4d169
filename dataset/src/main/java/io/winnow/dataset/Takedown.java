package io.winnow.dataset;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.winnow.copydetect.Pdq;
import io.winnow.crawl.FetchSettings;
import io.winnow.crawl.SafetyLists;
import io.winnow.crawl.UrlNormalizer;
import io.winnow.filters.DomainPolicy;
import io.winnow.filters.FilterSettings;
import io.winnow.filters.KnownBadHashes;
import io.winnow.schemas.Json;
import io.winnow.schemas.Sample;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes samples from a dataset by key, URL, domain or known-bad hash: a new version in which only
 * the shards that held them are rewritten (under new names), their embeddings gone with them, every
 * removal logged in {@code takedowns.jsonl} and marked {@code taken-down} in the seen log so no
 * refresh brings it back. URL and domain rules are kept in {@code takedown-rules/} and refused by
 * later refreshes before any request; hash lists are kept there too, and later refreshes match new
 * images against them. The replaced shard files are deleted once the version is committed (the
 * point of a takedown), unless asked to keep them.
 */
public final class Takedown {
  /** How kept copies of known-bad hash lists are named in {@code takedown-rules/}. */
  public static final String HASH_LIST_SUFFIX = ".hashes";

  private Takedown() {}

  /**
   * What to remove: keys, opt-out-format lists (URLs and domain rules, as files) and known-bad hash
   * lists (files, as {@code --known-bad-hashes} takes).
   */
  public record Request(
      Set<String> keys, List<String> ruleFiles, List<String> hashLists, String requestedBy) {
    public Request {
      hashLists = hashLists == null ? List.of() : List.copyOf(hashLists);
    }

    public Request(Set<String> keys, List<String> ruleFiles, String requestedBy) {
      this(keys, ruleFiles, List.of(), requestedBy);
    }
  }

  /** One line of {@code takedowns.jsonl}. */
  public record Logged(
      @JsonProperty("at") String at,
      @JsonProperty("version") int version,
      @JsonProperty("key") String key,
      @JsonProperty("url") String url,
      @JsonProperty("shard") String shard,
      @JsonProperty("matched") String matched,
      @JsonProperty("requested_by") String requestedBy) {}

  /** The shards of a version after removal, and what was removed. */
  public record Applied(
      List<Manifest.Shard> shards,
      List<String> replaced,
      List<String> added,
      List<Logged> removed) {}

  /** {@code winnow takedown}: a new version without the matching samples. */
  public static Manifest run(Path dataset, Request request, boolean keepOldShards)
      throws IOException {
    if (!Files.exists(dataset.resolve(DatasetDir.CURRENT))) {
      // Checked before opening, which would create the folder's layout.
      throw new IllegalArgumentException(dataset + " has no committed version to take down from");
    }
    try (DatasetDir dir = DatasetDir.openForWriting(dataset)) {
      dir.removeUncommitted();
      int current = dir.current();
      Manifest parent = dir.manifest(current);
      int version = current + 1;
      Instant now = Instant.now();
      List<String> ruleCopies = keepRules(dir, request.ruleFiles(), version, ".txt");
      List<String> hashCopies = keepRules(dir, request.hashLists(), version, HASH_LIST_SUFFIX);
      Applied applied =
          apply(
              dir,
              parent.shards(),
              version,
              request.keys(),
              ruleCopies,
              hashCopies,
              now,
              request.requestedBy());
      List<Path> supersededLists =
          removeFromIndex(dir, parent.index(), current, version, applied.removed());
      writeLogs(dir, version, applied.removed());
      Manifest manifest =
          new Manifest(
              version,
              current,
              now.toString(),
              "takedown",
              applied.shards().stream().mapToLong(Manifest.Shard::samples).sum(),
              applied.shards(),
              parent.settings(),
              null,
              applied.added(),
              (long) applied.removed().size(),
              parent.index());
      dir.commit(manifest);
      if (!keepOldShards) {
        deleteShards(dir, applied.replaced());
      }
      deleteLists(supersededLists);
      return manifest;
    }
  }

  /** Copies rule or hash-list files into the dataset, so later refreshes refuse them too. */
  static List<String> keepRules(DatasetDir dir, List<String> ruleFiles, int version, String suffix)
      throws IOException {
    List<String> copies = new ArrayList<>();
    for (int i = 0; i < ruleFiles.size(); i++) {
      Path copy = dir.takedownRules().resolve(Manifest.versionName(version) + "-" + i + suffix);
      Files.copy(Path.of(ruleFiles.get(i)), copy, StandardCopyOption.REPLACE_EXISTING);
      copies.add(copy.toString());
    }
    return copies;
  }

  /**
   * Rewrites the shards holding matching samples as {@code vNNNNNN-t-OLDNAME}; others stay as they
   * are. Also used by refreshes, to apply their opt-out lists to existing data.
   */
  public static Applied apply(
      DatasetDir dir,
      List<Manifest.Shard> shards,
      int version,
      Set<String> keys,
      List<String> ruleFiles,
      List<String> hashLists,
      Instant now,
      String requestedBy)
      throws IOException {
    DomainPolicy rules =
        ruleFiles.isEmpty()
            ? DomainPolicy.none()
            : SafetyLists.policy(
                FilterSettings.defaults().withLists(List.of(), List.of(), ruleFiles),
                FetchSettings.defaults());
    KnownBadHashes hashes =
        SafetyLists.knownBad(
            FilterSettings.defaults().withKnownBadLists(hashLists), FetchSettings.defaults());
    List<Manifest.Shard> out = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<Logged> removed = new ArrayList<>();
    for (Manifest.Shard shard : shards) {
      Path base = dir.shard(shard.name());
      // The Parquet keys and URLs say whether the shard is affected: most are not, and are
      // neither read further nor rewritten.
      Map<String, String> matched = new HashMap<>();
      List<String[]> rows = ReadDatasetVectors.keysUrlsAndHashes(Path.of(base + ".parquet"));
      for (String[] row : rows) {
        String why = match(row, keys, rules, hashes);
        if (why != null) {
          matched.put(row[0], why);
        }
      }
      if (matched.isEmpty()) {
        out.add(shard);
        continue;
      }
      String name = Manifest.versionName(version) + "-t-" + stripVersionPrefix(shard.name());
      ShardRewriter.Result result =
          ShardRewriter.rewrite(base, dir.shard(name), matched.keySet(), rows.size());
      for (Sample s : result.removed()) {
        removed.add(
            new Logged(
                now.toString(),
                version,
                s.key(),
                s.url(),
                shard.name(),
                matched.get(s.key()),
                requestedBy));
      }
      replaced.add(shard.name());
      if (result.stats().count() > 0) {
        out.add(
            new Manifest.Shard(
                name,
                result.stats().count(),
                result.stats().tarBytes(),
                DatasetDir.sha256(dir.shard(name).resolveSibling(name + ".tar")),
                version));
        added.add(name);
      } else {
        ShardRewriter.files(dir.shard(name)).forEach(Takedown::deleteQuietly);
      }
    }
    return new Applied(out, replaced, added, removed);
  }

  /**
   * Writes, for each index list holding removed keys, {@code vNNNNNN-t-NAME} without them (it
   * supersedes NAME once the version is committed). Returns the superseded lists, to delete after
   * the commit.
   */
  public static List<Path> removeFromIndex(
      DatasetDir dir, Manifest.Index index, int current, int version, List<Logged> removed)
      throws IOException {
    if (index == null || removed.isEmpty()) {
      return List.of();
    }
    Set<String> keys = new HashSet<>();
    removed.forEach(l -> keys.add(l.key()));
    List<Path> superseded = new ArrayList<>();
    Path lists = DatasetIndex.lists(DatasetIndex.generation(dir.root(), index.generation()));
    if (!Files.isDirectory(lists)) {
      return superseded;
    }
    List<Path> partitions;
    try (var dirs = Files.list(lists)) {
      partitions = dirs.filter(Files::isDirectory).sorted().toList();
    }
    for (Path partition : partitions) {
      for (Path list : DatasetIndex.liveLists(partition, current)) {
        DatasetIndex.ListFile file = DatasetIndex.read(list);
        if (file.keys().stream().noneMatch(keys::contains)) {
          continue;
        }
        List<String> keptKeys = new ArrayList<>();
        List<float[]> keptVectors = new ArrayList<>();
        for (int i = 0; i < file.keys().size(); i++) {
          if (!keys.contains(file.keys().get(i))) {
            keptKeys.add(file.keys().get(i));
            keptVectors.add(file.vectors().row(i));
          }
        }
        DatasetIndex.write(
            partition.resolve(Manifest.versionName(version) + "-t-" + list.getFileName()),
            keptKeys,
            keptVectors,
            index.dimension());
        superseded.add(list);
      }
    }
    return superseded;
  }

  public static void deleteLists(List<Path> lists) {
    for (Path list : lists) {
      deleteQuietly(Path.of(list + ".npy"));
      deleteQuietly(Path.of(list + ".keys"));
    }
  }

  private static String stripVersionPrefix(String name) {
    return name.matches("v\\d{6}-t-.*") ? name.substring(10) : name;
  }

  /**
   * Why a row (key, URL, and with hash lists its sha256, md5 and pdq) goes, or null. The pdq of a
   * stored sample is of its face-blurred picture, as stored; it is matched as it is.
   */
  static String match(String[] row, Set<String> keys, DomainPolicy rules, KnownBadHashes hashes) {
    String why = match(row[0], row[1], keys, rules);
    if (why != null || hashes.isEmpty()) {
      return why;
    }
    KnownBadHashes.Match bad = hashes.matchDigests(row[2], row[3]);
    if (bad == null && row[4] != null && row[4].length() == 64) {
      bad = hashes.matchPdq(Pdq.Hash.fromHex(row[4]));
    }
    return bad == null ? null : bad.detail();
  }

  static String match(String key, String url, Set<String> keys, DomainPolicy rules) {
    if (keys.contains(key)) {
      return "key";
    }
    if (!rules.isEmpty() && url != null) {
      UrlNormalizer.Result normal = UrlNormalizer.normalize(url);
      if (normal.ok()) {
        DomainPolicy.Refusal refusal = rules.check(normal.url());
        if (refusal != null) {
          return refusal.detail();
        }
      }
    }
    return null;
  }

  /** Appends the removals to takedowns.jsonl and marks them taken down in the seen log. */
  static void writeLogs(DatasetDir dir, int version, List<Logged> removed) throws IOException {
    try (BufferedWriter log =
            Files.newBufferedWriter(
                dir.takedownLog(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        BufferedWriter seen =
            Files.newBufferedWriter(
                dir.seenLog(version),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      for (Logged l : removed) {
        log.write(Json.write(l));
        log.newLine();
        seen.write(
            Json.write(new SeenUrl(l.key(), l.url(), version, SeenUrl.TAKEN_DOWN, null, l.at())));
        seen.newLine();
      }
    }
  }

  public static void deleteShards(DatasetDir dir, List<String> names) {
    for (String name : names) {
      ShardRewriter.files(dir.shard(name)).forEach(Takedown::deleteQuietly);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      System.err.println("winnow: could not delete " + file + ": " + e.getMessage());
    }
  }

  public static Set<String> readKeys(Path file) throws IOException {
    Set<String> keys = new HashSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String key = line.strip();
      if (!key.isEmpty() && !key.startsWith("#")) {
        keys.add(key);
      }
    }
    return keys;
  }
}
