/**
 * Export: WebDataset shards, Parquet, {@code .npy} and per-shard stats, written atomically ({@link
 * io.winnow.export.WriteWebDataset}).
 */
package io.winnow.export;
