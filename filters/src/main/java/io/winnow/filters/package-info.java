/**
 * Safety filters: unsafe and opted-out domains ({@link io.winnow.filters.DropUnsafeDomains}),
 * known-bad hash lists ({@link io.winnow.filters.DropKnownBadImages} over {@link
 * io.winnow.filters.KnownBadHashes}), NSFW classification on the unblurred image ({@link
 * io.winnow.filters.ClassifyNsfw}, whose scores {@link io.winnow.filters.DropNsfw} holds against a
 * threshold), and face detection and blurring ({@link io.winnow.filters.BlurFaces}: BlazeFace with
 * an SSD second opinion, or Haar). Their settings are {@link io.winnow.filters.FilterSettings}.
 * Robots and AI-preference headers are read where pages are fetched, in the crawl module.
 */
package io.winnow.filters;
