/**
 * Copy detection without Beam: what an image's fingerprint holds ({@link
 * io.winnow.copydetect.Fingerprint}: the picture inside uniform borders ({@link
 * io.winnow.copydetect.UniformBorder}), its PDQ hashes ({@link io.winnow.copydetect.Pdq}) and ORB
 * features ({@link io.winnow.copydetect.LocalFeatures})), and the judgement whether two
 * fingerprints are an edited copy of one picture ({@link io.winnow.copydetect.CopyVerifier}:
 * keypoints with a RANSAC fit, a photometric check, PDQ). Dedup, decontamination and the known-bad
 * hash filter build on it.
 */
package io.winnow.copydetect;
