// Rebuilds the bundled demo corpus (pipeline/src/main/resources/demo/images) from the
// public-domain/CC0 photos in Debian's python3-skimage package plus generated images.
// Run: apt-get download python3-skimage && dpkg -x python3-skimage_*.deb /tmp/sk
//      java -cp "$(cat classpath.txt)" deploy/demo/MakeDemoCorpus.java /tmp/sk/usr/lib/python3/dist-packages/skimage/data OUT_DIR
import static org.bytedeco.opencv.global.opencv_imgcodecs.*;
import static org.bytedeco.opencv.global.opencv_imgproc.*;

import java.nio.file.*;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.*;

public class MakeDemoCorpus {
  public static void main(String[] args) throws Exception {
    Path src = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    String[] photos = {"astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg",
        "hubble_deep_field.jpg", "retina.jpg", "brick.png", "grass.png", "gravel.png",
        "clock_motion.png"};
    for (String name : photos) {
      Mat image = imread(src.resolve(name).toString(), IMREAD_COLOR);
      String base = name.substring(0, name.indexOf('.'));
      writeJpeg(shrink(image, 640), out.resolve(base + ".jpg"), 90);
    }
    Files.copy(src.resolve("horse.png"), out.resolve("horse.png"),
        StandardCopyOption.REPLACE_EXISTING);
    // A near-duplicate: the cat photo scaled to 90% and saved at a lower quality.
    Mat cat = imread(src.resolve("chelsea.png").toString(), IMREAD_COLOR);
    Mat smaller = new Mat();
    resize(cat, smaller, new Size(cat.cols() * 9 / 10, cat.rows() * 9 / 10), 0, 0, INTER_AREA);
    writeJpeg(smaller, out.resolve("chelsea_near_duplicate.jpg"), 60);
    // A truncated JPEG: the first 60% of the coffee photo.
    byte[] coffee = Files.readAllBytes(out.resolve("coffee.jpg"));
    Files.write(out.resolve("truncated.jpg"), java.util.Arrays.copyOf(coffee, coffee.length * 6 / 10));
    // Generated: a colour gradient (PNG), shapes (JPEG) and an icon too small to keep.
    Mat gradient = new Mat(240, 320, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
    var data = gradient.createIndexer();
    var idx = (org.bytedeco.javacpp.indexer.UByteIndexer) data;
    for (int y = 0; y < 240; y++) {
      for (int x = 0; x < 320; x++) {
        idx.put(y, x, 0, x * 255 / 319);
        idx.put(y, x, 1, y * 255 / 239);
        idx.put(y, x, 2, 128);
      }
    }
    imwrite(out.resolve("gradient.png").toString(), gradient);
    Mat shapes = new Mat(300, 400, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(235, 235, 235, 0));
    circle(shapes, new Point(120, 150), 80, new Scalar(40, 40, 200, 0), -1, LINE_AA, 0);
    rectangle(shapes, new Point(220, 60), new Point(360, 240), new Scalar(200, 120, 30, 0), -1, LINE_AA, 0);
    writeJpeg(shapes, out.resolve("shapes.jpg"), 90);
    Mat tiny = new Mat(16, 16, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(0, 160, 255, 0));
    imwrite(out.resolve("tiny-icon.png").toString(), tiny);
  }

  static Mat shrink(Mat image, int maxSide) {
    double scale = (double) maxSide / Math.max(image.cols(), image.rows());
    if (scale >= 1) {
      return image;
    }
    Mat small = new Mat();
    resize(image, small, new Size((int) Math.round(image.cols() * scale),
        (int) Math.round(image.rows() * scale)), 0, 0, INTER_AREA);
    return small;
  }

  static void writeJpeg(Mat image, Path file, int quality) {
    imwrite(file.toString(), image, new IntPointer(IMWRITE_JPEG_QUALITY, quality));
  }
}
