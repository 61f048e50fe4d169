package io.winnow.dedup;

import io.winnow.knn.KeyedVector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.FloatCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Compact coders for what dedup's shuffles carry: members, removals and edges. Part of {@link
 * DropNearDuplicates}.
 */
final class DedupCoders {
  private DedupCoders() {}

  static final class MemberCoder extends AtomicCoder<DropNearDuplicates.Member> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();
    private static final NullableCoder<String> URL = NullableCoder.of(TEXT);
    private static final NullableCoder<byte[]> BYTES = NullableCoder.of(ByteArrayCoder.of());

    @Override
    public void encode(DropNearDuplicates.Member m, OutputStream out) throws IOException {
      TEXT.encode(m.key(), out);
      URL.encode(m.url(), out);
      VarLongCoder.of().encode(m.pixels(), out);
      new KeyedVector.FloatArrayCoder().encode(m.vector(), out);
      BYTES.encode(m.fingerprint(), out);
    }

    @Override
    public DropNearDuplicates.Member decode(InputStream in) throws IOException {
      return new DropNearDuplicates.Member(
          TEXT.decode(in),
          URL.decode(in),
          VarLongCoder.of().decode(in),
          new KeyedVector.FloatArrayCoder().decode(in),
          BYTES.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class RemovalCoder extends AtomicCoder<DropNearDuplicates.Removal> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();

    @Override
    public void encode(DropNearDuplicates.Removal r, OutputStream out) throws IOException {
      TEXT.encode(r.representative(), out);
      TEXT.encode(r.detail(), out);
      BooleanCoder.of().encode(r.exact(), out);
      FloatCoder.of().encode(r.similarity(), out);
    }

    @Override
    public DropNearDuplicates.Removal decode(InputStream in) throws IOException {
      return new DropNearDuplicates.Removal(
          TEXT.decode(in),
          TEXT.decode(in),
          BooleanCoder.of().decode(in),
          FloatCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class EdgeCoder extends AtomicCoder<StarGrouping.Edge> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();

    @Override
    public void encode(StarGrouping.Edge e, OutputStream out) throws IOException {
      TEXT.encode(e.a(), out);
      TEXT.encode(e.b(), out);
      FloatCoder.of().encode(e.similarity(), out);
      TEXT.encode(e.evidence(), out);
    }

    @Override
    public StarGrouping.Edge decode(InputStream in) throws IOException {
      return new StarGrouping.Edge(
          TEXT.decode(in), TEXT.decode(in), FloatCoder.of().decode(in), TEXT.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
