package io.winnow.dedup;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.winnow.knn.KnnJoin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.FloatCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * One removed duplicate and the sample kept in its place, with their cosine similarity (1 for the
 * same bytes): what the run report shows as a pair of thumbnails.
 */
public record DuplicateExample(
    @JsonProperty("removed_key") String removedKey,
    @JsonProperty("kept_key") String keptKey,
    @JsonProperty("similarity") float similarity,
    @JsonProperty("exact") boolean exact)
    implements Serializable {

  /** Bands between the threshold and 1; band {@link #NEAREST_THRESHOLD} is a separate pick. */
  static final int BANDS = 8;

  static final int EXACT = -1;

  /** The removals closest to the threshold, where mistakes hide. */
  static final int NEAREST_THRESHOLD = -2;

  /**
   * Picks up to {@code perBand} removals in each similarity band, and the {@code perBand} closest
   * to the threshold. Within a band the pick is by a hash of the removed key: deterministic, and
   * spread over the run rather than the first keys in order. Combines per worker first, so only the
   * picks are shuffled.
   */
  static PTransform<
          PCollection<KV<String, DropNearDuplicates.Removal>>, PCollection<DuplicateExample>>
      sample(double threshold, int perBand) {
    return new PTransform<>() {
      @Override
      public PCollection<DuplicateExample> expand(
          PCollection<KV<String, DropNearDuplicates.Removal>> removals) {
        PCollection<KV<Integer, Ranked>> banded =
            removals
                .apply("Band", ParDo.of(new BandFn(threshold, perBand)))
                .setCoder(KvCoder.of(VarIntCoder.of(), new RankedCoder()));
        return banded
            .apply("FirstInEachBand", Top.perKey(Math.max(1, perBand), new ByRank()))
            .apply(
                "Examples",
                ParDo.of(
                    new DoFn<KV<Integer, List<Ranked>>, DuplicateExample>() {
                      @ProcessElement
                      public void process(
                          @Element KV<Integer, List<Ranked>> band,
                          OutputReceiver<DuplicateExample> out) {
                        band.getValue().forEach(r -> out.output(r.example()));
                      }
                    }))
            .setCoder(new Coder());
      }
    };
  }

  /** The band of a similarity in [threshold, 1]: 0 (at the threshold) to BANDS - 1. */
  static int band(double threshold, float similarity) {
    double span = Math.max(1e-9, 1.0 - threshold);
    int band = (int) Math.floor((similarity - threshold) / span * BANDS);
    return Math.max(0, Math.min(BANDS - 1, band));
  }

  /** An example with the value that orders it in its band (smaller first). */
  record Ranked(DuplicateExample example, double rank) implements Serializable {}

  /** Top keeps the largest: the comparator is reversed so the smallest ranks win. */
  static final class ByRank implements Comparator<Ranked>, Serializable {
    @Override
    public int compare(Ranked a, Ranked b) {
      int byRank = Double.compare(b.rank(), a.rank());
      return byRank != 0 ? byRank : b.example().removedKey().compareTo(a.example().removedKey());
    }
  }

  static final class BandFn
      extends DoFn<KV<String, DropNearDuplicates.Removal>, KV<Integer, Ranked>> {
    private final double threshold;
    private final int perBand;

    BandFn(double threshold, int perBand) {
      this.threshold = threshold;
      this.perBand = perBand;
    }

    @ProcessElement
    public void process(
        @Element KV<String, DropNearDuplicates.Removal> removal,
        OutputReceiver<KV<Integer, Ranked>> out) {
      if (perBand < 1) {
        return;
      }
      DropNearDuplicates.Removal r = removal.getValue();
      DuplicateExample e =
          new DuplicateExample(removal.getKey(), r.representative(), r.similarity(), r.exact());
      double hash = KnnJoin.unitHash(removal.getKey());
      if (r.exact()) {
        out.output(KV.of(EXACT, new Ranked(e, hash)));
      } else {
        out.output(KV.of(band(threshold, r.similarity()), new Ranked(e, hash)));
        out.output(KV.of(NEAREST_THRESHOLD, new Ranked(e, r.similarity())));
      }
    }
  }

  /** Coder for examples: three strings' worth of bytes, no Java serialization. */
  public static final class Coder extends AtomicCoder<DuplicateExample> {
    private static final StringUtf8Coder TEXT = StringUtf8Coder.of();

    @Override
    public void encode(DuplicateExample e, OutputStream out) throws IOException {
      TEXT.encode(e.removedKey(), out);
      TEXT.encode(e.keptKey(), out);
      FloatCoder.of().encode(e.similarity(), out);
      BooleanCoder.of().encode(e.exact(), out);
    }

    @Override
    public DuplicateExample decode(InputStream in) throws IOException {
      return new DuplicateExample(
          TEXT.decode(in),
          TEXT.decode(in),
          FloatCoder.of().decode(in),
          BooleanCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class RankedCoder extends AtomicCoder<Ranked> {
    @Override
    public void encode(Ranked r, OutputStream out) throws IOException {
      new Coder().encode(r.example(), out);
      org.apache.beam.sdk.coders.DoubleCoder.of().encode(r.rank(), out);
    }

    @Override
    public Ranked decode(InputStream in) throws IOException {
      return new Ranked(
          new Coder().decode(in), org.apache.beam.sdk.coders.DoubleCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
