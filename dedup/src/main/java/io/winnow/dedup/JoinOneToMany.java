package io.winnow.dedup;

import io.winnow.schemas.GroupThroughFiles;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Joins one value per key to any number of records under that key, through files: a key with a
 * hundred thousand records (a popular picture's copies, a component's members) is streamed, not
 * held or sent as one record, as a CoGroupByKey would. Emits each record with its key's value;
 * records whose key has none are dropped. Keys that carry several values: the first one is used.
 */
final class JoinOneToMany<K, X, Y>
    extends PTransform<PCollection<KV<K, Y>>, PCollection<KV<Y, X>>> {
  private final PCollection<KV<K, X>> ones;

  private JoinOneToMany(PCollection<KV<K, X>> ones) {
    this.ones = ones;
  }

  /** Joins the records it is applied to with {@code ones}. */
  static <K, X, Y> JoinOneToMany<K, X, Y> with(PCollection<KV<K, X>> ones) {
    return new JoinOneToMany<>(ones);
  }

  @Override
  public PCollection<KV<Y, X>> expand(PCollection<KV<K, Y>> many) {
    KvCoder<K, X> oneCoder = (KvCoder<K, X>) ones.getCoder();
    KvCoder<K, Y> manyCoder = (KvCoder<K, Y>) many.getCoder();
    KvCoder<K, KV<X, Y>> partCoder =
        KvCoder.of(
            oneCoder.getKeyCoder(),
            KvCoder.of(
                NullableCoder.of(oneCoder.getValueCoder()),
                NullableCoder.of(manyCoder.getValueCoder())));
    return PCollectionList.of(
            ones.apply("OneParts", MapElements.via(new OnePart<K, X, Y>())).setCoder(partCoder))
        .and(many.apply("ManyParts", MapElements.via(new ManyPart<K, X, Y>())).setCoder(partCoder))
        .apply(
            "GroupParts",
            GroupThroughFiles.<K, KV<X, Y>>in(
                    GroupThroughFiles.tempDirOf(many.getPipeline().getOptions()))
                .ofList())
        .apply("Pair", ParDo.of(new PairFn<K, X, Y>()))
        .setCoder(KvCoder.of(manyCoder.getValueCoder(), (Coder<X>) oneCoder.getValueCoder()));
  }

  static final class OnePart<K, X, Y> extends SimpleFunction<KV<K, X>, KV<K, KV<X, Y>>> {
    @Override
    public KV<K, KV<X, Y>> apply(KV<K, X> one) {
      return KV.of(one.getKey(), KV.of(one.getValue(), null));
    }
  }

  static final class ManyPart<K, X, Y> extends SimpleFunction<KV<K, Y>, KV<K, KV<X, Y>>> {
    @Override
    public KV<K, KV<X, Y>> apply(KV<K, Y> record) {
      return KV.of(record.getKey(), KV.of(null, record.getValue()));
    }
  }

  /** Two passes over the key's parts (read again from their files): its value, then its records. */
  static final class PairFn<K, X, Y> extends DoFn<KV<K, Iterable<KV<X, Y>>>, KV<Y, X>> {
    @ProcessElement
    public void process(@Element KV<K, Iterable<KV<X, Y>>> parts, OutputReceiver<KV<Y, X>> out) {
      X one = null;
      for (KV<X, Y> part : parts.getValue()) {
        if (part.getKey() != null) {
          one = part.getKey();
          break;
        }
      }
      if (one == null) {
        return;
      }
      for (KV<X, Y> part : parts.getValue()) {
        if (part.getValue() != null) {
          out.output(KV.of(part.getValue(), one));
        }
      }
    }
  }
}
