/**
 * Decoding: header checks, decode, resize and re-encode of every fetched image ({@link
 * io.winnow.decode.DecodeImages}).
 */
package io.winnow.decode;
