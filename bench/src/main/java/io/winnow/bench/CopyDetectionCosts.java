package io.winnow.bench;

import static io.winnow.bench.StepTimer.report;

import io.winnow.copydetect.CopyVerifier;
import io.winnow.copydetect.Fingerprint;
import io.winnow.copydetect.LocalFeatures;
import io.winnow.copydetect.Pdq;
import io.winnow.dedup.FingerprintImages;
import io.winnow.schemas.Sample;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Owns the filter bench's copy-detection rows: the fingerprint every stored image gets (its parts,
 * then the whole FingerprintImages step), the verification of one candidate pair, and a
 * fingerprint's decoding from its wire form.
 */
final class CopyDetectionCosts {
  private CopyDetectionCosts() {}

  /** {@code stored} and {@code storedMats} are the same photos, as stored and decoded. */
  static void measure(List<Sample> stored, List<Mat> storedMats, int rounds) {
    int n = stored.size();
    org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
    List<int[]> argb = new ArrayList<>();
    for (Mat m : storedMats) {
      byte[] px = new byte[m.cols() * m.rows() * 3];
      m.data().get(px);
      int[] out = new int[m.cols() * m.rows()];
      for (int p = 0; p < out.length; p++) {
        out[p] =
            0xff000000
                | (px[3 * p + 2] & 0xff) << 16
                | (px[3 * p + 1] & 0xff) << 8
                | (px[3 * p] & 0xff);
      }
      argb.add(out);
    }
    report(
        "copies: PDQ hash with its 8 dihedrals (256 px)",
        rounds,
        n,
        i ->
            Pdq.hashWithDihedrals(argb.get(i), storedMats.get(i).cols(), storedMats.get(i).rows()));
    report(
        "copies: ORB keypoints, picture and mirror",
        rounds,
        n,
        i -> LocalFeatures.of(storedMats.get(i)));
    report(
        "copies: FingerprintImages (decode, trim, PDQ, ORB)",
        rounds,
        n,
        i -> FingerprintImages.fingerprint(stored.get(i)).encode());
    List<Fingerprint> prints = new ArrayList<>();
    for (Sample s : stored) {
      prints.add(FingerprintImages.fingerprint(s));
    }
    CopyVerifier verifier = CopyVerifier.with(CopyVerifier.Settings.defaults());
    report(
        "copies: verify a pair of different photos",
        rounds,
        n,
        i -> verifier.verify(prints.get(i), prints.get((i + 1) % n), 0.8f, i));
    List<Fingerprint> copies = new ArrayList<>();
    for (Mat m : storedMats) {
      Mat cropped =
          new Mat(
                  m,
                  new org.bytedeco.opencv.opencv_core.Rect(
                      m.cols() / 8, m.rows() / 8, m.cols() * 3 / 4, m.rows() * 3 / 4))
              .clone();
      copies.add(Fingerprint.of(cropped, null));
    }
    report(
        "copies: verify a photo and its 75 % crop",
        rounds, n, i -> verifier.verify(prints.get(i), copies.get(i), 0.9f, i));
    report(
        "copies: decode a fingerprint from its wire form",
        rounds,
        n,
        i -> Fingerprint.decode(prints.get(i).encode()));
  }
}
