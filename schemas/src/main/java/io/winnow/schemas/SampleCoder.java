package io.winnow.schemas;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * The coder of {@link Sample} between stages: its JSON, then the image, the embedding, the
 * fingerprint and the content box, which its JSON leaves out.
 */
public final class SampleCoder extends CustomCoder<Sample> {
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  /** Looked up by {@code @DefaultCoder}. */
  public static org.apache.beam.sdk.coders.CoderProvider getCoderProvider() {
    return JsonCoder.providerFor(Sample.class, new SampleCoder());
  }

  @Override
  public void encode(Sample value, OutputStream out) throws IOException {
    BYTES.encode(Json.writeBytes(value), out);
    BYTES.encode(value.image() == null ? new byte[0] : value.image(), out);
    // Embeddings are written in one block, little-endian (no byte swapping on x86 or ARM):
    // element-wise writes cost more than the rest of the sample in the dedup shuffles.
    float[] e = value.embedding();
    byte[] floats = new byte[4 + (e == null ? 0 : e.length * 4)];
    ByteBuffer block = ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN);
    block.putInt(e == null ? -1 : e.length);
    if (e != null) {
      block.asFloatBuffer().put(e);
    }
    out.write(floats);
    BYTES.encode(value.fingerprint() == null ? new byte[0] : value.fingerprint(), out);
    ContentBox box = value.contentBox();
    ByteBuffer boxBlock = ByteBuffer.allocate(17);
    boxBlock.put((byte) (box == null ? 0 : 1));
    if (box != null) {
      boxBlock.putInt(box.x()).putInt(box.y()).putInt(box.width()).putInt(box.height());
    }
    out.write(boxBlock.array(), 0, box == null ? 1 : 17);
  }

  @Override
  public Sample decode(InputStream in) throws IOException {
    Sample meta = Json.read(BYTES.decode(in), Sample.class);
    byte[] image = BYTES.decode(in);
    DataInputStream data = new DataInputStream(in);
    byte[] length = new byte[4];
    data.readFully(length);
    int n = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt();
    float[] embedding = null;
    if (n >= 0) {
      byte[] floats = new byte[n * 4];
      data.readFully(floats);
      embedding = new float[n];
      ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(embedding);
    }
    byte[] fingerprint = BYTES.decode(in);
    ContentBox box = null;
    if (data.readUnsignedByte() == 1) {
      box = new ContentBox(data.readInt(), data.readInt(), data.readInt(), data.readInt());
    }
    return meta.toBuilder()
        .image(image.length == 0 ? null : image)
        .embedding(embedding)
        .fingerprint(fingerprint.length == 0 ? null : fingerprint)
        .contentBox(box)
        .build();
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object other) {
    return other instanceof SampleCoder;
  }

  @Override
  public int hashCode() {
    return SampleCoder.class.hashCode();
  }
}
