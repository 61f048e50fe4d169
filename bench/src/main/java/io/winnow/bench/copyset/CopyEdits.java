package io.winnow.bench.copyset;

import static io.winnow.bench.copyset.Edited.DEFAULT_QUALITY;
import static io.winnow.bench.copyset.SetImages.decode;
import static io.winnow.bench.copyset.SetImages.encode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The DISC21-style edit types and how one is applied: by name to {@link GeometricEdits}, {@link
 * OverlayEdits} or {@link PixelEdits}, or as a combo of two. The order of {@link #EDITS} decides
 * which types a photo's copies get, so it is part of the set's identity.
 */
final class CopyEdits {
  /**
   * The edit types; a photo's copies are {@value SetGenerator#COPIES_PER_PHOTO} consecutive ones.
   */
  static final List<String> EDITS =
      List.of(
          "crop",
          "border",
          "letterbox",
          "text",
          "logo",
          "flip",
          "rotate",
          "greyscale",
          "blur",
          "jpeg",
          "rescale",
          "colour",
          "aspect",
          "paste",
          "combo");

  private CopyEdits() {}

  /** Other photos of the set, for the paste edit's background. */
  record Backgrounds(List<Photo> set, int self, Path base) {
    Photo pick(Random random) {
      int other = random.nextInt(set.size() - 1);
      return set.get(other >= self ? other + 1 : other);
    }

    Mat load(Photo photo) throws IOException {
      return SetImages.load(base, photo);
    }
  }

  static Edited apply(String type, Mat in, Random random, Backgrounds backgrounds)
      throws IOException {
    return switch (type) {
      case "crop" -> GeometricEdits.crop(in, random);
      case "border" -> GeometricEdits.border(in, random);
      case "letterbox" -> GeometricEdits.letterbox(in, random);
      case "text" -> OverlayEdits.text(in, random);
      case "logo" -> OverlayEdits.logo(in, random);
      case "flip" -> GeometricEdits.flipped(in);
      case "rotate" -> GeometricEdits.rotate(in, random);
      case "greyscale" -> PixelEdits.greyscale(in);
      case "blur" -> PixelEdits.blur(in, random);
      case "jpeg" -> PixelEdits.jpeg(in, random);
      case "rescale" -> GeometricEdits.rescale(in, random);
      case "colour" -> PixelEdits.colour(in, random);
      case "aspect" -> GeometricEdits.aspect(in, random);
      case "paste" -> GeometricEdits.paste(in, random, backgrounds);
      default -> throw new IllegalArgumentException("unknown edit " + type);
    };
  }

  /** Two different edit types other than combo, in a random order. */
  static List<String> comboSteps(Random random) {
    List<String> simple = EDITS.subList(0, EDITS.size() - 1);
    String first = simple.get(random.nextInt(simple.size()));
    String second;
    do {
      second = simple.get(random.nextInt(simple.size()));
    } while (second.equals(first));
    return List.of(first, second);
  }

  /** Applies the steps in order; a low JPEG quality before another step is baked in first. */
  static Edited combo(Mat in, List<String> steps, Random random, Backgrounds backgrounds)
      throws IOException {
    Mat image = in;
    int quality = DEFAULT_QUALITY;
    List<String> details = new ArrayList<>();
    for (String step : steps) {
      if (quality != DEFAULT_QUALITY) {
        image = decode(encode(image, quality));
      }
      Edited e = apply(step, image, random, backgrounds);
      image = e.image();
      quality = e.quality();
      details.add(e.detail());
    }
    return new Edited(image, quality, String.join("; ", details));
  }
}
