/**
 * Safety filters: unsafe and opted-out domains ({@link io.winnow.filters.DropUnsafeDomains}, robots
 * and AI-preference headers), NSFW scores against a threshold ({@link io.winnow.filters.DropNsfw}),
 * known-bad hash lists ({@link io.winnow.filters.KnownBadHashes}), and face detection and blurring
 * ({@link io.winnow.filters.BlurFaces}: BlazeFace with an SSD second opinion, or Haar).
 */
package io.winnow.filters;
