/**
 * The copy-detection dev set's generator behind {@code io.winnow.bench.CopyDevSet}: which package
 * files are photos, the selection that writes photos.csv, the edits and hard negatives, and the
 * files the set is made of.
 */
package io.winnow.bench.copyset;
