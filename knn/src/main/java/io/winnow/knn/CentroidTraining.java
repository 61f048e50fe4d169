package io.winnow.knn;

import io.winnow.faiss.KMeans;
import io.winnow.knn.KnnJoin.CentroidTrainer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The steps of {@link KnnJoin#trainedCentroids}: sample the collection by key hash, gather the
 * sample on one worker in key order, and turn it into the coarse quantiser's centroids (by default
 * FAISS spherical k-means, seeded).
 */
final class CentroidTraining {
  private static final int SEED = 20260126;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CentroidTraining.class);

  private CentroidTraining() {}

  /** About {@code sample} vectors under key 0, chosen by key hash: the same ones on every run. */
  static final class SampleFn extends DoFn<KeyedVector, KV<Integer, KeyedVector>> {
    private final PCollectionView<Long> count;
    private final int sample;

    SampleFn(PCollectionView<Long> count, int sample) {
      this.count = count;
      this.sample = sample;
    }

    @ProcessElement
    public void process(@Element KeyedVector v, ProcessContext c) {
      double rate = (double) sample / Math.max(1, c.sideInput(count));
      if (KnnJoin.unitHash(v.key()) < rate) {
        c.output(KV.of(0, v));
      }
    }
  }

  /** FAISS spherical k-means, seeded; {@code clusters} 0: about total / targetSize. */
  static final class FaissTrainer implements CentroidTrainer {
    /** For {@link #FaissTrainer(int, int, boolean)}: fewer centroids than wanted is expected. */
    static final boolean SHORT_IS_SPLIT = false;

    private final int clusters;
    private final int targetSize;
    private final boolean warnIfShort;

    FaissTrainer(int clusters, int targetSize) {
      this(clusters, targetSize, true);
    }

    /**
     * {@code warnIfShort} false: the caller splits large cells again (KnnJoin's second level), so
     * training short of the wanted count is no loss and is not reported.
     */
    FaissTrainer(int clusters, int targetSize, boolean warnIfShort) {
      this.clusters = clusters;
      this.targetSize = targetSize;
      this.warnIfShort = warnIfShort;
    }

    @Override
    public float[] train(float[] sample, int dimension, long total) {
      int wanted = clusters > 0 ? clusters : (int) Math.min(65_536, total / targetSize);
      // FAISS wants about 39 training points per centroid.
      int nlist = Math.min(wanted, sample.length / dimension / 39);
      if (warnIfShort && nlist < wanted && nlist >= 2) {
        // Said, not silent: the cells (k-NN partitions, or clusters) are larger than asked for.
        Metrics.counter("knn", "centroids_short_of_wanted").inc(wanted - nlist);
        LOG.warn(
            "{} centroids wanted for {} vectors, {} trained: the training sample of {} vectors "
                + "allows 39 per centroid, so cells hold about {} vectors rather than {}",
            wanted,
            total,
            nlist,
            sample.length / dimension,
            total / nlist,
            total / Math.max(1, wanted));
      }
      if (nlist < 2) {
        return new float[0]; // one partition: everything goes to partition 0
      }
      return KMeans.of(dimension, nlist).asSpherical().withSeed(SEED).train(sample);
    }
  }

  /** Trains on the gathered sample in key order, so that a seeded trainer gives the same result. */
  static final class TrainFn extends DoFn<KV<Integer, Iterable<KeyedVector>>, float[]> {
    private final int dimension;
    private final CentroidTrainer trainer;
    private final PCollectionView<Long> count;

    TrainFn(int dimension, CentroidTrainer trainer, PCollectionView<Long> count) {
      this.dimension = dimension;
      this.trainer = trainer;
      this.count = count;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KeyedVector>> sample, ProcessContext c) {
      List<KeyedVector> vectors = new ArrayList<>();
      sample.getValue().forEach(vectors::add);
      vectors.sort(Comparator.comparing(KeyedVector::key));
      float[] data = KeyedVector.rows(vectors, dimension);
      c.output(trainer.train(data, dimension, c.sideInput(count)));
    }
  }
}
