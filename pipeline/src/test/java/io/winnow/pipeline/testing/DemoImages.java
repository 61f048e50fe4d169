package io.winnow.pipeline.testing;

import io.winnow.copydetect.Pdq;
import io.winnow.pipeline.demo.DemoServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;

/** The bundled demo photos, and their PDQ hashes as a hotline would compute them. */
public final class DemoImages {
  private DemoImages() {}

  public static byte[] bytes(String name) throws IOException {
    try (InputStream in = DemoServer.class.getResourceAsStream("/demo/images/" + name)) {
      return in.readAllBytes();
    }
  }

  /** PDQ of the whole original image (decoded by the JDK), optionally mirrored left to right. */
  public static Pdq.Hash pdqOf(byte[] encoded, boolean mirrored) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
    if (mirrored) {
      BufferedImage flipped =
          new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          flipped.setRGB(image.getWidth() - 1 - x, y, image.getRGB(x, y));
        }
      }
      image = flipped;
    }
    return Pdq.hash(image);
  }
}
