package io.winnow.decode;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LANCZOS4;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.winnow.schemas.ContentBox;
import io.winnow.schemas.Reason;
import io.winnow.schemas.Sample;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Validates, decodes, resizes and re-encodes one image with OpenCV. Checks run cheapest first:
 * format, header size against the pixel cap (before any pixel is decoded), completeness, decode,
 * minimum size and aspect ratio. Thread-safe; native memory is freed before each call returns.
 */
public final class ImageProcessor {
  private final DecodeSettings settings;

  public ImageProcessor(DecodeSettings settings) {
    this.settings = settings;
  }

  /**
   * A processed image: the stored JPEG, the original and stored sizes, and where the picture is in
   * it (null: all of it; the border mode's padding is left out).
   */
  public record Processed(
      byte[] jpeg,
      int originalWidth,
      int originalHeight,
      int width,
      int height,
      ContentBox content) {
    /** {@code sample} with this image stored on it: bytes, sizes and where the picture is. */
    public Sample.Builder storeOn(Sample.Builder sample) {
      return sample
          .image(jpeg)
          .originalSize(originalWidth, originalHeight)
          .storedSize(width, height)
          .storedByteSize(jpeg.length)
          .contentBox(content);
    }
  }

  /** The outcome: a processed image, or the reason there is none. */
  public record Result(Processed image, Reason reason, String detail) {
    static Result failed(Reason reason, String detail) {
      return new Result(null, reason, detail);
    }
  }

  /** Rows at the bottom that must all be the fill grey for an image to count as cut off. */
  static final int FILL_ROWS = 8;

  /**
   * Whether the image's bottom {@link #FILL_ROWS} rows are exactly mid-grey in every channel:
   * libjpeg decodes the blocks of a scan that stops early (a file cut off, with or without an end
   * marker appended) as 128 grey and reports success. A photo does not end in eight rows of one
   * exact grey; a flat grey border would, and is rejected with it (rare, and a border is no loss).
   */
  static boolean endsInDecoderFill(Mat image) {
    if (image.rows() < 2 * FILL_ROWS
        || image.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
      return false;
    }
    Mat bottom =
        new Mat(
            image,
            new org.bytedeco.opencv.opencv_core.Rect(
                0, image.rows() - FILL_ROWS, image.cols(), FILL_ROWS));
    Mat flat = bottom.isContinuous() ? bottom : bottom.clone();
    byte[] pixels = new byte[(int) (flat.total() * flat.channels())];
    flat.data().get(pixels);
    for (byte v : pixels) {
      if ((v & 0xff) != 128) {
        return false;
      }
    }
    return true;
  }

  public Result process(byte[] bytes) {
    ImageFormat format = ImageFormat.sniff(bytes);
    if (format == null || !format.decodable()) {
      return Result.failed(
          Reason.UNSUPPORTED_FORMAT,
          format == null ? "unknown image format" : format.mimeType() + " is not supported");
    }
    ImageHeader.Size declared = ImageHeader.size(bytes, format);
    if (declared == null && format != ImageFormat.TIFF) {
      return Result.failed(
          Reason.CORRUPT_IMAGE, "no readable size in the " + format.mimeType() + " header");
    }
    if (declared != null && declared.pixels() > settings.maxPixels()) {
      return Result.failed(
          Reason.IMAGE_TOO_LARGE,
          declared.width()
              + "×"
              + declared.height()
              + " exceeds the cap of "
              + settings.maxPixels()
              + " pixels");
    }
    String jpegProblem = format == ImageFormat.JPEG ? ImageHeader.jpegProblem(bytes) : null;
    if (jpegProblem != null) {
      return Result.failed(Reason.TRUNCATED_IMAGE, "image/jpeg: " + jpegProblem);
    }
    if (!ImageHeader.isComplete(bytes, format)) {
      return Result.failed(
          Reason.TRUNCATED_IMAGE,
          format.mimeType() + " stream ends early (" + bytes.length + " bytes, no end marker)");
    }
    try (PointerScope scope = new PointerScope()) {
      int reduction = format == ImageFormat.JPEG ? jpegReduction(declared) : 1;
      Mat image = decode(bytes, format, reduction);
      if (image == null || image.empty()) {
        return Result.failed(
            Reason.CORRUPT_IMAGE, "OpenCV could not decode the " + format.mimeType() + " data");
      }
      if (format == ImageFormat.JPEG && endsInDecoderFill(image)) {
        return Result.failed(
            Reason.TRUNCATED_IMAGE,
            "image/jpeg: its last rows are the decoder's "
                + "grey fill of missing data (the scan data stops early)");
      }
      int width = image.cols();
      int height = image.rows();
      if (reduction > 1) {
        // Report the original size: the header's, turned as EXIF orientation turned the pixels.
        boolean turned =
            (width >= height) != (declared.width() >= declared.height())
                && declared.width() != declared.height();
        width = turned ? declared.height() : declared.width();
        height = turned ? declared.width() : declared.height();
      }
      if ((long) width * height > settings.maxPixels()) {
        return Result.failed(
            Reason.IMAGE_TOO_LARGE,
            width + "×" + height + " exceeds the cap of " + settings.maxPixels() + " pixels");
      }
      if (Math.min(width, height) < settings.minImageSize()) {
        return Result.failed(
            Reason.IMAGE_TOO_SMALL,
            width + "×" + height + " is under the minimum side of " + settings.minImageSize());
      }
      double aspect = (double) Math.max(width, height) / Math.min(width, height);
      if (aspect > settings.maxAspectRatio()) {
        return Result.failed(
            Reason.BAD_ASPECT_RATIO,
            String.format(
                Locale.ROOT, "aspect ratio %.2f exceeds %.2f", aspect, settings.maxAspectRatio()));
      }
      Mat resized = resizeImage(image);
      BytePointer encoded = new BytePointer();
      if (!imencode(
          ".jpg", resized, encoded, new IntPointer(IMWRITE_JPEG_QUALITY, settings.jpegQuality()))) {
        return Result.failed(Reason.ENCODE_FAILED, "JPEG encoding failed");
      }
      byte[] jpeg = new byte[(int) encoded.limit()];
      encoded.get(jpeg);
      ContentBox content = pictureBox(settings, width, height, resized.cols(), resized.rows());
      return new Result(
          new Processed(jpeg, width, height, resized.cols(), resized.rows(), content), null, null);
    } catch (RuntimeException e) {
      // OpenCV reports codec errors as exceptions: the data is bad, not the pipeline.
      return Result.failed(Reason.CORRUPT_IMAGE, "decoder error: " + e.getMessage());
    }
  }

  /**
   * How much smaller a JPEG may be decoded (1, 2, 4 or 8) and still be at least as large as the
   * stored image will be. libjpeg scales in the DCT domain, so a 4000-pixel photo headed for 256
   * pixels is decoded at an eighth of the work, as PIL's draft mode does.
   */
  int jpegReduction(ImageHeader.Size original) {
    ResizeMode mode = settings.resizeMode();
    if (mode == ResizeMode.NO) {
      return 1;
    }
    double side =
        switch (mode) {
          case KEEP_RATIO, CENTER_CROP -> Math.min(original.width(), original.height());
          default -> Math.max(original.width(), original.height());
        };
    double shrink = side / settings.imageSize();
    int reduction = 1;
    while (reduction < 8 && reduction * 2 <= shrink) {
      reduction *= 2;
    }
    return reduction;
  }

  /** Decodes to 8-bit BGR. JPEG goes through IMREAD_COLOR so EXIF orientation is applied. */
  private static Mat decode(byte[] bytes, ImageFormat format, int reduction) {
    Mat buffer = new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes));
    if (format == ImageFormat.JPEG) {
      return imdecode(
          buffer,
          switch (reduction) {
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> IMREAD_COLOR;
          });
    }
    if (format == ImageFormat.GIF) {
      return firstGifFrame(bytes);
    }
    Mat raw = imdecode(buffer, IMREAD_UNCHANGED);
    if (raw == null || raw.empty()) {
      return raw;
    }
    Mat eight = raw;
    if (raw.depth() != CV_8U) {
      eight = new Mat();
      double scale = raw.elemSize1() == 2 ? 1.0 / 257 : 255.0; // 16-bit ints or [0,1] floats
      raw.convertTo(eight, CV_8U, scale, 0);
    }
    return switch (eight.channels()) {
      case 1 -> {
        Mat bgr = new Mat();
        cvtColor(eight, bgr, COLOR_GRAY2BGR);
        yield bgr;
      }
      case 4 -> onWhite(eight);
      default -> eight;
    };
  }

  /**
   * The first frame of a GIF (static or animated), as BGR on white where it is transparent:
   * OpenCV's build has no GIF decoder, the JDK's has. Null when the JDK cannot read it. The pixel
   * cap was checked against the header's screen size before this.
   */
  static Mat firstGifFrame(byte[] bytes) {
    java.awt.image.BufferedImage frame;
    try (javax.imageio.stream.ImageInputStream in =
        javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
      java.util.Iterator<javax.imageio.ImageReader> readers =
          javax.imageio.ImageIO.getImageReadersByFormatName("gif");
      if (!readers.hasNext()) {
        return null;
      }
      javax.imageio.ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        frame = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (java.io.IOException | RuntimeException e) {
      return null; // a damaged GIF: the caller reports it as corrupt
    }
    int w = frame.getWidth();
    int h = frame.getHeight();
    int[] argb = frame.getRGB(0, 0, w, h, null, 0, w);
    byte[] bgr = new byte[w * h * 3];
    for (int p = 0; p < argb.length; p++) {
      int alpha = argb[p] >>> 24;
      for (int c = 0; c < 3; c++) {
        int value = (argb[p] >> (8 * c)) & 0xff; // blue, green, red
        bgr[p * 3 + c] = (byte) ((value * alpha + 255 * (255 - alpha) + 127) / 255);
      }
    }
    Mat image = new Mat(h, w, CV_8UC3);
    image.data().put(bgr);
    return image;
  }

  /** Composites a BGRA image onto white, as a viewer would show it. */
  private static Mat onWhite(Mat bgra) {
    int pixels = bgra.rows() * bgra.cols();
    byte[] in = new byte[pixels * 4];
    bgra.data().get(in);
    byte[] out = new byte[pixels * 3];
    for (int p = 0; p < pixels; p++) {
      int alpha = in[p * 4 + 3] & 0xff;
      for (int c = 0; c < 3; c++) {
        int value = in[p * 4 + c] & 0xff;
        out[p * 3 + c] = (byte) ((value * alpha + 255 * (255 - alpha) + 127) / 255);
      }
    }
    Mat bgr = new Mat(bgra.rows(), bgra.cols(), CV_8UC3);
    bgr.data().put(out);
    return bgr;
  }

  private Mat resizeImage(Mat image) {
    ResizeMode mode = settings.resizeMode();
    if (mode == ResizeMode.NO) {
      return image;
    }
    int size = settings.imageSize();
    int width = image.cols();
    int height = image.rows();
    double scale =
        switch (mode) {
          case KEEP_RATIO, CENTER_CROP -> (double) size / Math.min(width, height);
          default -> (double) size / Math.max(width, height);
        };
    if (settings.resizeOnlyIfBigger() && scale > 1) {
      scale = 1;
    }
    Mat scaled = image;
    if (scale != 1) {
      int newWidth = Math.max(1, (int) Math.round(width * scale));
      int newHeight = Math.max(1, (int) Math.round(height * scale));
      scaled = new Mat();
      resize(
          image,
          scaled,
          new Size(newWidth, newHeight),
          0,
          0,
          scale < 1 ? INTER_AREA : INTER_LANCZOS4);
    }
    if (mode == ResizeMode.CENTER_CROP) {
      int side = Math.min(size, Math.min(scaled.cols(), scaled.rows()));
      Rect box = new Rect((scaled.cols() - side) / 2, (scaled.rows() - side) / 2, side, side);
      return new Mat(scaled, box).clone();
    }
    if (mode == ResizeMode.BORDER) {
      int color = settings.borderColor();
      int padX = Math.max(0, size - scaled.cols());
      int padY = Math.max(0, size - scaled.rows());
      Mat padded = new Mat();
      copyMakeBorder(
          scaled,
          padded,
          padY / 2,
          padY - padY / 2,
          padX / 2,
          padX - padX / 2,
          BORDER_CONSTANT,
          new Scalar(color & 0xff, color >> 8 & 0xff, color >> 16 & 0xff, 0));
      return padded;
    }
    return scaled;
  }

  /**
   * The part of a stored image that is picture, or null for all of it: the border resize mode
   * scales the image to fit a square and pads it, and the padding must not reach the models. From
   * the original size, as the stored image's is (to a pixel: it may have scaled a reduced decode).
   */
  public static ContentBox pictureBox(
      DecodeSettings decode,
      int originalWidth,
      int originalHeight,
      int storedWidth,
      int storedHeight) {
    if (decode.resizeMode() != ResizeMode.BORDER) {
      return null;
    }
    double scale = (double) decode.imageSize() / Math.max(originalWidth, originalHeight);
    if (decode.resizeOnlyIfBigger() && scale > 1) {
      scale = 1;
    }
    int width = Math.max(1, Math.min(storedWidth, (int) Math.round(originalWidth * scale)));
    int height = Math.max(1, Math.min(storedHeight, (int) Math.round(originalHeight * scale)));
    return new ContentBox((storedWidth - width) / 2, (storedHeight - height) / 2, width, height);
  }
}
