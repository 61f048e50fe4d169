package io.winnow.pipeline;

import io.winnow.retrieval.BalancedSpec;
import io.winnow.retrieval.SeedSetSpec;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Retrieval of a run: seed sets (each with its mode) and/or seed-free balanced sampling. Seed
 * images are read (folders, globs or URL lists), decoded and embedded as pool images are.
 *
 * @param balanced null when not wanted
 */
public record RetrievalSettings(List<SeedSetSpec> seedSets, BalancedSpec balanced)
    implements Serializable {
  public RetrievalSettings {
    seedSets = List.copyOf(seedSets);
    if (seedSets.isEmpty() && balanced == null) {
      throw new IllegalArgumentException("retrieval needs a seed set or balanced sampling");
    }
    Set<String> names = new HashSet<>();
    for (SeedSetSpec s : seedSets) {
      if (!names.add(s.name()) || s.name().equals(BalancedSpec.NAME)) {
        throw new IllegalArgumentException(
            "seed set names must be distinct and not '" + BalancedSpec.NAME + "': " + s.name());
      }
    }
  }
}
