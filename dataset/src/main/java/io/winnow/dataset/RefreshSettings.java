package io.winnow.dataset;

import java.io.Serializable;
import java.util.List;

/**
 * One batch of a refresh (run by the refresh job, {@code refresh.RefreshDataset}): which URLs are
 * this batch's, what the dataset has already seen, and the shards whose samples new images are
 * deduplicated against.
 *
 * @param batch this batch's number, 0 to {@code batches - 1}; a URL's batch is a hash of its key
 * @param seenFiles the dataset's seen-URL logs ({@code seen/*.jsonl})
 * @param indexCentroids the dataset index's centroids file, or null when nothing is indexed yet
 *     (then new images are not compared with any dataset image: there is none)
 * @param indexLists where the index's list files are: the committed generation's, and those of this
 *     refresh's finished batches
 * @param datasetShards the dataset's shards and those of this refresh's finished batches (paths
 *     without extension): what new images are compared with by their bytes when the run has no
 *     embeddings, and so no index
 * @param retryAfterSeconds transient failures older than this are fetched again; negative: never
 * @param nowEpochSeconds the refresh's clock, fixed once so every batch decides alike
 */
public record RefreshSettings(
    int batch,
    int batches,
    List<String> seenFiles,
    String indexCentroids,
    List<SearchDatasetIndex.ListRoot> indexLists,
    List<String> datasetShards,
    long retryAfterSeconds,
    long nowEpochSeconds)
    implements Serializable {

  public RefreshSettings {
    if (batches < 1 || batch < 0 || batch >= batches) {
      throw new IllegalArgumentException("batch " + batch + " of " + batches);
    }
    seenFiles = List.copyOf(seenFiles);
    indexLists = List.copyOf(indexLists);
    datasetShards = List.copyOf(datasetShards);
  }

  /** The batch a key belongs to; a row without a key (unreadable) belongs to batch 0. */
  public static int batchOf(String key, int batches) {
    if (key == null) {
      return 0;
    }
    long hash;
    try {
      // The key's last digits: shards are assigned from its first ones, so a batch's samples
      // still spread over all of its shards.
      hash = Long.parseLong(key.substring(Math.max(0, key.length() - 6)), 16);
    } catch (NumberFormatException notHex) {
      hash = key.hashCode() & 0xffffffffL;
    }
    return (int) Math.floorMod(hash, (long) batches);
  }

  public boolean owns(String key) {
    return batchOf(key, batches) == batch;
  }
}
