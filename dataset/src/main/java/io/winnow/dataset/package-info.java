/**
 * A versioned dataset on disk and what a run reads from it: the layout ({@link
 * io.winnow.dataset.DatasetDir}), manifests, the persisted k-NN index and its search, the seen-URL
 * and hash lists a refresh batch skips or compares against, and the shard rewriting a takedown
 * needs. The jobs that change a dataset (refresh, takedown) live in {@code refresh}.
 */
package io.winnow.dataset;
