package io.winnow.filters;

import io.winnow.copydetect.Pdq;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Hash lists of known-bad images (the CSAM and NCII lists hotlines such as IWF, C3P, NCMEC and
 * StopNCII share with platforms): exact digests of the downloaded bytes and PDQ hashes of the
 * picture. One line an entry:
 *
 * <pre>
 * # comment
 * md5:HEX                   32 hex digits, of the downloaded bytes
 * sha256:HEX                64 hex digits, of the downloaded bytes
 * pdq:HEX [max-distance]    64 hex digits (Meta's format); a match is any rotation or flip of
 *                           the picture within max-distance bits (default 31, at most 63)
 * </pre>
 *
 * <p>Digests are looked up by binary search in sorted arrays, PDQ hashes through a multi-index
 * hash: the 256 bits cut into 16 words of 16 bits, so a hash within D bits of an entry shares a
 * word within ⌊D/16⌋ bits with it, and only entries that share such a word are compared in full.
 * Memory is about 100 bytes a PDQ entry and 40-50 a digest, with no per-entry objects. Immutable
 * and serializable: the lists are read once when a job is built and travel with it.
 */
public final class KnownBadHashes implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_PDQ_DISTANCE = 31;
  public static final int MAX_PDQ_DISTANCE = 63;

  private final List<String> lists;
  private final SortedDigests md5;
  private final SortedDigests sha256;
  private final PdqMultiIndex pdq;

  /** A list entry that matched: where it is, and how. Names no image data. */
  public record Match(String list, int line, String kind, int distance) {
    /** The rejection detail: the list, the line and the kind of hash. */
    public String detail() {
      return "on known-bad list "
          + list
          + " line "
          + line
          + " ("
          + kind
          + (kind.equals("pdq") ? ", distance " + distance : "")
          + ")";
    }
  }

  /** Counts of entries by kind, for the run's configuration and report. */
  public record Counts(int md5, int sha256, int pdq) {
    public int total() {
      return md5 + sha256 + pdq;
    }
  }

  private KnownBadHashes(Builder b) {
    this.lists = List.copyOf(b.lists);
    this.md5 = new SortedDigests(16, b.md5);
    this.sha256 = new SortedDigests(32, b.sha256);
    this.pdq = new PdqMultiIndex(b.pdqHashes, b.pdqLimits, b.pdqRefs);
  }

  public static KnownBadHashes none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean isEmpty() {
    return counts().total() == 0;
  }

  public boolean hasPdq() {
    return pdq.size() > 0;
  }

  public Counts counts() {
    return new Counts(md5.size(), sha256.size(), pdq.size());
  }

  /** The lists' names, in the order they were added. */
  public List<String> lists() {
    return lists;
  }

  /**
   * The closest PDQ entry within its own distance of any rotation or flip of any of these hashings
   * of one picture (whole, trimmed…), or null.
   */
  public Match matchPictures(java.util.Collection<Pdq.Dihedrals> pictures) {
    Match best = null;
    if (!hasPdq()) {
      return null;
    }
    for (Pdq.Dihedrals picture : pictures) {
      for (Pdq.Dihedral d : Pdq.Dihedral.values()) {
        Match m = matchPdq(picture.get(d));
        if (m != null && (best == null || m.distance() < best.distance())) {
          best = m;
        }
      }
    }
    return best;
  }

  /** A match on the digests alone (for data whose pictures are not at hand). */
  public Match matchDigests(String sha256Hex, String md5Hex) {
    int at = sha256.find(sha256Hex);
    if (at >= 0) {
      return new Match(lists.get(sha256.list(at)), sha256.line(at), "sha256", 0);
    }
    at = md5.find(md5Hex);
    if (at >= 0) {
      return new Match(lists.get(md5.list(at)), md5.line(at), "md5", 0);
    }
    return null;
  }

  /** The closest PDQ entry within its own distance of this hash, or null. */
  public Match matchPdq(Pdq.Hash hash) {
    if (hash == null || !hasPdq()) {
      return null;
    }
    return pdq.closest(hash, lists);
  }

  /** Collects lists, line by line; a bad line is an error naming its list and line. */
  public static final class Builder {
    private final List<String> lists = new ArrayList<>();
    private final List<SortedDigests.Entry> md5 = new ArrayList<>();
    private final List<SortedDigests.Entry> sha256 = new ArrayList<>();
    private final List<long[]> pdqHashes = new ArrayList<>();
    private final List<Integer> pdqLimits = new ArrayList<>();
    private final List<int[]> pdqRefs = new ArrayList<>();

    private Builder() {}

    /** Adds one list's lines; {@code name} is how rejections cite it (a path or URL). */
    public Builder add(String name, List<String> lines) {
      int list = lists.size();
      lists.add(name);
      for (int i = 0; i < lines.size(); i++) {
        try {
          addLine(list, i + 1, lines.get(i).strip());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "known-bad list " + name + " line " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
      return this;
    }

    private void addLine(int list, int line, String text) {
      if (text.isEmpty() || text.startsWith("#")) {
        return;
      }
      int colon = text.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("expected md5:HEX, sha256:HEX or pdq:HEX [distance]");
      }
      String kind = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String[] fields = text.substring(colon + 1).strip().split("\\s+");
      switch (kind) {
        case "md5", "sha256" -> {
          int bytes = kind.equals("md5") ? 16 : 32;
          if (fields.length != 1) {
            throw new IllegalArgumentException(kind + " takes one hash, no distance");
          }
          (kind.equals("md5") ? md5 : sha256)
              .add(new SortedDigests.Entry(hex(fields[0], bytes, kind), list, line));
        }
        case "pdq" -> {
          if (fields.length > 2) {
            throw new IllegalArgumentException("pdq takes a hash and at most a distance");
          }
          Pdq.Hash hash = Pdq.Hash.fromHex(fields[0]);
          int limit = DEFAULT_PDQ_DISTANCE;
          if (fields.length == 2) {
            try {
              limit = Integer.parseInt(fields[1]);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(
                  "the distance '" + fields[1] + "' is not a whole number");
            }
            if (limit < 0 || limit > MAX_PDQ_DISTANCE) {
              throw new IllegalArgumentException(
                  "the distance is 0 to " + MAX_PDQ_DISTANCE + " bits, not " + limit);
            }
          }
          pdqHashes.add(hash.toLongArray());
          pdqLimits.add(limit);
          pdqRefs.add(new int[] {list, line});
        }
        default ->
            throw new IllegalArgumentException(
                "unknown hash kind '" + kind + "' (md5, sha256 or pdq)");
      }
    }

    private static byte[] hex(String text, int bytes, String kind) {
      if (text.length() != 2 * bytes) {
        throw new IllegalArgumentException(
            "an " + kind + " is " + 2 * bytes + " hex digits, got " + text.length());
      }
      try {
        return HexFormat.of().parseHex(text.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + text + "' is not hex");
      }
    }

    public KnownBadHashes build() {
      return new KnownBadHashes(this);
    }
  }
}
