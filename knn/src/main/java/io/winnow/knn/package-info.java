/**
 * The partitioned k-NN join over keyed vectors ({@link io.winnow.knn.KnnJoin}): k-means partitions
 * trained with FAISS, each vector sent to its nearest partitions, each partition searched as one
 * FAISS index. Near-duplicate removal, decontamination, seed retrieval, balanced sampling and the
 * dataset index all find neighbours through it.
 */
package io.winnow.knn;
