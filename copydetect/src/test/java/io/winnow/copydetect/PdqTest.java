package io.winnow.copydetect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.winnow.copydetect.Pdq.Dihedral;
import io.winnow.copydetect.Pdq.Dihedrals;
import io.winnow.copydetect.Pdq.Hash;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks {@link Pdq} against the reference's published hashes (test-resources/pdq-reference). */
class PdqTest {

  private static final String BRIDGE_1 =
      "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  private static final String BRIDGE_2_ROTATE_90 =
      "30a10efd71cc3d429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";

  /** The published tolerance across decoders; with OpenJDK 17's ImageIO we measure 0. */
  private static final int DECODER_TOLERANCE = 10;

  @Test
  void bridgeMatchesPublishedHash() throws IOException {
    Hash hash = Pdq.hash(read("bridge-1-original.jpg"));

    assertThat(hash.distance(Hash.fromHex(BRIDGE_1))).isLessThanOrEqualTo(DECODER_TOLERANCE);
    assertThat(hash.quality()).isEqualTo(100);
  }

  @Test
  void rotatedBridgeMatchesPublishedHash() throws IOException {
    Hash hash = Pdq.hash(read("bridge-2-rotate-90.jpg"));

    assertThat(hash.distance(Hash.fromHex(BRIDGE_2_ROTATE_90)))
        .isLessThanOrEqualTo(DECODER_TOLERANCE);
  }

  @Test
  void unrelatedImageIsAsFarAsPublished() throws IOException {
    // Published: 138. Measured: 138.
    int distance = bridge().distance(Pdq.hash(read("pen-and-coaster.png")));

    assertThat(distance).isBetween(128, 148).isGreaterThan(Pdq.MATCH_DISTANCE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"blur-a-lot.jpg", "shrink-a-lot.jpg", "high-contrast.jpg"})
  void editsOfTheBridgeStillMatch(String edit) throws IOException {
    // Measured: blur 4, shrink (to 160×100) 16, high contrast 6.
    assertThat(bridge().distance(Pdq.hash(read(edit)))).isLessThanOrEqualTo(Pdq.MATCH_DISTANCE);
  }

  @Test
  void rotatedCopyMatchesOnlyThroughItsDihedral() throws IOException {
    Dihedrals original = Pdq.hashWithDihedrals(read("bridge-1-original.jpg"));
    Hash rotated = Pdq.hash(read("bridge-2-rotate-90.jpg"));

    // Measured: 120 plain (as published), 2 against ROTATE_90.
    assertThat(rotated.distance(original.original())).isGreaterThan(100);
    assertThat(Pdq.minDihedralDistance(rotated, original))
        .isLessThanOrEqualTo(Pdq.MATCH_DISTANCE)
        .isEqualTo(rotated.distance(original.get(Dihedral.ROTATE_90)));
  }

  @Test
  void flippedCopyMatchesOnlyThroughItsDihedral() throws IOException {
    Dihedrals original = Pdq.hashWithDihedrals(read("bridge-1-original.jpg"));
    Hash flipped = Pdq.hash(read("bridge-5-flipx.jpg")); // upside down

    // Measured: 124 plain, 8 against FLIP_X.
    assertThat(flipped.distance(original.original())).isGreaterThan(100);
    assertThat(Pdq.minDihedralDistance(flipped, original))
        .isLessThanOrEqualTo(Pdq.MATCH_DISTANCE)
        .isEqualTo(flipped.distance(original.get(Dihedral.FLIP_X)));
  }

  @Test
  void dihedralsOfUnrelatedImageDoNotMatch() throws IOException {
    // Measured: 122.
    assertThat(
            Pdq.minDihedralDistance(
                Pdq.hash(read("pen-and-coaster.png")),
                Pdq.hashWithDihedrals(read("bridge-1-original.jpg"))))
        .isGreaterThan(Pdq.MATCH_DISTANCE);
  }

  @ParameterizedTest
  @EnumSource(Dihedral.class)
  void derivedDihedralIsCloseToHashOfTransformedPixels(Dihedral transform) throws IOException {
    BufferedImage image = read("bridge-1-original.jpg");
    int w = image.getWidth();
    int h = image.getHeight();
    int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
    int[] dims = new int[2];
    Hash direct = Pdq.hash(transform(pixels, w, h, transform, dims), dims[0], dims[1]);

    // Not bit-exact: 1004 rows give an even window, which is not mirror-symmetric. Measured 0-8.
    assertThat(direct.distance(Pdq.hashWithDihedrals(pixels, w, h).get(transform)))
        .isLessThanOrEqualTo(10);
  }

  @ParameterizedTest
  @EnumSource(Dihedral.class)
  void derivedDihedralIsExactAt64Pixels(Dihedral transform) throws IOException {
    // At 64×64 the blur and the sampling are the identity, so only the DCT's rounding remains.
    int[] pixels = scaled(read("bridge-1-original.jpg"), 64, 64);
    int[] dims = new int[2];
    Hash direct = Pdq.hash(transform(pixels, 64, 64, transform, dims), dims[0], dims[1]);

    assertThat(direct).isEqualTo(Pdq.hashWithDihedrals(pixels, 64, 64).get(transform));
  }

  @Test
  void dihedralsShareOneQualityAndTheOriginalIsThePlainHash() throws IOException {
    BufferedImage image = read("pen-and-coaster.png");
    Dihedrals all = Pdq.hashWithDihedrals(image);

    assertThat(all.original()).isEqualTo(Pdq.hash(image));
    for (Dihedral d : Dihedral.values()) {
      assertThat(all.get(d).quality()).isEqualTo(all.quality());
    }
    // The transforms of a detailed image really differ from each other.
    assertThat(Arrays.stream(Dihedral.values()).map(all::get).distinct()).hasSize(8);
  }

  @Test
  void uniformGreyIsTooFeatureless() {
    int[] grey = new int[300 * 200];
    Arrays.fill(grey, 0xff808080);

    assertThat(Pdq.hash(grey, 300, 200).quality()).isZero().isLessThan(Pdq.MIN_QUALITY);
  }

  @Test
  void tinyImagesStillHash() {
    assertThat(Pdq.hash(new int[] {0xff123456}, 1, 1).quality()).isZero();
    int[] stripes = new int[10 * 3];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = (i % 2 == 0) ? 0xffffffff : 0xff000000;
    }
    assertThat(Pdq.hash(stripes, 10, 3).quality()).isBetween(0, 100);
  }

  @Test
  void alphaIsIgnored() {
    int[] opaque = {0xff102030, 0xff405060, 0xff708090, 0xffa0b0c0};
    int[] clear = {0x00102030, 0x00405060, 0x00708090, 0x00a0b0c0};

    assertThat(Pdq.hash(clear, 2, 2)).isEqualTo(Pdq.hash(opaque, 2, 2));
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_RGB,
        BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_BYTE_GRAY
      })
  void bufferedImageGivesTheSameBitsAsItsArgbPixels(int type) throws IOException {
    BufferedImage source = read("pen-and-coaster.png");
    BufferedImage image = new BufferedImage(source.getWidth(), source.getHeight(), type);
    Graphics2D g = image.createGraphics();
    g.drawImage(source, 0, 0, null);
    g.dispose();
    // A subimage too: its raster starts inside a larger buffer.
    BufferedImage sub = image.getSubimage(30, 20, 500, 400);

    assertThat(Pdq.hash(image))
        .isEqualTo(Pdq.hash(argb(image), image.getWidth(), image.getHeight()));
    assertThat(Pdq.hash(sub)).isEqualTo(Pdq.hash(argb(sub), 500, 400));
  }

  @Test
  void hexRoundTrips() throws IOException {
    Hash hash = bridge();

    assertThat(hash.hex()).isEqualTo(Hash.fromHex(hash.hex()).hex());
    assertThat(Hash.fromHex(hash.hex(), hash.quality())).isEqualTo(hash);
    assertThat(Hash.fromHex(BRIDGE_1.toUpperCase()).hex()).isEqualTo(BRIDGE_1);
    assertThat(Hash.fromHex(BRIDGE_1).quality()).isEqualTo(Pdq.UNKNOWN_QUALITY);
    assertThat(Hash.fromLongArray(hash.toLongArray(), hash.quality())).isEqualTo(hash);
  }

  @Test
  void hexPutsTheHighestBitFirst() {
    Hash top = Hash.fromHex("8" + "0".repeat(63));
    Hash bottom = Hash.fromHex("0".repeat(63) + "1");

    assertThat(top.bit(255)).isTrue();
    assertThat(bottom.bit(0)).isTrue();
    assertThat(top.distance(bottom)).isEqualTo(2);
    assertThat(Hash.fromHex("f".repeat(64)).distance(Hash.fromHex("0".repeat(64)))).isEqualTo(256);
  }

  @Test
  void dihedralsReassembleFromStoredHashes() throws IOException {
    Dihedrals all = Pdq.hashWithDihedrals(read("bridge-1-original.jpg"));
    Hash[] stored = Arrays.stream(Dihedral.values()).map(all::get).toArray(Hash[]::new);
    Dihedrals back = Dihedrals.of(stored);

    for (Dihedral d : Dihedral.values()) {
      assertThat(back.get(d)).isEqualTo(all.get(d));
    }
    assertThatThrownBy(() -> Dihedrals.of(Arrays.copyOf(stored, 7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8 hashes");
  }

  @Test
  void badPixelsAreRefused() {
    assertThatThrownBy(() -> Pdq.hash(null, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
    assertThatThrownBy(() -> Pdq.hash((BufferedImage) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
    assertThatThrownBy(() -> Pdq.hash(new int[0], 0, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0×5");
    assertThatThrownBy(() -> Pdq.hashWithDihedrals(new int[4], 2, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2×-2");
    assertThatThrownBy(() -> Pdq.hash(new int[5], 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 entries")
        .hasMessageContaining("2 × 2 = 4");
    assertThatThrownBy(() -> Pdq.hash(new int[4], 65536, 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void badHexIsRefused() {
    assertThatThrownBy(() -> Hash.fromHex(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
    assertThatThrownBy(() -> Hash.fromHex(BRIDGE_1.substring(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> Hash.fromHex("+" + BRIDGE_1.substring(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position 0");
    assertThatThrownBy(() -> Hash.fromHex(BRIDGE_1.substring(0, 63) + "g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position 63");
    assertThatThrownBy(() -> Hash.fromHex(BRIDGE_1, 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quality");
    assertThatThrownBy(() -> Hash.fromLongArray(new long[3], 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 longs");
    assertThatThrownBy(() -> Hash.fromHex(BRIDGE_1).bit(256))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- helpers

  private static Hash bridge() throws IOException {
    return Pdq.hash(read("bridge-1-original.jpg"));
  }

  private static BufferedImage read(String name) throws IOException {
    try (InputStream in = PdqTest.class.getResourceAsStream("/pdq-reference/" + name)) {
      assertThat(in).as("test resource %s", name).isNotNull();
      return ImageIO.read(in);
    }
  }

  private static int[] argb(BufferedImage image) {
    int w = image.getWidth();
    return image.getRGB(0, 0, w, image.getHeight(), null, 0, w);
  }

  private static int[] scaled(BufferedImage image, int width, int height) {
    Image smooth = image.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(smooth, 0, 0, null);
    g.dispose();
    return argb(out);
  }

  /** {@code transform} applied to the pixels exactly; {@code dims} gets the new width, height. */
  private static int[] transform(int[] pixels, int w, int h, Dihedral transform, int[] dims) {
    boolean turned =
        switch (transform) {
          case ROTATE_90, ROTATE_270, FLIP_MAIN_DIAGONAL, FLIP_ANTI_DIAGONAL -> true;
          default -> false;
        };
    int outW = turned ? h : w;
    int outH = turned ? w : h;
    dims[0] = outW;
    dims[1] = outH;
    int[] out = new int[pixels.length];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        // (sx, sy): the source pixel that lands at (x, y).
        int sx;
        int sy;
        switch (transform) {
          case ORIGINAL -> {
            sx = x;
            sy = y;
          }
          case ROTATE_90 -> {
            sx = w - 1 - y;
            sy = x;
          } // counter-clockwise
          case ROTATE_180 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case ROTATE_270 -> {
            sx = y;
            sy = h - 1 - x;
          } // clockwise
          case FLIP_X -> {
            sx = x;
            sy = h - 1 - y;
          } // upside down
          case FLIP_Y -> {
            sx = w - 1 - x;
            sy = y;
          } // left-right mirror
          case FLIP_MAIN_DIAGONAL -> {
            sx = y;
            sy = x;
          }
          default -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          } // FLIP_ANTI_DIAGONAL
        }
        out[y * outW + x] = pixels[sy * w + sx];
      }
    }
    return out;
  }
}
