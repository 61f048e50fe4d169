/**
 * Duplicate removal as Beam transforms: fingerprints of the stored images ({@link
 * io.winnow.dedup.FingerprintImages}: content box, PDQ, local features, once, after faces are
 * blurred), exact copies by content hash and near-duplicates ({@link
 * io.winnow.dedup.DropNearDuplicates}: k-NN candidates on embeddings and PDQ, verified pairs, star
 * groups within components), decontamination against evaluation sets and an existing dataset
 * ({@link io.winnow.dedup.Decontaminate}). Neighbours come from the knn module's partitioned join
 * ({@link io.winnow.knn.KnnJoin}).
 */
package io.winnow.dedup;
