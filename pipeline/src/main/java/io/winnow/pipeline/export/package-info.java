/**
 * Export: WebDataset shards, Parquet, {@code .npy} and per-shard stats, written atomically ({@link
 * io.winnow.pipeline.export.WriteWebDataset}).
 */
package io.winnow.pipeline.export;
