/** Versioned datasets: layout and manifests, refresh in batches, the persisted index, takedown. */
package io.winnow.pipeline.refresh;
