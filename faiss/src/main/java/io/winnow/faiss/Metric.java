package io.winnow.faiss;

import io.winnow.faiss.jni.global.faiss;

/** How vectors are compared. Cosine similarity is inner product on L2-normalised vectors. */
public enum Metric {
  INNER_PRODUCT(faiss.METRIC_INNER_PRODUCT),
  L2(faiss.METRIC_L2);

  final int code;

  Metric(int code) {
    this.code = code;
  }

  /** Whether a larger score means closer (inner product) rather than farther (L2). */
  public boolean higherIsCloser() {
    return this == INNER_PRODUCT;
  }
}
