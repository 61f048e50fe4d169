package io.winnow.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A Beam coder that carries a record as its JSON form. Deterministic for records whose JSON is
 * (field order is fixed by the class), which is what grouping by such a record needs.
 */
public class JsonCoder<T> extends CustomCoder<T> {
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();
  private final Class<T> type;

  protected JsonCoder(Class<T> type) {
    this.type = type;
  }

  public static <T> JsonCoder<T> of(Class<T> type) {
    return new JsonCoder<>(type);
  }

  /** What a coder class names in {@code @DefaultCoder} must offer Beam. */
  public static <T> CoderProvider providerFor(
      Class<T> type, org.apache.beam.sdk.coders.Coder<T> coder) {
    return CoderProviders.forCoder(TypeDescriptor.of(type), coder);
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    BYTES.encode(Json.writeBytes(value), out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    return Json.read(BYTES.decode(in), type);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object other) {
    return other instanceof JsonCoder<?> that && that.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }
}
