package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.copydetect.Fingerprint;
import io.winnow.knn.KeyedVector;
import io.winnow.knn.Neighbor;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;

/**
 * Verification of candidate pairs: each pair meets both members' fingerprints, one half at a time,
 * and becomes an edge only when {@code CopyVerifier} accepts it. Part of {@link
 * DropNearDuplicates}.
 */
final class PairVerification {
  private PairVerification() {}

  /** k-NN results as (smaller key, larger key) candidate pairs. */
  static final class PairsFn extends DoFn<KV<String, List<Neighbor>>, KV<String, String>> {
    private final double floor;
    private final int nearest;

    PairsFn(double floor, int nearest) {
      this.floor = floor;
      this.nearest = nearest;
    }

    @ProcessElement
    public void process(
        @Element KV<String, List<Neighbor>> query, OutputReceiver<KV<String, String>> out) {
      String a = query.getKey();
      List<Neighbor> best = new ArrayList<>(query.getValue());
      best.sort(Neighbor.BEST_FIRST);
      for (Neighbor n : best.subList(0, Math.min(nearest, best.size()))) {
        String b = n.key();
        if (n.similarity() >= floor && !a.equals(b)) {
          out.output(a.compareTo(b) < 0 ? KV.of(a, b) : KV.of(b, a));
        }
      }
    }
  }

  static final class FingerprintsFn
      extends DoFn<KV<String, DropNearDuplicates.Member>, KV<String, byte[]>> {
    @ProcessElement
    public void process(
        @Element KV<String, DropNearDuplicates.Member> m, OutputReceiver<KV<String, byte[]>> out) {
      if (m.getValue().fingerprint() != null) {
        out.output(KV.of(m.getKey(), m.getValue().fingerprint()));
      }
    }
  }

  /** Sends the first member of each of its pairs to the pair's second key. */
  static final class FirstHalfFn
      extends DoFn<KV<String, CoGbkResult>, KV<String, DropNearDuplicates.Member>> {
    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> joined,
        OutputReceiver<KV<String, DropNearDuplicates.Member>> out) {
      DropNearDuplicates.Member first = joined.getValue().getOnly(DropNearDuplicates.MEMBER, null);
      if (first == null) {
        return;
      }
      // The first member is verified straight against the second's two views: its own mirror
      // view would only double what each pair carries through the next shuffle.
      DropNearDuplicates.Member shipped = null;
      for (String second : joined.getValue().getAll(DropNearDuplicates.PARTNER)) {
        if (shipped == null) {
          shipped =
              first.fingerprint() == null
                  ? first
                  : new DropNearDuplicates.Member(
                      first.key(),
                      first.url(),
                      first.pixels(),
                      first.vector(),
                      Fingerprint.decode(first.fingerprint()).withoutMirror().encode());
        }
        out.output(KV.of(second, shipped));
      }
    }
  }

  /** Judges every pair of a second member; only verified pairs leave, as edges. */
  static final class VerifyFn
      extends DoFn<
          KV<String, Iterable<KV<Boolean, DropNearDuplicates.Member>>>, StarGrouping.Edge> {
    private final CopyVerifier verifier;
    private final boolean verify;
    private final Counter verified = Metrics.counter("dedup", "candidates_verified");
    private final Counter refused = Metrics.counter("dedup", "candidates_refused");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("dedup");

    VerifyFn(CopyVerifier verifier, boolean verify) {
      this.verifier = verifier;
      this.verify = verify;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<KV<Boolean, DropNearDuplicates.Member>>> joined,
        OutputReceiver<StarGrouping.Edge> out) {
      // Two passes (the values are read again from their files): the member, then its pairs.
      DropNearDuplicates.Member second = null;
      for (KV<Boolean, DropNearDuplicates.Member> m : joined.getValue()) {
        if (!m.getKey()) {
          second = m.getValue();
          break;
        }
      }
      if (second == null) {
        return;
      }
      long start = System.nanoTime();
      Fingerprint b =
          !verify || second.fingerprint() == null ? null : Fingerprint.decode(second.fingerprint());
      long pairs = 0;
      for (KV<Boolean, DropNearDuplicates.Member> half : joined.getValue()) {
        if (!half.getKey()) {
          continue;
        }
        DropNearDuplicates.Member first = half.getValue();
        pairs++;
        float cosine = KeyedVector.dot(first.vector(), second.vector());
        CopyVerifier.Verdict v;
        if (b == null || first.fingerprint() == null) {
          v = verifier.embeddingOnly(cosine, verify ? "no fingerprint" : "verification off");
        } else {
          v =
              verifier.verify(
                  Fingerprint.decode(first.fingerprint()),
                  b,
                  cosine,
                  seed(first.key(), second.key()));
        }
        if (v.copy()) {
          verified.inc();
          out.output(new StarGrouping.Edge(first.key(), second.key(), cosine, v.describe()));
        } else {
          refused.inc();
        }
      }
      timer.record(System.nanoTime() - start, pairs);
    }

    static long seed(String a, String b) {
      return (long) a.hashCode() * 0x9E3779B1L + b.hashCode();
    }
  }
}
