package io.winnow.filters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the raw outputs of MediaPipe's BlazeFace full-range model into face boxes: SSD anchors, box
 * decoding and weighted non-maximum suppression, with the options of MediaPipe's {@code
 * face_detection_full_range} graph (one 48×48 anchor layer of stride 4 on a 192×192 input, fixed
 * anchor size, 16 coordinates per anchor with x/y/w/h first, sigmoid scores clipped at ±100,
 * weighted NMS at IoU 0.3).
 *
 * <p>Coordinates are normalised to the model input ([0, 1] on the 192×192 letterboxed square).
 */
public final class BlazeFaceDecoder {
  public static final int INPUT_SIZE = 192;
  public static final int STRIDE = 4;
  public static final int ANCHORS = (INPUT_SIZE / STRIDE) * (INPUT_SIZE / STRIDE); // 2304
  public static final int COORDS = 16;
  static final float SCORE_CLIP = 100f;
  public static final float NMS_IOU = 0.3f;

  private static final float[] ANCHOR_X = new float[ANCHORS];
  private static final float[] ANCHOR_Y = new float[ANCHORS];

  static {
    int cells = INPUT_SIZE / STRIDE;
    for (int y = 0, i = 0; y < cells; y++) {
      for (int x = 0; x < cells; x++, i++) {
        ANCHOR_X[i] = (x + 0.5f) / cells;
        ANCHOR_Y[i] = (y + 0.5f) / cells;
      }
    }
  }

  /** A decoded box, normalised to the model input. */
  public record Detection(float xMin, float yMin, float xMax, float yMax, float score) {
    float area() {
      return Math.max(0, xMax - xMin) * Math.max(0, yMax - yMin);
    }

    float iou(Detection o) {
      float w = Math.min(xMax, o.xMax) - Math.max(xMin, o.xMin);
      float h = Math.min(yMax, o.yMax) - Math.max(yMin, o.yMin);
      if (w <= 0 || h <= 0) {
        return 0;
      }
      float inter = w * h;
      return inter / (area() + o.area() - inter);
    }
  }

  private BlazeFaceDecoder() {}

  /** The centre of anchor {@code i}, normalised: {x, y}. Anchors have width and height 1. */
  public static float[] anchor(int i) {
    return new float[] {ANCHOR_X[i], ANCHOR_Y[i]};
  }

  /**
   * Boxes with a score of at least {@code minScore}, before suppression.
   *
   * @param regressors {@code ANCHORS × 16} values, row-major
   * @param logits {@code ANCHORS} raw class scores
   */
  public static List<Detection> decode(float[] regressors, float[] logits, float minScore) {
    if (regressors.length != ANCHORS * COORDS || logits.length != ANCHORS) {
      throw new IllegalArgumentException(
          "BlazeFace full range gives "
              + ANCHORS
              + " × "
              + COORDS
              + " regressors and "
              + ANCHORS
              + " scores, got "
              + regressors.length
              + " and "
              + logits.length);
    }
    List<Detection> found = new ArrayList<>();
    for (int i = 0; i < ANCHORS; i++) {
      float logit = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, logits[i]));
      float score = (float) (1 / (1 + Math.exp(-logit)));
      if (score < minScore) {
        continue;
      }
      int o = i * COORDS;
      float xCenter = regressors[o] / INPUT_SIZE + ANCHOR_X[i];
      float yCenter = regressors[o + 1] / INPUT_SIZE + ANCHOR_Y[i];
      float w = regressors[o + 2] / INPUT_SIZE;
      float h = regressors[o + 3] / INPUT_SIZE;
      if (w <= 0 || h <= 0) {
        continue;
      }
      found.add(
          new Detection(xCenter - w / 2, yCenter - h / 2, xCenter + w / 2, yCenter + h / 2, score));
    }
    return found;
  }

  /**
   * MediaPipe's weighted NMS: take the best remaining box, gather every box overlapping it by more
   * than {@code iou}, and replace them by their score-weighted mean box (keeping the best score).
   * Ties in score are broken by position, so the result does not depend on input order.
   */
  public static List<Detection> weightedNms(List<Detection> detections, float iou) {
    List<Detection> remaining = new ArrayList<>(detections);
    remaining.sort(
        Comparator.comparingDouble((Detection d) -> -d.score())
            .thenComparingDouble(Detection::yMin)
            .thenComparingDouble(Detection::xMin));
    List<Detection> kept = new ArrayList<>();
    while (!remaining.isEmpty()) {
      Detection best = remaining.get(0);
      List<Detection> cluster = new ArrayList<>();
      List<Detection> rest = new ArrayList<>();
      for (Detection d : remaining) {
        (best.iou(d) > iou || d == best ? cluster : rest).add(d);
      }
      float total = 0;
      float x0 = 0;
      float y0 = 0;
      float x1 = 0;
      float y1 = 0;
      for (Detection d : cluster) {
        total += d.score();
        x0 += d.xMin() * d.score();
        y0 += d.yMin() * d.score();
        x1 += d.xMax() * d.score();
        y1 += d.yMax() * d.score();
      }
      kept.add(new Detection(x0 / total, y0 / total, x1 / total, y1 / total, best.score()));
      remaining = rest;
    }
    return kept;
  }
}
