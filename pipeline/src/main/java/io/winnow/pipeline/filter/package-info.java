/**
 * The filters that need the pipeline's models and lists: NSFW classification and known-bad hashes.
 */
package io.winnow.pipeline.filter;
