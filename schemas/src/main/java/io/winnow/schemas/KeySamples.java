package io.winnow.schemas;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Keys each sample by its key, for joins with what other steps found about it. */
public final class KeySamples
    extends PTransform<PCollection<Sample>, PCollection<KV<String, Sample>>> {
  private KeySamples() {}

  public static KeySamples byKey() {
    return new KeySamples();
  }

  @Override
  public PCollection<KV<String, Sample>> expand(PCollection<Sample> samples) {
    return samples
        .apply(
            "ByKey",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Sample.class)))
                .via(s -> KV.of(s.key(), s)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), samples.getCoder()));
  }
}
