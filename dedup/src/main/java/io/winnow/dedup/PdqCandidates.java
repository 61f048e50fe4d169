package io.winnow.dedup;

import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.Pdq;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
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
 * <p>Input: (key, fingerprint) of each image; output: (smaller key, larger key) pairs, possibly
 * repeated.
 */
final class PdqCandidates
    extends PTransform<PCollection<KV<String, byte[]>>, PCollection<KV<String, String>>> {
  static final int CHUNKS = 16;

  private final int maxDistance;
  private final int maxBucket;

  PdqCandidates(int maxDistance, int maxBucket) {
    this.maxDistance = maxDistance;
    this.maxBucket = maxBucket;
  }

  /** A hash filed (or looked up) in a bucket. */
  record Entry(String key, boolean lookup, long[] words) implements Serializable {}

  @Override
  public PCollection<KV<String, String>> expand(PCollection<KV<String, byte[]>> fingerprints) {
    return fingerprints
        .apply("PdqBuckets", ParDo.of(new BucketFn()))
        .setCoder(KvCoder.of(VarIntCoder.of(), new EntryCoder()))
        // A bucket can hold every plain image of a crawl: through files, not one record.
        .apply(
            "GroupPdqBuckets",
            io.winnow.schemas.GroupThroughFiles.<Integer, Entry>in(
                io.winnow.schemas.GroupThroughFiles.tempDirOf(
                    fingerprints.getPipeline().getOptions())))
        .apply("ComparePdqBuckets", ParDo.of(new CompareFn(maxDistance, maxBucket)))
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
      for (int c = 0; c < CHUNKS; c++) {
        out.output(KV.of(bucket(filed, c), new Entry(key, false, filed)));
      }
      Set<String> seen = new HashSet<>();
      for (Pdq.Dihedral d : Pdq.Dihedral.values()) {
        long[] words = pdq.get(d).toLongArray();
        for (int c = 0; c < CHUNKS; c++) {
          int bucket = bucket(words, c);
          // One look-up per bucket and hash: turns often share chunks.
          if (seen.add(bucket + ":" + d.ordinal())) {
            out.output(KV.of(bucket, new Entry(key, true, words)));
          }
        }
      }
    }
  }

  static final class CompareFn extends DoFn<KV<Integer, Iterable<Entry>>, KV<String, String>> {
    private final int maxDistance;
    private final int maxBucket;
    private final Counter skipped = Metrics.counter("dedup", "pdq_buckets_skipped");

    CompareFn(int maxDistance, int maxBucket) {
      this.maxDistance = maxDistance;
      this.maxBucket = maxBucket;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Entry>> bucket, OutputReceiver<KV<String, String>> out) {
      List<Entry> filed = new ArrayList<>();
      List<Entry> lookups = new ArrayList<>();
      int size = 0;
      for (Entry e : bucket.getValue()) {
        if (++size > maxBucket) {
          skipped.inc();
          return;
        }
        (e.lookup() ? lookups : filed).add(e);
      }
      for (Entry q : lookups) {
        for (Entry f : filed) {
          if (q.key().equals(f.key())) {
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
      BooleanCoder.of().encode(e.lookup(), out);
      for (long w : e.words()) {
        BigEndianLongCoder.of().encode(w, out);
      }
    }

    @Override
    public Entry decode(InputStream in) throws IOException {
      String key = StringUtf8Coder.of().decode(in);
      boolean lookup = BooleanCoder.of().decode(in);
      long[] words = new long[4];
      for (int i = 0; i < 4; i++) {
        words[i] = BigEndianLongCoder.of().decode(in);
      }
      return new Entry(key, lookup, words);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
