package io.winnow.schemas;

import java.io.Serializable;

/**
 * Where the picture is inside a stored image, in stored-image pixels: decode records it without the
 * padding its border resize mode added, and fingerprinting narrows it to the picture inside uniform
 * borders and letterbox bars. What the NSFW and embedding models see, so no later stage re-derives
 * decode's geometry.
 */
public record ContentBox(int x, int y, int width, int height) implements Serializable {
  public ContentBox {
    if (x < 0 || y < 0 || width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "a content box has a non-negative origin and a positive size, not "
              + x
              + ","
              + y
              + " "
              + width
              + "x"
              + height);
    }
  }

  /** Whether this box is all of a {@code width} x {@code height} image. */
  public boolean covers(int imageWidth, int imageHeight) {
    return x == 0 && y == 0 && width == imageWidth && height == imageHeight;
  }
}
