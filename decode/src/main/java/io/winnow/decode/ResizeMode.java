package io.winnow.decode;

/** How images are brought to the configured size; the same modes as img2dataset. */
public enum ResizeMode {
  /** Keep as downloaded (still re-encoded as JPEG). */
  NO,
  /** Scale so the shorter side equals the size; keep the aspect ratio. */
  KEEP_RATIO,
  /** Scale so the longer side equals the size; keep the aspect ratio. */
  KEEP_RATIO_LARGEST,
  /** Scale the shorter side to the size, then cut the centre square. */
  CENTER_CROP,
  /** Scale the longer side to the size, then pad to a square (white, or --border-color). */
  BORDER
}
