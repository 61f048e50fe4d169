package io.winnow.copydetect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class UniformBorderTest {
  /** A noisy grey picture of w x h inside a border of {@code b} pixels of one colour. */
  static byte[] framed(int w, int h, int top, int right, int bottom, int left, int colour) {
    int width = w + left + right;
    int height = h + top + bottom;
    byte[] px = new byte[width * height * 3];
    Random r = new Random(1);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean inside = x >= left && x < left + w && y >= top && y < top + h;
        int v = inside ? 40 + r.nextInt(180) : colour;
        for (int c = 0; c < 3; c++) {
          px[(y * width + x) * 3 + c] = (byte) v;
        }
      }
    }
    return px;
  }

  @Test
  void trimsAFrameOnEverySide() {
    byte[] px = framed(100, 80, 10, 12, 14, 16, 255);
    assertThat(UniformBorder.contentBox(px, 128, 104, 3, null))
        .isEqualTo(new UniformBorder.Box(16, 10, 100, 80));
  }

  @Test
  void trimsLetterboxBarsInsideTheGivenBox() {
    // Black bars above and below, inside a 4-pixel grey padding the caller already knows of.
    byte[] px = framed(120, 60, 30, 0, 30, 0, 0);
    UniformBorder.Box all = UniformBorder.contentBox(px, 120, 120, 3, null);
    assertThat(all).isEqualTo(new UniformBorder.Box(0, 30, 120, 60));
    UniformBorder.Box within =
        UniformBorder.contentBox(px, 120, 120, 3, new UniformBorder.Box(0, 10, 120, 100));
    assertThat(within).isEqualTo(new UniformBorder.Box(0, 30, 120, 60));
  }

  @Test
  void leavesAPictureWithoutBorderWhole() {
    byte[] px = framed(90, 70, 0, 0, 0, 0, 0);
    assertThat(UniformBorder.contentBox(px, 90, 70, 3, null))
        .isEqualTo(new UniformBorder.Box(0, 0, 90, 70));
  }

  @Test
  void aMostlyUniformImageKeepsAtLeastAQuarterOfEachSide() {
    byte[] px = framed(4, 4, 60, 60, 60, 60, 128);
    UniformBorder.Box box = UniformBorder.contentBox(px, 124, 124, 3, null);
    assertThat(box.width()).isGreaterThanOrEqualTo(124 / 4);
    assertThat(box.height()).isGreaterThanOrEqualTo(124 / 4);
  }

  @Test
  void badInputIsRefusedClearly() {
    assertThatThrownBy(() -> UniformBorder.contentBox(new byte[10], 10, 10, 3, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smaller than");
    assertThatThrownBy(() -> UniformBorder.contentBox(new byte[400], 10, 10, 4, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channels");
  }
}
