package io.winnow.dedup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Exact copies: samples with the same SHA-256 of their downloaded bytes, one kept per hash (the
 * smallest key), the others removed as {@code exact-duplicate} of it. Part of {@link
 * DropNearDuplicates}.
 */
final class ExactCopies {
  private ExactCopies() {}

  /**
   * The copies of one file: the member with the smallest key, kept whole, and the others' keys and
   * URLs (all a removal needs).
   */
  static final class SameBytes {
    DropNearDuplicates.Member keep;
    final List<KV<String, String>> others = new ArrayList<>();

    void add(DropNearDuplicates.Member m) {
      if (keep == null) {
        keep = m;
      } else if (m.key().equals(keep.key())) {
        return; // the same sample twice is not a copy of itself
      } else if (m.key().compareTo(keep.key()) < 0) {
        others.add(KV.of(keep.key(), keep.url()));
        keep = m;
      } else {
        others.add(KV.of(m.key(), m.url()));
      }
    }
  }

  static final class KeepSmallestKey
      extends Combine.CombineFn<DropNearDuplicates.Member, SameBytes, SameBytes> {
    @Override
    public SameBytes createAccumulator() {
      return new SameBytes();
    }

    @Override
    public SameBytes addInput(SameBytes acc, DropNearDuplicates.Member m) {
      acc.add(m);
      return acc;
    }

    @Override
    public SameBytes mergeAccumulators(Iterable<SameBytes> accumulators) {
      SameBytes merged = new SameBytes();
      for (SameBytes acc : accumulators) {
        if (acc.keep != null) {
          merged.add(acc.keep);
        }
        merged.others.addAll(acc.others);
      }
      return merged;
    }

    @Override
    public SameBytes extractOutput(SameBytes acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<SameBytes> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<DropNearDuplicates.Member> input) {
      return new SameBytesCoder();
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<SameBytes> getDefaultOutputCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<DropNearDuplicates.Member> input) {
      return new SameBytesCoder();
    }
  }

  static final class SameBytesCoder extends AtomicCoder<SameBytes> {
    private static final NullableCoder<DropNearDuplicates.Member> KEEP =
        NullableCoder.of(new DedupCoders.MemberCoder());
    private static final org.apache.beam.sdk.coders.ListCoder<KV<String, String>> OTHERS =
        org.apache.beam.sdk.coders.ListCoder.of(
            KvCoder.of(StringUtf8Coder.of(), NullableCoder.of(StringUtf8Coder.of())));

    @Override
    public void encode(SameBytes value, OutputStream out) throws IOException {
      KEEP.encode(value.keep, out);
      OTHERS.encode(value.others, out);
    }

    @Override
    public SameBytes decode(InputStream in) throws IOException {
      SameBytes value = new SameBytes();
      value.keep = KEEP.decode(in);
      value.others.addAll(OTHERS.decode(in));
      return value;
    }
  }

  static final class KeepOneFn
      extends DoFn<KV<String, SameBytes>, KV<String, DropNearDuplicates.Member>> {
    @ProcessElement
    public void process(@Element KV<String, SameBytes> group, MultiOutputReceiver out) {
      DropNearDuplicates.Member keep = group.getValue().keep;
      out.get(DropNearDuplicates.UNIQUE).output(KV.of(keep.key(), keep));
      for (KV<String, String> other : group.getValue().others) {
        out.get(DropNearDuplicates.EXACT_REMOVALS)
            .output(
                KV.of(
                    other.getKey(),
                    new DropNearDuplicates.Removal(
                        keep.key(),
                        "same bytes (sha256 "
                            + group.getKey()
                            + ") as "
                            + keep.key()
                            + " ("
                            + keep.url()
                            + ")",
                        true,
                        1f)));
      }
    }
  }
}
