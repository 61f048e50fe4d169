/** The JavaCPP preset that generates {@code io.winnow.faiss.jni} from FAISS 1.7.3's C++ headers. */
package io.winnow.faiss.presets;
