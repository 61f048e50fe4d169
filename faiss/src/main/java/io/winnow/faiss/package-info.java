/**
 * FAISS for Java: flat and IVF indexes ({@link io.winnow.faiss.VectorIndex}), k-means ({@link
 * io.winnow.faiss.KMeans}) and threads, over Debian's libfaiss through Winnow's own JavaCPP preset
 * ({@code presets}; the generated bindings, {@code jni}, are in {@code faiss/src/gen/java}). No
 * Beam here.
 */
package io.winnow.faiss;
