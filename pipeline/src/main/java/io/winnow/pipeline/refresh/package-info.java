/**
 * The jobs that change a versioned dataset: a refresh in batches (each batch a pipeline run, then
 * one commit of a new version) and a takedown. What they read and write on disk is {@code dataset}.
 */
package io.winnow.pipeline.refresh;
