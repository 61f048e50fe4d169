/**
 * Curation by retrieval: seed sets in k-NN or cluster mode, as DINOv2 built LVD-142M ({@link
 * io.winnow.retrieval.RetrieveFromSeeds}), and seed-free hierarchical balanced sampling ({@link
 * io.winnow.retrieval.BalancedSampling}). Sampling is by a seeded hash of each key ({@link
 * io.winnow.retrieval.Ranked}), and no step gathers what it keeps.
 */
package io.winnow.retrieval;
