package io.winnow.bench;

import io.winnow.copydetect.CopyVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code VerifiedCopyCheck --pairs}: what was measured for each candidate pair and the verdict. */
final class CandidatePairsTsv {
  private CandidatePairsTsv() {}

  /** Every candidate with what was measured, as TSV, for a closer look. */
  static void write(Path file, LabelledDedup check, CopyVerifier.Settings settings)
      throws IOException {
    List<CopyPairs.Stored> stored = check.stored();
    List<CopyPairs.Candidate> candidates = check.candidates();
    CopyVerifier.Measurements[] measured = check.measured();
    CopyVerifier verifier = CopyVerifier.with(settings);
    StringBuilder out =
        new StringBuilder(
            "file_i\tfile_j\tcopy\tedit_i\tedit_j\tscene\tcosine"
                + "\tpdq\tinliers\tmatches\tspread\tmirrored\tkp_coverage\tkp_pixels\tkp_corr"
                + "\tpdq_pixels\tpdq_corr\tverdict\tevidence\n");
    for (int c = 0; c < candidates.size(); c++) {
      CopyPairs.Candidate p = candidates.get(c);
      CopyPairs.Item a = stored.get(p.i()).item();
      CopyPairs.Item b = stored.get(p.j()).item();
      CopyVerifier.Measurements m = measured[c];
      CopyVerifier.Verdict v = verifier.decide(m);
      out.append(
              String.join(
                  "\t",
                  a.file(),
                  b.file(),
                  String.valueOf(a.photo().equals(b.photo())),
                  a.edit(),
                  b.edit(),
                  a.scene().equals(b.scene()) ? a.scene() : "",
                  String.format(Locale.ROOT, "%.4f", p.cosine()),
                  String.valueOf(m.pdqDistance()),
                  String.valueOf(m.inliers()),
                  String.valueOf(m.matches()),
                  String.format(Locale.ROOT, "%.3f", m.spread()),
                  String.valueOf(m.mirrored()),
                  m.keypointLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.keypointLook().coverage()),
                  m.keypointLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.keypointLook().pixelShare()),
                  m.keypointLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.keypointLook().correlation()),
                  m.pdqLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.pdqLook().pixelShare()),
                  m.pdqLook() == null
                      ? ""
                      : String.format(Locale.ROOT, "%.3f", m.pdqLook().correlation()),
                  String.valueOf(v.copy()),
                  v.evidence().name()))
          .append('\n');
    }
    Files.writeString(file, out);
  }
}
