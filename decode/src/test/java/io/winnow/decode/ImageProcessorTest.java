package io.winnow.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.schemas.ContentBox;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Sample;
import io.winnow.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageProcessorTest {
  private static ImageProcessor processor(int size, ResizeMode mode) {
    return new ImageProcessor(DecodeSettings.defaults().withResize(size, mode));
  }

  @ParameterizedTest
  @CsvSource({
    "BORDER, 128, 128",
    "KEEP_RATIO, 192, 128",
    "KEEP_RATIO_LARGEST, 128, 85",
    "CENTER_CROP, 128, 128",
    "NO, 300, 200"
  })
  void resizesLikeImg2dataset(ResizeMode mode, int width, int height) {
    ImageProcessor.Result result = processor(128, mode).process(TestImages.jpeg(300, 200));
    assertThat(result.reason()).isNull();
    ImageProcessor.Processed image = result.image();
    assertThat(image.originalWidth()).isEqualTo(300);
    assertThat(image.originalHeight()).isEqualTo(200);
    assertThat(new int[] {image.width(), image.height()}).containsExactly(width, height);
    int[] decoded = TestImages.decodeCentre(image.jpeg());
    assertThat(new int[] {decoded[0], decoded[1]})
        .as("the stored JPEG has the stated size")
        .containsExactly(width, height);
  }

  /** The models must see the picture, not the border mode's padding: decode says where it is. */
  @Test
  void recordsWhereThePictureIsInsideTheBorderModesPadding() {
    ImageProcessor.Processed padded =
        processor(128, ResizeMode.BORDER).process(TestImages.jpeg(300, 200)).image();
    // 300 x 200 scaled to 128 x 85, centred in 128 x 128: 21 rows of padding above.
    assertThat(padded.content()).isEqualTo(new ContentBox(0, 21, 128, 85));
    Sample stored = padded.storeOn(Sample.builder("k", "http://x/k.jpg")).build();
    assertThat(stored.contentBox()).isEqualTo(padded.content());
    assertThat(stored.storedByteSize()).isEqualTo((long) padded.jpeg().length);
    assertThat(processor(128, ResizeMode.KEEP_RATIO).process(TestImages.jpeg(300, 200)).image())
        .extracting(ImageProcessor.Processed::content)
        .as("no padding: all of the stored image is picture")
        .isNull();
  }

  @Test
  void thePictureBoxLeavesOutTheBorderModesPaddingOnly() {
    // A 80 x 40 picture stored by the border mode at 40 px: 40 x 20 with 10 rows above and below.
    assertThat(Resizer.pictureBox(processorSettings(40, ResizeMode.BORDER), 80, 40, 40, 40))
        .isEqualTo(new ContentBox(0, 10, 40, 20));
    assertThat(Resizer.pictureBox(processorSettings(40, ResizeMode.CENTER_CROP), 80, 40, 40, 40))
        .isNull();
  }

  private static DecodeSettings processorSettings(int size, ResizeMode mode) {
    return DecodeSettings.defaults().withResize(size, mode);
  }

  @Test
  void decodesLargeJpegsAtReducedScaleButReportsTheirTrueSize() {
    ImageProcessor processor = processor(128, ResizeMode.KEEP_RATIO_LARGEST);
    assertThat(processor.jpegReduction(new ImageHeader.Size(2000, 1500))).isEqualTo(8);
    assertThat(processor.jpegReduction(new ImageHeader.Size(300, 200))).isEqualTo(2);
    assertThat(processor.jpegReduction(new ImageHeader.Size(200, 150))).isEqualTo(1);
    ImageProcessor.Processed image = processor.process(TestImages.jpeg(2000, 1500)).image();
    assertThat(
            new int[] {
              image.originalWidth(), image.originalHeight(), image.width(), image.height()
            })
        .containsExactly(2000, 1500, 128, 96);
    // The reduced decode must look like the full one: compare the centre pixel.
    ImageProcessor.Processed full =
        new ImageProcessor(
                DecodeSettings.defaults().withResize(2000, ResizeMode.KEEP_RATIO_LARGEST))
            .process(TestImages.jpeg(2000, 1500))
            .image();
    int[] reduced = TestImages.decodeCentre(image.jpeg());
    int[] reference = TestImages.decodeCentre(full.jpeg());
    for (int channel = 2; channel < 5; channel++) {
      assertThat(reduced[channel])
          .isCloseTo(reference[channel], org.assertj.core.data.Offset.offset(40));
    }
  }

  @Test
  void neverUpscalesWhenAskedNotTo() {
    DecodeSettings settings =
        new DecodeSettings(
            512,
            ResizeMode.KEEP_RATIO,
            true,
            1,
            1_000_000,
            Double.POSITIVE_INFINITY,
            90,
            DecodeSettings.WHITE);
    ImageProcessor.Processed image =
        new ImageProcessor(settings).process(TestImages.jpeg(300, 200)).image();
    assertThat(new int[] {image.width(), image.height()}).containsExactly(300, 200);
  }

  @Test
  void readsPngAndCompositesTransparencyOnWhite() {
    ImageProcessor.Processed image =
        processor(64, ResizeMode.NO).process(TestImages.pngWithAlpha(80, 80, 0)).image();
    int[] centre = TestImages.decodeCentre(image.jpeg());
    assertThat(centre[2]).as("blue").isGreaterThan(245);
    assertThat(centre[3]).as("green").isGreaterThan(245);
    ImageProcessor.Processed opaque =
        processor(64, ResizeMode.NO).process(TestImages.pngWithAlpha(80, 80, 255)).image();
    int[] red = TestImages.decodeCentre(opaque.jpeg());
    assertThat(red[4]).as("red").isGreaterThan(240);
    assertThat(red[2]).as("blue").isLessThan(15);
  }

  @Test
  void rejectsTruncatedJpegs() {
    byte[] jpeg = TestImages.jpeg(300, 200);
    ImageProcessor.Result result =
        processor(128, ResizeMode.BORDER).process(Arrays.copyOf(jpeg, jpeg.length / 2));
    assertThat(result.reason()).isEqualTo(Reason.TRUNCATED_IMAGE);
  }

  @Test
  void aJpegCutShortWithAnEndMarkerAppendedOrWithoutScanDataIsTruncated() {
    byte[] jpeg = TestImages.jpeg(300, 200);
    byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2 + 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;
    ImageProcessor.Result half = processor(128, ResizeMode.BORDER).process(cut);
    assertThat(half.reason()).isEqualTo(Reason.TRUNCATED_IMAGE);
    assertThat(half.detail()).contains("grey fill");
    int scan = 2;
    while (!((jpeg[scan] & 0xff) == 0xFF && (jpeg[scan + 1] & 0xff) == 0xDA)) {
      scan++;
    }
    byte[] headersOnly = Arrays.copyOf(jpeg, scan + 2);
    headersOnly[scan] = (byte) 0xFF;
    headersOnly[scan + 1] = (byte) 0xD9;
    ImageProcessor.Result none = processor(128, ResizeMode.BORDER).process(headersOnly);
    assertThat(none.reason()).isEqualTo(Reason.TRUNCATED_IMAGE);
    assertThat(none.detail()).contains("no scan data");
  }

  @Test
  void aPictureFramedInTheFillGreyIsNotTruncated() {
    org.bytedeco.opencv.opencv_core.Mat picture =
        org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(
            new org.bytedeco.opencv.opencv_core.Mat(
                new org.bytedeco.javacpp.BytePointer(TestImages.jpeg(300, 200))),
            org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR);
    org.bytedeco.opencv.opencv_core.Mat framed = new org.bytedeco.opencv.opencv_core.Mat();
    org.bytedeco.opencv.global.opencv_core.copyMakeBorder(
        picture,
        framed,
        32,
        32,
        32,
        32,
        org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT,
        new org.bytedeco.opencv.opencv_core.Scalar(128, 128, 128, 0));
    byte[] jpeg = encode(".jpg", framed);
    ImageProcessor.Result result = processor(128, ResizeMode.BORDER).process(jpeg);
    assertThat(result.reason()).isNull();
    // Cut off, the same framed picture is still truncated: its top is the frame, but the
    // picture's rows end before the bottom.
    byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2 + 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;
    assertThat(processor(128, ResizeMode.BORDER).process(cut).reason())
        .isEqualTo(Reason.TRUNCATED_IMAGE);
  }

  @Test
  void bytesAfterAJpegsEndMarkerAreNotPartOfIt() {
    // Phones append a video to a "motion photo"; other tools append trailers.
    byte[] jpeg = TestImages.jpeg(300, 200);
    byte[] trailer = new byte[4096];
    new java.util.Random(1).nextBytes(trailer);
    byte[] both = Arrays.copyOf(jpeg, jpeg.length + trailer.length);
    System.arraycopy(trailer, 0, both, jpeg.length, trailer.length);
    assertThat(processor(128, ResizeMode.BORDER).process(both).reason()).isNull();
    byte[] png = TestImages.png(300, 200);
    byte[] pngAndMore = Arrays.copyOf(png, png.length + trailer.length);
    System.arraycopy(trailer, 0, pngAndMore, png.length, trailer.length);
    assertThat(processor(128, ResizeMode.BORDER).process(pngAndMore).reason()).isNull();
  }

  /** A GIF of {@code frames} solid frames (an animation when more than one), by the JDK. */
  private static byte[] gif(int width, int height, java.awt.Color... frames) throws Exception {
    javax.imageio.ImageWriter writer =
        javax.imageio.ImageIO.getImageWritersByFormatName("gif").next();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out =
        javax.imageio.ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (java.awt.Color colour : frames) {
        java.awt.image.BufferedImage frame =
            new java.awt.image.BufferedImage(
                width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = frame.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        writer.writeToSequence(new javax.imageio.IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    }
    writer.dispose();
    return bytes.toByteArray();
  }

  @Test
  void readsTheFirstFrameOfStaticAndAnimatedGifs() throws Exception {
    for (byte[] gif :
        List.of(
            gif(120, 80, java.awt.Color.RED),
            gif(120, 80, java.awt.Color.RED, java.awt.Color.GREEN, java.awt.Color.BLUE))) {
      ImageProcessor.Result result = processor(128, ResizeMode.KEEP_RATIO).process(gif);
      assertThat(result.reason()).as(result.detail()).isNull();
      assertThat(result.image().originalWidth()).isEqualTo(120);
      assertThat(result.image().originalHeight()).isEqualTo(80);
      int[] centre = TestImages.decodeCentre(result.image().jpeg());
      // BGR: the first frame's red.
      assertThat(centre[4]).isGreaterThan(200);
      assertThat(centre[3]).isLessThan(60);
      assertThat(centre[2]).isLessThan(60);
    }
    byte[] broken = gif(120, 80, java.awt.Color.RED);
    Arrays.fill(broken, 13, broken.length, (byte) 0x5A);
    assertThat(processor(128, ResizeMode.BORDER).process(broken).reason())
        .isEqualTo(Reason.CORRUPT_IMAGE);
  }

  @Test
  void rejectsTruncatedPngs() {
    byte[] png = TestImages.png(300, 200);
    assertThat(
            processor(128, ResizeMode.BORDER).process(Arrays.copyOf(png, png.length - 20)).reason())
        .isEqualTo(Reason.TRUNCATED_IMAGE);
  }

  @Test
  void rejectsCorruptData() {
    byte[] png = TestImages.png(300, 200);
    // Header and end chunk intact, compressed pixel data scrambled: the decoder must fail.
    byte[] corrupt = png.clone();
    for (int i = 100; i < corrupt.length - 100; i++) {
      corrupt[i] = (byte) (corrupt[i] ^ 0x5A);
    }
    ImageProcessor.Result result = processor(128, ResizeMode.BORDER).process(corrupt);
    assertThat(result.reason()).isEqualTo(Reason.CORRUPT_IMAGE);
    byte[] noHeader = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0, (byte) 0xFF, (byte) 0xD9};
    assertThat(processor(128, ResizeMode.BORDER).process(noHeader).reason())
        .isEqualTo(Reason.CORRUPT_IMAGE);
  }

  @Test
  void rejectsTooSmallImages() {
    ImageProcessor.Result result =
        processor(128, ResizeMode.BORDER).process(TestImages.png(20, 90));
    assertThat(result.reason()).isEqualTo(Reason.IMAGE_TOO_SMALL);
    assertThat(result.detail()).contains("20×90");
  }

  @Test
  void enforcesThePixelCapFromTheHeaderBeforeDecoding() {
    byte[] png = TestImages.png(100, 100);
    // Forge the IHDR size: 60000 × 60000 pixels, which must never reach the decoder.
    byte[] bomb = png.clone();
    writeBigEndian(bomb, 16, 60000);
    writeBigEndian(bomb, 20, 60000);
    ImageProcessor.Result result = processor(128, ResizeMode.BORDER).process(bomb);
    assertThat(result.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
    assertThat(result.detail()).contains("60000×60000");
  }

  @Test
  void rejectsAspectRatiosOverTheLimit() {
    DecodeSettings settings =
        new DecodeSettings(
            128, ResizeMode.BORDER, false, 1, 1_000_000, 3, 90, DecodeSettings.WHITE);
    assertThat(new ImageProcessor(settings).process(TestImages.jpeg(400, 100)).reason())
        .isEqualTo(Reason.BAD_ASPECT_RATIO);
  }

  @Test
  void rejectsFormatsItCannotDecode() {
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);
    assertThat(processor(128, ResizeMode.BORDER).process(svg).reason())
        .isEqualTo(Reason.UNSUPPORTED_FORMAT);
    assertThat(processor(128, ResizeMode.BORDER).process("hello".getBytes()).reason())
        .isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void readsSizesFromHeaders() {
    assertThat(ImageHeader.size(TestImages.jpeg(321, 123), ImageFormat.JPEG))
        .isEqualTo(new ImageHeader.Size(321, 123));
    assertThat(ImageHeader.size(TestImages.png(77, 55), ImageFormat.PNG))
        .isEqualTo(new ImageHeader.Size(77, 55));
    assertThat(ImageHeader.size(tiff(91, 47), ImageFormat.TIFF))
        .isEqualTo(new ImageHeader.Size(91, 47));
  }

  /** A TIFF encoded by OpenCV. */
  private static byte[] tiff(int width, int height) {
    org.bytedeco.opencv.opencv_core.Mat image =
        new org.bytedeco.opencv.opencv_core.Mat(
            height,
            width,
            org.bytedeco.opencv.global.opencv_core.CV_8UC3,
            new org.bytedeco.opencv.opencv_core.Scalar(40, 90, 200, 0));
    return encode(".tiff", image);
  }

  private static byte[] encode(String extension, org.bytedeco.opencv.opencv_core.Mat image) {
    org.bytedeco.javacpp.BytePointer out = new org.bytedeco.javacpp.BytePointer();
    org.bytedeco.opencv.global.opencv_imgcodecs.imencode(extension, image, out);
    byte[] bytes = new byte[(int) out.limit()];
    out.get(bytes);
    return bytes;
  }

  @Test
  void aTiffsPixelCapIsCheckedFromItsHeaderBeforeDecoding() {
    byte[] tiff = tiff(100, 80);
    assertThat(processor(128, ResizeMode.BORDER).process(tiff).reason()).isNull();
    // Forge the first directory's ImageWidth and ImageLength to 20000 × 20000.
    byte[] bomb = tiff.clone();
    boolean little = bomb[0] == 'I';
    java.nio.ByteBuffer buffer =
        java.nio.ByteBuffer.wrap(bomb)
            .order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
    int ifd = buffer.getInt(4);
    int entries = buffer.getShort(ifd) & 0xffff;
    for (int e = 0; e < entries; e++) {
      int at = ifd + 2 + 12 * e;
      int tag = buffer.getShort(at) & 0xffff;
      if (tag == 256 || tag == 257) {
        if ((buffer.getShort(at + 2) & 0xffff) == 3) {
          buffer.putShort(at + 8, (short) 20000);
        } else {
          buffer.putInt(at + 8, 20000);
        }
      }
    }
    ImageProcessor.Result result = processor(128, ResizeMode.BORDER).process(bomb);
    assertThat(result.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
    assertThat(result.detail()).contains("20000×20000");
  }

  private static void writeBigEndian(byte[] bytes, int offset, int value) {
    bytes[offset] = (byte) (value >>> 24);
    bytes[offset + 1] = (byte) (value >>> 16);
    bytes[offset + 2] = (byte) (value >>> 8);
    bytes[offset + 3] = (byte) value;
  }

  /** The border mode pads with white, as img2dataset does, or the colour asked for. */
  @Test
  void borderPaddingIsWhiteByDefaultOrTheColourGiven() {
    byte[] wide = TestImages.jpeg(256, 128);
    int[] white = cornerOf(new ImageProcessor(DecodeSettings.defaults()).process(wide).image());
    assertThat(Arrays.stream(white).min().getAsInt()).isGreaterThan(245);
    DecodeSettings teal =
        DecodeSettings.defaults().withBorderColor(DecodeSettings.parseColor("#008080"));
    int[] bgr = cornerOf(new ImageProcessor(teal).process(wide).image());
    assertThat(bgr[0]).isBetween(118, 138);
    assertThat(bgr[1]).isBetween(118, 138);
    assertThat(bgr[2]).isLessThan(10);
    assertThat(DecodeSettings.parseColor("black")).isZero();
    assertThat(DecodeSettings.parseColor("255, 0, 16")).isEqualTo(0xFF0010);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DecodeSettings.parseColor("pink"))
        .hasMessageContaining("#RRGGBB");
  }

  /** BGR of the top-left pixel, which the border mode's padding covers for a wide image. */
  private static int[] cornerOf(ImageProcessor.Processed image) {
    org.bytedeco.opencv.opencv_core.Mat m =
        org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(
            new org.bytedeco.opencv.opencv_core.Mat(
                1,
                image.jpeg().length,
                org.bytedeco.opencv.global.opencv_core.CV_8UC1,
                new org.bytedeco.javacpp.BytePointer(image.jpeg())),
            org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR);
    byte[] px = new byte[3];
    m.ptr(2, 2).get(px);
    return new int[] {px[0] & 0xff, px[1] & 0xff, px[2] & 0xff};
  }
}
