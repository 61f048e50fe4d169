/**
 * Embedding and class scores with ONNX Runtime: model descriptors, sessions shared per worker,
 * preprocessing, and {@link io.winnow.pipeline.embed.EmbedImages}.
 */
package io.winnow.pipeline.embed;
