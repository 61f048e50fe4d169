package io.winnow.dedup;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.Pdq;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Candidate pairs from PDQ hashes, rotations and flips included, without comparing all pairs:
 * multi-index hashing. A hash is cut into 16 chunks of 16 bits; two hashes within 15 bits agree on
 * at least one whole chunk, and most pairs within {@link Pdq#MATCH_DISTANCE} do too. Each image
 * files its hash under its 16 (chunk, value) buckets, and looks up the buckets of its eight rotated
 * and flipped hashes; within a bucket every looked-up hash is compared with every filed one. Images
 * of PDQ quality under {@link Pdq#MIN_QUALITY} take no part (their hashes match noise). A bucket
 * holding more than {@code maxBucket} entries (a hash shared by a flood of near-blank images) is
 * skipped and counted ({@code dedup/pdq_buckets_skipped}) rather than compared all against all.
 *
 * <p>Buckets are gathered by a combine whose accumulator stops keeping entries once it holds more
 * than {@code maxBucket}: what travels per bucket is bounded whatever the crawl, and the hundreds
 * of thousands of small buckets of a run go through the shuffle in memory rather than through
 * files.
 *
 * <p>Input: (key, fingerprint) of each image; output: (smaller key, larger key) pairs, possibly
 * repeated.
 */
final class PdqCandidates
    extends PTransform<PCollection<KV<String, byte[]>>, PCollection<KV<String, String>>> {
  static final int CHUNKS = 16;

  /** An entry's role in its bucket: its hash is filed there, looked up there, or both. */
  static final byte FILED = 1;

  static final byte LOOKUP = 2;
  static final byte BOTH = FILED | LOOKUP;

  private final int maxDistance;
  private final int maxBucket;

  PdqCandidates(int maxDistance, int maxBucket) {
    this.maxDistance = maxDistance;
    this.maxBucket = maxBucket;
  }

  /** A hash filed (or looked up, or both) in a bucket. */
  record Entry(String key, byte role, long[] words) implements Serializable {
    boolean filed() {
      return (role & FILED) != 0;
    }

    boolean lookup() {
      return (role & LOOKUP) != 0;
    }
  }

  /** A bucket's entries, or only the fact that it overflowed (then it holds none). */
  record Bucket(List<Entry> entries, boolean overflowed) implements Serializable {}

  @Override
  public PCollection<KV<String, String>> expand(PCollection<KV<String, byte[]>> fingerprints) {
    return fingerprints
        .apply("PdqBuckets", ParDo.of(new BucketFn()))
        .setCoder(KvCoder.of(VarIntCoder.of(), new EntryCoder()))
        .apply("GroupPdqBuckets", Combine.<Integer, Entry, Bucket>perKey(new GatherFn(maxBucket)))
        .setCoder(KvCoder.of(VarIntCoder.of(), new BucketCoder()))
        .apply("ComparePdqBuckets", ParDo.of(new CompareFn(maxDistance)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  /** Bucket id: chunk index in the top bits, its 16-bit value below. */
  static int bucket(long[] words, int chunk) {
    int value = (int) ((words[chunk / 4] >>> (16 * (chunk % 4))) & 0xffff);
    return chunk << 16 | value;
  }

  static final class BucketFn extends DoFn<KV<String, byte[]>, KV<Integer, Entry>> {
    @ProcessElement
    public void process(@Element KV<String, byte[]> image, OutputReceiver<KV<Integer, Entry>> out) {
      Pdq.Dihedrals pdq = Fingerprint.pdqOf(image.getValue());
      if (pdq.quality() < Pdq.MIN_QUALITY) {
        return;
      }
      String key = image.getKey();
      long[] filed = pdq.original().toLongArray();
      // The original hash is filed and looked up in the same buckets: one entry does both. A
      // turn with the same hash as the original or as another turn (symmetric pictures) would
      // only repeat its comparisons.
      for (int c = 0; c < CHUNKS; c++) {
        out.output(KV.of(bucket(filed, c), new Entry(key, BOTH, filed)));
      }
      List<long[]> looked = new ArrayList<>(List.of(filed));
      for (Pdq.Dihedral d : Pdq.Dihedral.values()) {
        long[] words = pdq.get(d).toLongArray();
        if (looked.stream().anyMatch(w -> Arrays.equals(w, words))) {
          continue;
        }
        looked.add(words);
        for (int c = 0; c < CHUNKS; c++) {
          out.output(KV.of(bucket(words, c), new Entry(key, LOOKUP, words)));
        }
      }
    }
  }

  /** Gathers a bucket's entries, keeping none once there are more than {@code maxBucket}. */
  static final class GatherFn extends Combine.CombineFn<Entry, Bucket, Bucket> {
    private static final Bucket OVERFLOWED = new Bucket(List.of(), true);

    private final int maxBucket;

    GatherFn(int maxBucket) {
      this.maxBucket = maxBucket;
    }

    @Override
    public Bucket createAccumulator() {
      return new Bucket(new ArrayList<>(), false);
    }

    @Override
    public Bucket addInput(Bucket bucket, Entry entry) {
      if (bucket.overflowed() || bucket.entries().size() >= maxBucket) {
        return OVERFLOWED;
      }
      bucket.entries().add(entry);
      return bucket;
    }

    @Override
    public Bucket mergeAccumulators(Iterable<Bucket> buckets) {
      Bucket merged = createAccumulator();
      for (Bucket bucket : buckets) {
        if (bucket.overflowed() || merged.entries().size() + bucket.entries().size() > maxBucket) {
          return OVERFLOWED;
        }
        merged.entries().addAll(bucket.entries());
      }
      return merged;
    }

    @Override
    public Bucket extractOutput(Bucket bucket) {
      return bucket;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Bucket> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<Entry> inputCoder) {
      return new BucketCoder();
    }
  }

  static final class CompareFn extends DoFn<KV<Integer, Bucket>, KV<String, String>> {
    private final int maxDistance;
    private final Counter skipped = Metrics.counter("dedup", "pdq_buckets_skipped");

    CompareFn(int maxDistance) {
      this.maxDistance = maxDistance;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Bucket> bucket, OutputReceiver<KV<String, String>> out) {
      Bucket b = bucket.getValue();
      if (b.overflowed()) {
        skipped.inc();
        return;
      }
      List<Entry> entries = b.entries();
      if (entries.size() < 2) {
        return;
      }
      for (Entry q : entries) {
        if (!q.lookup()) {
          continue;
        }
        for (Entry f : entries) {
          if (!f.filed() || q.key().equals(f.key())) {
            continue;
          }
          if (distance(q.words(), f.words()) <= maxDistance) {
            out.output(
                q.key().compareTo(f.key()) < 0 ? KV.of(q.key(), f.key()) : KV.of(f.key(), q.key()));
          }
        }
      }
    }
  }

  static int distance(long[] a, long[] b) {
    int d = 0;
    for (int i = 0; i < a.length; i++) {
      d += Long.bitCount(a[i] ^ b[i]);
    }
    return d;
  }

  static final class EntryCoder extends AtomicCoder<Entry> {
    @Override
    public void encode(Entry e, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(e.key(), out);
      out.write(e.role());
      for (long w : e.words()) {
        BigEndianLongCoder.of().encode(w, out);
      }
    }

    @Override
    public Entry decode(InputStream in) throws IOException {
      String key = StringUtf8Coder.of().decode(in);
      int role = in.read();
      if (role < 0) {
        throw new java.io.EOFException("a PDQ bucket entry ends before its role");
      }
      long[] words = new long[4];
      for (int i = 0; i < 4; i++) {
        words[i] = BigEndianLongCoder.of().decode(in);
      }
      return new Entry(key, (byte) role, words);
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class BucketCoder extends AtomicCoder<Bucket> {
    private static final ListCoder<Entry> ENTRIES = ListCoder.of(new EntryCoder());

    @Override
    public void encode(Bucket b, OutputStream out) throws IOException {
      BooleanCoder.of().encode(b.overflowed(), out);
      ENTRIES.encode(b.entries(), out);
    }

    @Override
    public Bucket decode(InputStream in) throws IOException {
      boolean overflowed = BooleanCoder.of().decode(in);
      // Mutable: a decoded accumulator is added to.
      return new Bucket(new ArrayList<>(ENTRIES.decode(in)), overflowed);
    }
  }
}
