package io.winnow.retrieval;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a cap on the smallest sampling hashes falls, found from how many hashes each bucket of
 * their top {@value #BUCKET_BITS} bits holds: every bucket below {@code edgeBucket} is kept whole,
 * and the edge bucket gives its {@code fromEdge} best. With hashes uniform, the edge bucket holds
 * about 1/65,536 of the candidates, so only that many ever meet on one worker.
 *
 * @param edgeBucket {@link Integer#MAX_VALUE} when the cap keeps every candidate
 */
record HashCap(int edgeBucket, long fromEdge) implements Serializable {
  static final int BUCKET_BITS = 16;

  /** The bucket of a sampling hash (63 bits, non-negative). */
  static int bucket(long hash) {
    return (int) (hash >>> (63 - BUCKET_BITS));
  }

  static HashCap of(Map<Integer, Long> countPerBucket, long cap) {
    long kept = 0;
    for (Map.Entry<Integer, Long> bucket : new TreeMap<>(countPerBucket).entrySet()) {
      if (kept + bucket.getValue() > cap) {
        return new HashCap(bucket.getKey(), cap - kept);
      }
      kept += bucket.getValue();
    }
    return new HashCap(Integer.MAX_VALUE, 0);
  }

  boolean keepsWhole(int bucket) {
    return bucket < edgeBucket;
  }
}
