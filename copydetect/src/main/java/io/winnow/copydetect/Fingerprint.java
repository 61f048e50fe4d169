package io.winnow.copydetect;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Everything copy detection knows of one stored image, computed once and carried with it: the
 * picture's box inside uniform borders (in stored pixels), the PDQ hashes of that picture (all
 * eight rotations and flips, with its quality) and its {@link LocalFeatures}. {@link #encode()} is
 * the wire form, about 20 KB.
 */
public record Fingerprint(UniformBorder.Box content, Pdq.Dihedrals pdq, LocalFeatures features) {
  private static final int FORMAT = 1;

  /** Longest side, in pixels, that keypoints are looked for on. */
  static final int MAX_ANALYSED = 1024;

  /**
   * Fingerprints an 8-bit BGR image; {@code within} is the part that is picture (the padding of a
   * border resize mode excluded), or null for all of it.
   */
  public static Fingerprint of(Mat bgr, UniformBorder.Box within) {
    if (bgr == null || bgr.empty() || bgr.channels() != 3) {
      throw new IllegalArgumentException("fingerprinting needs an 8-bit BGR image");
    }
    Mat continuous = bgr.isContinuous() ? bgr : bgr.clone();
    byte[] pixels = pixels(continuous);
    UniformBorder.Box box = pictureBox(pixels, continuous, within);
    Pdq.Dihedrals pdq = pictureHashes(pixels, continuous.cols(), box);
    Mat picture = new Mat(continuous, new Rect(box.x(), box.y(), box.width(), box.height()));
    int longSide = Math.max(box.width(), box.height());
    if (longSide > MAX_ANALYSED) {
      // Keypoints of a picture larger than any default stored image (--image-size 2048, say)
      // are found on a copy shrunk to MAX_ANALYSED: the verifier's tolerances are in those
      // pixels, and the wire form keeps coordinates to a tenth of a pixel in 16 bits.
      double scale = (double) MAX_ANALYSED / longSide;
      Mat smaller = new Mat();
      org.bytedeco.opencv.global.opencv_imgproc.resize(
          picture,
          smaller,
          new org.bytedeco.opencv.opencv_core.Size(
              Math.max(1, (int) (box.width() * scale)), Math.max(1, (int) (box.height() * scale))),
          0,
          0,
          org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA);
      picture = smaller;
    }
    return new Fingerprint(box, pdq, LocalFeatures.of(picture));
  }

  /**
   * Only the PDQ hashes (all rotations and flips) of an encoded image's picture, without the cost
   * of keypoints: what known-bad lists are matched against. First of the whole picture ({@code
   * within} the padding of a border resize mode, or all of it when null), then, when the picture
   * has uniform borders of its own, of what is inside them. Both, because a list's hash is of a
   * whole image (whose plain sky or wall the trimming would cut), while a copy may have gained a
   * frame.
   */
  public static List<Pdq.Dihedrals> pictureHashesOfEncoded(
      byte[] encoded, UniformBorder.Box within) {
    Mat bgr = decodeImage(encoded);
    Mat continuous = bgr.isContinuous() ? bgr : bgr.clone();
    byte[] pixels = pixels(continuous);
    int w = continuous.cols();
    UniformBorder.Box clipped = clip(within, w, continuous.rows());
    UniformBorder.Box whole =
        clipped != null ? clipped : new UniformBorder.Box(0, 0, w, continuous.rows());
    UniformBorder.Box content = pictureBox(pixels, continuous, within);
    Pdq.Dihedrals wholeHashes = pictureHashes(pixels, w, whole);
    return content.equals(whole)
        ? List.of(wholeHashes)
        : List.of(wholeHashes, pictureHashes(pixels, w, content));
  }

  private static byte[] pixels(Mat continuous) {
    byte[] pixels = new byte[continuous.cols() * continuous.rows() * 3];
    continuous.data().get(pixels);
    return pixels;
  }

  private static UniformBorder.Box pictureBox(byte[] pixels, Mat image, UniformBorder.Box within) {
    int w = image.cols();
    int h = image.rows();
    return UniformBorder.contentBox(pixels, w, h, 3, clip(within, w, h));
  }

  private static Pdq.Dihedrals pictureHashes(byte[] pixels, int w, UniformBorder.Box box) {
    int[] argb = new int[box.width() * box.height()];
    for (int y = 0; y < box.height(); y++) {
      int row = ((box.y() + y) * w + box.x()) * 3;
      for (int x = 0; x < box.width(); x++) {
        int at = row + 3 * x;
        argb[y * box.width() + x] =
            0xff000000
                | (pixels[at + 2] & 0xff) << 16
                | (pixels[at + 1] & 0xff) << 8
                | (pixels[at] & 0xff);
      }
    }
    return Pdq.hashWithDihedrals(argb, box.width(), box.height());
  }

  private static Mat decodeImage(byte[] encoded) {
    Mat buffer = new Mat(1, encoded.length, CV_8UC1, new BytePointer(encoded));
    Mat bgr = imdecode(buffer, IMREAD_COLOR);
    if (bgr == null || bgr.empty() || bgr.channels() != 3) {
      throw new IllegalArgumentException("the image does not decode");
    }
    return bgr;
  }

  /** Fingerprints an encoded image (JPEG, PNG…), as {@link #of(Mat, UniformBorder.Box)}. */
  public static Fingerprint ofEncoded(byte[] encoded, UniformBorder.Box within) {
    return of(decodeImage(encoded), within);
  }

  private static UniformBorder.Box clip(UniformBorder.Box box, int w, int h) {
    if (box == null) {
      return null;
    }
    int x = Math.min(Math.max(0, box.x()), w - 1);
    int y = Math.min(Math.max(0, box.y()), h - 1);
    return new UniformBorder.Box(
        x,
        y,
        Math.max(1, Math.min(box.width(), w - x)),
        Math.max(1, Math.min(box.height(), h - y)));
  }

  /**
   * This fingerprint without its mirror view: all that the first picture of a pair needs ({@link
   * CopyVerifier} matches it against the second straight and mirrored), at about half the size on
   * the wire.
   */
  public Fingerprint withoutMirror() {
    LocalFeatures f = features;
    return new Fingerprint(
        content,
        pdq,
        new LocalFeatures(
            f.width(),
            f.height(),
            f.points(),
            f.descriptors(),
            new float[0],
            new long[0],
            f.thumbWidth(),
            f.thumbHeight(),
            f.thumb()));
  }

  /** The hex form of the picture's PDQ hash, as written to KEY.json and Parquet. */
  public String pdqHex() {
    return pdq.original().hex();
  }

  public int pdqQuality() {
    return pdq.quality();
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(24_000);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeShort(content.x());
      out.writeShort(content.y());
      out.writeShort(content.width());
      out.writeShort(content.height());
      out.writeByte(pdq.quality());
      for (Pdq.Dihedral d : Pdq.Dihedral.values()) {
        for (long word : pdq.get(d).toLongArray()) {
          out.writeLong(word);
        }
      }
      byte[] features = this.features.encode();
      out.writeInt(features.length);
      out.write(features);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Only the picture's box of an encoded fingerprint (cheap: the header alone is read). */
  public static UniformBorder.Box contentOf(byte[] encoded) {
    if (encoded.length < 9 || encoded[0] != FORMAT) {
      throw new IllegalArgumentException("not a fingerprint of format " + FORMAT);
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(encoded, 1, 8);
    return new UniformBorder.Box(
        b.getShort() & 0xffff, b.getShort() & 0xffff, b.getShort() & 0xffff, b.getShort() & 0xffff);
  }

  /** Only the PDQ hashes of an encoded fingerprint (its header and hashes are read). */
  public static Pdq.Dihedrals pdqOf(byte[] encoded) {
    try {
      java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(encoded);
      checkFormat(in.get() & 0xff);
      in.position(in.position() + 8);
      return readPdq(in);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("damaged fingerprint: it ends early", e);
    }
  }

  private static void checkFormat(int format) {
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          "a fingerprint in format " + format + ", this build " + "reads format " + FORMAT);
    }
  }

  private static Pdq.Dihedrals readPdq(java.nio.ByteBuffer in) {
    int quality = in.get() & 0xff;
    Pdq.Hash[] hashes = new Pdq.Hash[Pdq.Dihedral.values().length];
    for (int d = 0; d < hashes.length; d++) {
      long[] words = new long[4];
      for (int i = 0; i < 4; i++) {
        words[i] = in.getLong();
      }
      hashes[d] = Pdq.Hash.fromLongArray(words, quality);
    }
    return Pdq.Dihedrals.of(hashes);
  }

  public static Fingerprint decode(byte[] encoded) {
    // A ByteBuffer, not a DataInputStream: dedup decodes a fingerprint for every candidate pair.
    try {
      java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(encoded);
      checkFormat(in.get() & 0xff);
      UniformBorder.Box box =
          new UniformBorder.Box(
              in.getShort() & 0xffff,
              in.getShort() & 0xffff,
              in.getShort() & 0xffff,
              in.getShort() & 0xffff);
      Pdq.Dihedrals pdq = readPdq(in);
      int length = in.getInt();
      if (length > in.remaining()) {
        throw new IllegalArgumentException(
            "damaged fingerprint: "
                + in.remaining()
                + " bytes of features, the header says "
                + length);
      }
      return new Fingerprint(box, pdq, LocalFeatures.decode(in));
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("damaged fingerprint: it ends early", e);
    }
  }
}
