package io.winnow.bench.copyset;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Scalar;

/** A named colour; its Scalar is made on use, so that no PointerScope frees a shared one. */
record Colour(String name, int r, int g, int b) {
  static final Colour WHITE = new Colour("white", 255, 255, 255);
  static final Colour BLACK = new Colour("black", 0, 0, 0);
  static final Colour GREY = new Colour("grey", 128, 128, 128);
  static final Colour YELLOW = new Colour("yellow", 255, 230, 0);

  Scalar scalar() {
    return new Scalar(b, g, r, 0);
  }

  double brightness() {
    return 0.299 * r + 0.587 * g + 0.114 * b;
  }

  static Colour random(Random random) {
    int r = random.nextInt(256);
    int g = random.nextInt(256);
    int b = random.nextInt(256);
    return new Colour(String.format("#%02x%02x%02x", r, g, b), r, g, b);
  }
}
