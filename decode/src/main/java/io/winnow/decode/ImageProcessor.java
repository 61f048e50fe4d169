package io.winnow.decode;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import io.winnow.schemas.ContentBox;
import io.winnow.schemas.Reason;
import io.winnow.schemas.SampleBuilder;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

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
    public SampleBuilder storeOn(SampleBuilder sample) {
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
      Mat image = PixelDecoder.decode(bytes, format, reduction);
      if (image == null || image.empty()) {
        return Result.failed(
            Reason.CORRUPT_IMAGE, "OpenCV could not decode the " + format.mimeType() + " data");
      }
      if (format == ImageFormat.JPEG && PixelDecoder.endsInDecoderFill(image)) {
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
      Mat resized = Resizer.resized(image, settings);
      BytePointer encoded = new BytePointer();
      if (!imencode(
          ".jpg", resized, encoded, new IntPointer(IMWRITE_JPEG_QUALITY, settings.jpegQuality()))) {
        return Result.failed(Reason.ENCODE_FAILED, "JPEG encoding failed");
      }
      byte[] jpeg = new byte[(int) encoded.limit()];
      encoded.get(jpeg);
      ContentBox content =
          Resizer.pictureBox(settings, width, height, resized.cols(), resized.rows());
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
}
