package io.winnow.dedup;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.copydetect.Fingerprint;
import io.winnow.knn.Neighbor;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.FloatCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;

/**
 * Verified decontamination ({@link Decontaminate#verifiedAgainst}): each pool sample's eval
 * candidates, the eval images' fingerprints sent to them, and the verdict that rejects a verified
 * copy. The joins between these steps are Decontaminate's.
 */
final class EvalCopies {
  private EvalCopies() {}

  /** An eval image a pool sample may be a copy of. */
  record EvalCandidate(String evalKey, float cosine, byte[] fingerprint) implements Serializable {}

  /** Each (pool sample, eval image) candidate, keyed by the eval image. */
  static final class ByEvalFn
      extends DoFn<KV<String, List<Neighbor>>, KV<String, KV<String, Float>>> {
    private final double floor;

    ByEvalFn(double floor) {
      this.floor = floor;
    }

    @ProcessElement
    public void process(
        @Element KV<String, List<Neighbor>> q, OutputReceiver<KV<String, KV<String, Float>>> out) {
      for (Neighbor n : q.getValue()) {
        if (n.similarity() >= floor) {
          out.output(KV.of(n.key(), KV.of(q.getKey(), n.similarity())));
        }
      }
    }
  }

  /** The eval image's fingerprint, sent to each pool sample it is a candidate of. */
  static final class ToPoolSampleFn
      extends DoFn<KV<String, CoGbkResult>, KV<String, EvalCandidate>> {
    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> joined, OutputReceiver<KV<String, EvalCandidate>> out) {
      byte[] print = joined.getValue().getOnly(Decontaminate.EVAL_PRINT, null);
      for (KV<String, Float> q : joined.getValue().getAll(Decontaminate.QUERY)) {
        out.output(KV.of(q.getKey(), new EvalCandidate(joined.getKey(), q.getValue(), print)));
      }
    }
  }

  /** Rejects a pool sample that is a verified copy of one of its eval candidates. */
  static final class VerifyFn extends DoFn<KV<String, CoGbkResult>, Sample> {
    private final CopyVerifier verifier;
    private final Counter removed = Metrics.counter("dedup", "contaminated");

    VerifyFn(CopyVerifier verifier) {
      this.verifier = verifier;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      Sample sample = joined.getValue().getOnly(Decontaminate.POOL, null);
      if (sample == null) {
        return;
      }
      Fingerprint poolPrint =
          sample.fingerprint() == null ? null : Fingerprint.decode(sample.fingerprint());
      // Best cosine first, then key: the verdict named is the same whatever the order.
      java.util.List<EvalCandidate> candidates = new java.util.ArrayList<>();
      joined.getValue().getAll(Decontaminate.CANDIDATE).forEach(candidates::add);
      candidates.sort(
          java.util.Comparator.comparingDouble((EvalCandidate c) -> -c.cosine())
              .thenComparing(EvalCandidate::evalKey));
      for (EvalCandidate c : candidates) {
        CopyVerifier.Verdict v =
            poolPrint == null || c.fingerprint() == null
                ? verifier.embeddingOnly(c.cosine(), "no fingerprint")
                : verifier.verify(
                    Fingerprint.decode(c.fingerprint()),
                    poolPrint,
                    c.cosine(),
                    (long) c.evalKey().hashCode() * 31 + sample.key().hashCode());
        if (v.copy()) {
          removed.inc();
          out.get(Decontaminate.REJECTIONS)
              .output(
                  Rejection.of(
                      sample.key(),
                      sample.url(),
                      Reason.CONTAMINATED,
                      "copy of eval image " + c.evalKey() + " (" + v.describe() + ")"));
          return;
        }
      }
      out.get(Decontaminate.KEPT).output(sample);
    }
  }

  static final class EvalCandidateCoder extends AtomicCoder<EvalCandidate> {
    private static final org.apache.beam.sdk.coders.NullableCoder<byte[]> BYTES =
        org.apache.beam.sdk.coders.NullableCoder.of(ByteArrayCoder.of());

    @Override
    public void encode(EvalCandidate c, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(c.evalKey(), out);
      FloatCoder.of().encode(c.cosine(), out);
      BYTES.encode(c.fingerprint(), out);
    }

    @Override
    public EvalCandidate decode(InputStream in) throws IOException {
      return new EvalCandidate(
          StringUtf8Coder.of().decode(in), FloatCoder.of().decode(in), BYTES.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
