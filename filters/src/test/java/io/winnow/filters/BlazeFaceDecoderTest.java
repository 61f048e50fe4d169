package io.winnow.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlazeFaceDecoderTest {
  private static final float NEVER = -50f;

  @Test
  void anchorsTileA48By48GridRowByRow() {
    assertThat(BlazeFaceDecoder.ANCHORS).isEqualTo(2304);
    assertThat(BlazeFaceDecoder.anchor(0)).containsExactly(0.5f / 48, 0.5f / 48);
    assertThat(BlazeFaceDecoder.anchor(1)).containsExactly(1.5f / 48, 0.5f / 48);
    assertThat(BlazeFaceDecoder.anchor(48)).containsExactly(0.5f / 48, 1.5f / 48);
    assertThat(BlazeFaceDecoder.anchor(2303)).containsExactly(47.5f / 48, 47.5f / 48);
  }

  @Test
  void boxesAreOffsetsFromTheAnchorInInputPixels() {
    float[] reg = new float[BlazeFaceDecoder.ANCHORS * 16];
    float[] logits = new float[BlazeFaceDecoder.ANCHORS];
    java.util.Arrays.fill(logits, NEVER);
    int i = 48 * 10 + 20; // anchor centre (20.5/48, 10.5/48)
    reg[i * 16] = 9.6f; // x centre + 9.6 px = +0.05
    reg[i * 16 + 1] = -9.6f;
    reg[i * 16 + 2] = 38.4f; // width 0.2
    reg[i * 16 + 3] = 57.6f; // height 0.3
    logits[i] = 2f;
    List<BlazeFaceDecoder.Detection> found = BlazeFaceDecoder.decode(reg, logits, 0.5f);
    assertThat(found).hasSize(1);
    BlazeFaceDecoder.Detection d = found.get(0);
    float cx = 20.5f / 48 + 0.05f;
    float cy = 10.5f / 48 - 0.05f;
    assertThat(d.xMin()).isCloseTo(cx - 0.1f, within(1e-6f));
    assertThat(d.xMax()).isCloseTo(cx + 0.1f, within(1e-6f));
    assertThat(d.yMin()).isCloseTo(cy - 0.15f, within(1e-6f));
    assertThat(d.yMax()).isCloseTo(cy + 0.15f, within(1e-6f));
    assertThat(d.score()).isCloseTo((float) (1 / (1 + Math.exp(-2))), within(1e-6f));
  }

  @Test
  void scoresAreClippedSigmoidsAndFilteredAtTheThreshold() {
    float[] reg = new float[BlazeFaceDecoder.ANCHORS * 16];
    float[] logits = new float[BlazeFaceDecoder.ANCHORS];
    java.util.Arrays.fill(logits, NEVER);
    for (int i = 0; i < 3; i++) {
      reg[i * 16 + 2] = 10;
      reg[i * 16 + 3] = 10;
    }
    logits[0] = 1e6f; // clipped to 100: score 1
    logits[1] = 0f; // exactly 0.5: kept at threshold 0.5
    logits[2] = -0.01f; // just under
    List<BlazeFaceDecoder.Detection> found = BlazeFaceDecoder.decode(reg, logits, 0.5f);
    assertThat(found).extracting(BlazeFaceDecoder.Detection::score).containsExactly(1f, 0.5f);
    assertThatThrownBy(() -> BlazeFaceDecoder.decode(new float[10], new float[10], 0.5f))
        .hasMessageContaining("2304");
  }

  @Test
  void weightedNmsMergesOverlapsByScoreAndKeepsSeparateFaces() {
    BlazeFaceDecoder.Detection a = new BlazeFaceDecoder.Detection(0.10f, 0.10f, 0.30f, 0.30f, 0.9f);
    BlazeFaceDecoder.Detection b = new BlazeFaceDecoder.Detection(0.12f, 0.12f, 0.32f, 0.32f, 0.6f);
    BlazeFaceDecoder.Detection far = new BlazeFaceDecoder.Detection(0.6f, 0.6f, 0.8f, 0.8f, 0.7f);
    List<BlazeFaceDecoder.Detection> kept = BlazeFaceDecoder.weightedNms(List.of(b, far, a), 0.3f);
    assertThat(kept).hasSize(2);
    BlazeFaceDecoder.Detection merged = kept.get(0);
    assertThat(merged.score()).isEqualTo(0.9f);
    assertThat(merged.xMin()).isCloseTo((0.10f * 0.9f + 0.12f * 0.6f) / 1.5f, within(1e-6f));
    assertThat(kept.get(1)).isEqualTo(far);
  }

  @Test
  void suppressionDoesNotDependOnInputOrder() {
    List<BlazeFaceDecoder.Detection> boxes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      float o = (i % 10) * 0.01f + (i / 10) * 0.3f;
      boxes.add(new BlazeFaceDecoder.Detection(o, o, o + 0.15f, o + 0.15f, 0.5f + (i % 7) * 0.05f));
    }
    List<BlazeFaceDecoder.Detection> first = BlazeFaceDecoder.weightedNms(boxes, 0.3f);
    Collections.shuffle(boxes, new java.util.Random(7));
    assertThat(BlazeFaceDecoder.weightedNms(boxes, 0.3f)).isEqualTo(first);
  }
}
