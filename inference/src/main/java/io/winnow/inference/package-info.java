/**
 * Embedding and class scores with ONNX Runtime: model descriptors, sessions shared per worker,
 * preprocessing, and {@link io.winnow.inference.EmbedImages}.
 */
package io.winnow.inference;
