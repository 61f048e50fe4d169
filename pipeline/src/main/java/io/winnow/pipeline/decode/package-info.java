/**
 * Decoding: header checks, decode, resize and re-encode of every fetched image ({@link
 * io.winnow.pipeline.decode.DecodeImages}).
 */
package io.winnow.pipeline.decode;
