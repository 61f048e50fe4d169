package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.copydetect.Fingerprint;
import io.winnow.knn.KeyedVector;
import io.winnow.schemas.GroupThroughFiles;
import io.winnow.schemas.StageTimer;
import java.io.Serializable;
import java.util.Comparator;
import java.util.Locale;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Min;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Removals in components too large to gather on one worker (more than {@link
 * DropNearDuplicates#MAX_RECHECKED_COMPONENT} members: a viral picture and its copies). The
 * component's representative, its most preferred member (largest original, then smallest key), is
 * found by a distributed reduction (a combine per component); then every other member is verified
 * directly against it, in slices of at most {@link #SLICE} members, each slice with its own copy of
 * the representative, so the work of one component spreads over as many tasks as it has slices. A
 * member that is a verified copy of the representative is removed in its favour; any other is kept
 * (so two different pictures chained into one component lose only the copies of the
 * representative's picture). Deterministic: the representative and each verdict depend only on the
 * members.
 */
final class LargeComponents {
  /** Members per slice of a large component: one task verifies them against the representative. */
  static final int SLICE = 2_000;

  private LargeComponents() {}

  /**
   * Who is removed in favour of the representative, given each large component's members keyed by
   * component, with the component's size.
   */
  static PCollection<KV<String, DropNearDuplicates.Removal>> removals(
      PCollection<KV<String, KV<Integer, DropNearDuplicates.Member>>> members,
      CopyVerifier verifier,
      boolean verify) {
    KvCoder<String, KV<Integer, DropNearDuplicates.Member>> memberCoder =
        KvCoder.of(
            StringUtf8Coder.of(), KvCoder.of(VarIntCoder.of(), new DedupCoders.MemberCoder()));
    PCollection<KV<String, KV<Integer, DropNearDuplicates.Member>>> representatives =
        members.apply("MostPreferredMember", Min.perKey(new Preferred())).setCoder(memberCoder);
    KvCoder<String, KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>
        sliceCoder =
            KvCoder.of(
                StringUtf8Coder.of(),
                KvCoder.of(
                    NullableCoder.of(KvCoder.of(VarIntCoder.of(), new DedupCoders.MemberCoder())),
                    NullableCoder.of(new DedupCoders.MemberCoder())));
    return PCollectionList.of(
            representatives
                .apply("RepresentativeToSlices", ParDo.of(new RepresentativeSlicesFn()))
                .setCoder(sliceCoder))
        .and(members.apply("MembersToSlices", ParDo.of(new MemberSliceFn())).setCoder(sliceCoder))
        .apply("SliceParts", Flatten.pCollections())
        .apply(
            "GroupSlices",
            GroupThroughFiles
                .<String, KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>in(
                    GroupThroughFiles.tempDirOf(members.getPipeline().getOptions())))
        .apply("VerifyAgainstRepresentative", ParDo.of(new VerifyFn(verifier, verify)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), new DedupCoders.RemovalCoder()));
  }

  /** Largest original first, then smallest key (as {@link StarGrouping#PREFERRED}). */
  static final class Preferred
      implements Comparator<KV<Integer, DropNearDuplicates.Member>>, Serializable {
    @Override
    public int compare(
        KV<Integer, DropNearDuplicates.Member> a, KV<Integer, DropNearDuplicates.Member> b) {
      return StarGrouping.PREFERRED.compare(node(a.getValue()), node(b.getValue()));
    }

    private static StarGrouping.Node node(DropNearDuplicates.Member m) {
      return new StarGrouping.Node(m.key(), m.pixels());
    }
  }

  static int slices(int size) {
    return Math.max(1, (size + SLICE - 1) / SLICE);
  }

  static String slice(String component, int index) {
    return component + "#" + index;
  }

  static final class RepresentativeSlicesFn
      extends DoFn<
          KV<String, KV<Integer, DropNearDuplicates.Member>>,
          KV<String, KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>> {
    @ProcessElement
    public void process(
        @Element KV<String, KV<Integer, DropNearDuplicates.Member>> representative,
        OutputReceiver<
                KV<String, KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>>
            out) {
      int slices = slices(representative.getValue().getKey());
      for (int i = 0; i < slices; i++) {
        out.output(
            KV.of(slice(representative.getKey(), i), KV.of(representative.getValue(), null)));
      }
    }
  }

  static final class MemberSliceFn
      extends DoFn<
          KV<String, KV<Integer, DropNearDuplicates.Member>>,
          KV<String, KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>> {
    @ProcessElement
    public void process(
        @Element KV<String, KV<Integer, DropNearDuplicates.Member>> member,
        OutputReceiver<
                KV<String, KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>>
            out) {
      DropNearDuplicates.Member m = member.getValue().getValue();
      int index = Math.floorMod(m.key().hashCode(), slices(member.getValue().getKey()));
      out.output(KV.of(slice(member.getKey(), index), KV.of(null, m)));
    }
  }

  /** Two passes over a slice (read again from files): its representative, then its members. */
  static final class VerifyFn
      extends DoFn<
          KV<
              String,
              Iterable<KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>>,
          KV<String, DropNearDuplicates.Removal>> {
    private final CopyVerifier verifier;
    private final boolean verify;
    private final Counter checked = Metrics.counter("dedup", "large_component_members_checked");
    private final Counter copies = Metrics.counter("dedup", "large_component_copies");
    private final StageTimer timer = StageTimer.of("dedup");

    VerifyFn(CopyVerifier verifier, boolean verify) {
      this.verifier = verifier;
      this.verify = verify;
    }

    @ProcessElement
    public void process(
        @Element
            KV<
                    String,
                    Iterable<KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member>>>
                slice,
        OutputReceiver<KV<String, DropNearDuplicates.Removal>> out) {
      KV<Integer, DropNearDuplicates.Member> sized = null;
      for (KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member> part :
          slice.getValue()) {
        if (part.getKey() != null) {
          sized = part.getKey();
          break;
        }
      }
      if (sized == null) {
        throw new IllegalStateException("no representative reached slice " + slice.getKey());
      }
      DropNearDuplicates.Member representative = sized.getValue();
      long start = System.nanoTime();
      long pairs = 0;
      Fingerprint kept =
          verify && representative.fingerprint() != null
              ? Fingerprint.decode(representative.fingerprint())
              : null;
      for (KV<KV<Integer, DropNearDuplicates.Member>, DropNearDuplicates.Member> part :
          slice.getValue()) {
        DropNearDuplicates.Member m = part.getValue();
        if (m == null || m.key().equals(representative.key())) {
          continue;
        }
        pairs++;
        checked.inc();
        CopyVerifier.Verdict v = verdict(m, representative, kept);
        if (v.copy()) {
          copies.inc();
          out.output(
              KV.of(
                  m.key(),
                  new DropNearDuplicates.Removal(
                      representative.key(),
                      String.format(
                          Locale.ROOT,
                          "near-duplicate of %s (%s, group of %d)",
                          representative.key(),
                          v.describe(),
                          sized.getKey()),
                      false,
                      v.cosine())));
        }
      }
      timer.record(System.nanoTime() - start, pairs);
    }

    private CopyVerifier.Verdict verdict(
        DropNearDuplicates.Member m, DropNearDuplicates.Member representative, Fingerprint kept) {
      float cosine = KeyedVector.dot(m.vector(), representative.vector());
      if (kept == null || m.fingerprint() == null) {
        return verifier.embeddingOnly(cosine, verify ? "no fingerprint" : "verification off");
      }
      Fingerprint own = Fingerprint.decode(m.fingerprint());
      boolean first = m.key().compareTo(representative.key()) < 0;
      return verifier.verify(
          first ? own : kept,
          first ? kept : own,
          cosine,
          PairVerification.VerifyFn.seed(
              first ? m.key() : representative.key(), first ? representative.key() : m.key()));
    }
  }
}
