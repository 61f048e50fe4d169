/**
 * Duplicate removal as Beam transforms: exact copies by content hash and near-duplicates ({@link
 * io.winnow.dedup.DropNearDuplicates}: k-NN candidates on embeddings and PDQ, verified pairs, star
 * groups within components), decontamination against evaluation sets and an existing dataset
 * ({@link io.winnow.dedup.Decontaminate}), and the partitioned k-NN join they and retrieval share
 * ({@link io.winnow.dedup.KnnJoin}).
 */
package io.winnow.dedup;
