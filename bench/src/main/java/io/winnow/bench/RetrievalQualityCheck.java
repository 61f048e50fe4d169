package io.winnow.bench;

import io.winnow.knn.KeyedVector;
import io.winnow.pipeline.RunWinnow;
import io.winnow.retrieval.BalancedSpec;
import io.winnow.retrieval.RetrieveFromSeeds;
import io.winnow.retrieval.SeedSetSpec;
import io.winnow.schemas.Sample;
import io.winnow.schemas.SampleCoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Retrieval quality on a synthetic pool whose classes are known: 20 concepts of very unequal sizes
 * (Zipf-like, 2,000 down to 50 images; d = 64, each a noisy cloud around its own direction) plus 20
 * % unrelated images. Seed sets come from 5 of the concepts. For each mode it prints how many
 * images were kept, the precision (kept images of the seed concepts / kept), the recall of the seed
 * concepts, and the share of each concept among the kept images (balance).
 *
 * <pre>RetrievalQualityCheck</pre>
 */
public final class RetrievalQualityCheck {
  static final int D = 64;
  static final int CONCEPTS = 20;
  static final int SEED_CONCEPTS = 5;
  private static final Map<String, List<String>> KEPT = new ConcurrentHashMap<>();

  public static void main(String[] args) {
    Random random = new Random(42);
    float[][] directions = new float[CONCEPTS][];
    for (int c = 0; c < CONCEPTS; c++) {
      directions[c] = randomUnit(random);
    }
    List<Sample> pool = new ArrayList<>();
    int[] sizes = new int[CONCEPTS];
    for (int c = 0; c < CONCEPTS; c++) {
      sizes[c] = Math.max(50, 2000 / (c + 1));
      for (int i = 0; i < sizes[c]; i++) {
        pool.add(
            sample(
                String.format(Locale.ROOT, "c%02d-%05d", c, i),
                noisy(directions[c], 0.25, random)));
      }
    }
    int concepts = pool.size();
    for (int i = 0; i < concepts / 4; i++) {
      pool.add(sample(String.format(Locale.ROOT, "junk-%05d", i), randomUnit(random)));
    }
    // Seeds: the 5 seed concepts are spread over big and small ones (0, 3, 7, 12, 18).
    int[] seedConcepts = {0, 3, 7, 12, 18};
    List<KeyedVector> seeds = new ArrayList<>();
    for (int c : seedConcepts) {
      for (int i = 0; i < 10; i++) {
        seeds.add(
            new KeyedVector(
                String.format(Locale.ROOT, "seed-c%02d-%d", c, i),
                noisy(directions[c], 0.25, random)));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "pool: %d images (%d in %d concepts, sizes %d..%d; %d "
            + "unrelated); seeds: %d, 10 from each of concepts %s%n",
        pool.size(),
        concepts,
        CONCEPTS,
        sizes[CONCEPTS - 1],
        sizes[0],
        pool.size() - concepts,
        seeds.size(),
        java.util.Arrays.toString(seedConcepts));
    System.out.println(
        "| mode | kept | precision | recall of seed concepts | share per seed concept (0, 3, 7, 12, 18) | other concepts | unrelated |");
    System.out.println("|---|---|---|---|---|---|---|");
    run("knn k=4", pool, seeds, SeedSetSpec.knn("s", "synthetic", 4), null, seedConcepts, sizes);
    run("knn k=32", pool, seeds, SeedSetSpec.knn("s", "synthetic", 32), null, seedConcepts, sizes);
    run(
        "cluster (60 clusters, ≤ 300 per cluster, > 3 seeds)",
        pool,
        seeds,
        SeedSetSpec.cluster("s", "synthetic", 60, 300, 3, 1_000_000),
        null,
        seedConcepts,
        sizes);
    run(
        "balanced (clusters 80,20; target 2,000; no seeds)",
        pool,
        List.of(),
        null,
        BalancedSpec.parse("clusters=80,20;target=2000"),
        seedConcepts,
        sizes);
    run(
        "balanced, concepts only (no unrelated images in the pool)",
        pool.subList(0, concepts),
        List.of(),
        null,
        BalancedSpec.parse("clusters=80,20;target=2000"),
        seedConcepts,
        sizes);
    run(
        "balanced, one level (clusters 20; concepts only)",
        pool.subList(0, concepts),
        List.of(),
        null,
        BalancedSpec.parse("clusters=20;target=2000"),
        seedConcepts,
        sizes);
  }

  static void run(
      String mode,
      List<Sample> pool,
      List<KeyedVector> seeds,
      SeedSetSpec spec,
      BalancedSpec balanced,
      int[] seedConcepts,
      int[] sizes) {
    Pipeline p = Pipeline.create(RunWinnow.options("flink", 2));
    List<RetrieveFromSeeds.SeedSet> sets = new ArrayList<>();
    if (spec != null) {
      PCollection<KeyedVector> seedVectors =
          p.apply("Seeds", Create.of(seeds).withCoder(new KeyedVector.Coder()));
      sets.add(new RetrieveFromSeeds.SeedSet(spec, seedVectors));
    }
    RetrieveFromSeeds retrieve = RetrieveFromSeeds.with(D, sets);
    if (balanced != null) {
      retrieve = retrieve.withBalanced(balanced);
    }
    KEPT.put(mode, java.util.Collections.synchronizedList(new ArrayList<>()));
    p.apply("Pool", Create.of(pool).withCoder(new SampleCoder()))
        .apply(retrieve)
        .accepted()
        .apply(ParDo.of(new Collect(mode)));
    p.run().waitUntilFinish();
    List<String> kept = KEPT.get(mode);
    Map<String, Integer> perConcept = new TreeMap<>();
    for (String key : kept) {
      perConcept.merge(key.substring(0, key.indexOf('-')), 1, Integer::sum);
    }
    int inSeedConcepts = 0;
    int seedConceptTotal = 0;
    StringBuilder shares = new StringBuilder();
    for (int c : seedConcepts) {
      int n = perConcept.getOrDefault(String.format(Locale.ROOT, "c%02d", c), 0);
      inSeedConcepts += n;
      seedConceptTotal += sizes[c];
      shares
          .append(shares.length() == 0 ? "" : ", ")
          .append(
              String.format(
                  Locale.ROOT, "%.0f %%", kept.isEmpty() ? 0.0 : 100.0 * n / kept.size()));
    }
    int unrelated = perConcept.getOrDefault("junk", 0);
    int other = kept.size() - inSeedConcepts - unrelated;
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %.3f | %.3f | %s | %.0f %% | %.0f %% |%n",
        mode,
        kept.size(),
        kept.isEmpty() ? 0.0 : (double) inSeedConcepts / kept.size(),
        (double) inSeedConcepts / seedConceptTotal,
        shares,
        kept.isEmpty() ? 0.0 : 100.0 * other / kept.size(),
        kept.isEmpty() ? 0.0 : 100.0 * unrelated / kept.size());
    if (balanced != null) {
      int min = Integer.MAX_VALUE;
      int max = 0;
      for (int c = 0; c < CONCEPTS; c++) {
        int n = perConcept.getOrDefault(String.format(Locale.ROOT, "c%02d", c), 0);
        min = Math.min(min, n);
        max = Math.max(max, n);
      }
      System.out.printf(
          Locale.ROOT,
          "balanced: images per concept in the pool %d..%d (ratio "
              + "%.0f), in the kept set %d..%d (ratio %.1f); unrelated %d of %d%n",
          sizes[CONCEPTS - 1],
          sizes[0],
          (double) sizes[0] / sizes[CONCEPTS - 1],
          min,
          max,
          min == 0 ? Double.POSITIVE_INFINITY : (double) max / min,
          unrelated,
          kept.size());
    }
  }

  static final class Collect extends DoFn<Sample, Void> {
    private final String mode;

    Collect(String mode) {
      this.mode = mode;
    }

    @ProcessElement
    public void process(@Element Sample s) {
      KEPT.get(mode).add(s.key());
    }
  }

  static Sample sample(String key, float[] v) {
    return Sample.builder(key, "synthetic:" + key).image(new byte[] {1}).embedding(v).build();
  }

  static float[] randomUnit(Random random) {
    float[] v = new float[D];
    for (int i = 0; i < D; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return KeyedVector.normalise(v);
  }

  static float[] noisy(float[] direction, double noise, Random random) {
    float[] v = new float[D];
    for (int i = 0; i < D; i++) {
      v[i] = direction[i] + (float) (noise * random.nextGaussian() / Math.sqrt(D) * 3);
    }
    return KeyedVector.normalise(v);
  }
}
