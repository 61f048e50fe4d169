#!/usr/bin/env bash
# Prepares what bench/gpu/device-check.sh needs on a GPU machine that has CUDA and PyTorch but no
# Java, no Maven and no network, in one folder to carry there (default .gpu-carry, about 40 MB):
#   - Debian's FAISS 1.7.3 source package, and OpenBLAS (with its Fortran runtime) as .debs;
#   - the GPU bindings, generated here by JavaCPP from that source's headers (parse, javac, and the
#     JNI C++ without compiling it: nvcc's machine compiles it), and the CPU bindings' JNI C++;
#   - the compiled classes (faiss module, GPU bindings, FaissGpuCheck), JavaCPP's jars, the JNI
#     headers, and a 35 MB Java runtime made by jlink.
# Run after `mvn install -pl faiss -am` on a Debian machine with apt sources for deb-src.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
carry=${1:-.gpu-carry}
rm -rf "$carry"
mkdir -p "$carry/source" "$carry/debs" "$carry/cpp-gpu" "$carry/cpp-cpu" "$carry/jni-include"
carry=$(cd "$carry" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$carry/source" && apt-get source --download-only faiss=1.7.3-2 >/dev/null 2>&1) \
  || { echo "prepare: apt-get source faiss failed: add a deb-src line for bookworm" >&2; exit 1; }
(cd "$carry/debs" && apt-get download libopenblas0-pthread libgfortran5 libquadmath0 >/dev/null 2>&1)
tar -xzf "$carry/source/faiss_1.7.3.orig.tar.gz" -C "$work"
headers="$work/faiss-1.7.3"

javacpp_version=1.5.12
repository=${MAVEN_REPOSITORY:-$HOME/.m2/repository}
javacpp="$repository/org/bytedeco/javacpp/$javacpp_version/javacpp-$javacpp_version.jar"
cp "$javacpp" "$repository/org/bytedeco/javacpp/$javacpp_version/javacpp-$javacpp_version-linux-x86_64.jar" "$carry/"
faiss_classes=faiss/target/classes
[[ -d "$faiss_classes/io/winnow/faiss/jni" ]] || { echo "prepare: build the faiss module first" >&2; exit 1; }

classes="$work/classes"
mkdir -p "$classes" "$work/gen"
classpath="$javacpp:$classes:$faiss_classes"
includes="-Dplatform.includepath=$headers:$PWD/faiss/src/main/cpp"
javac -nowarn -cp "$classpath" -d "$classes" faiss/src/gpu/java/io/winnow/faiss/presets/faiss_gpu.java
java -cp "$classpath" org.bytedeco.javacpp.tools.Builder "$includes" -Dplatform.extension=-gpu \
  -d "$work/gen" io.winnow.faiss.presets.faiss_gpu >"$work/parse.log" 2>&1 \
  || { cat "$work/parse.log" >&2; exit 1; }
javac -nowarn -cp "$classpath" -d "$classes" $(find "$work/gen" -name '*.java') \
  faiss/src/gpu/java/io/winnow/faiss/gpu/FaissGpuCheck.java
java -cp "$classpath" org.bytedeco.javacpp.tools.Builder -cp "$classes:$faiss_classes" -nocompile \
  "$includes" -Dplatform.extension=-gpu -d "$carry/cpp-gpu" 'io.winnow.faiss.jni.gpu.**' >/dev/null
java -cp "$classpath" org.bytedeco.javacpp.tools.Builder -cp "$faiss_classes" -nocompile \
  -d "$carry/cpp-cpu" 'io.winnow.faiss.jni.*' >/dev/null
cp faiss/src/main/cpp/*.h "$carry/cpp-cpu/"
# The classes without the JNI libraries built here against Debian's CPU FAISS: the GPU machine
# loads the ones it compiles itself.
cp -r "$faiss_classes/." "$classes/"
find "$classes" -name '*.so' -delete
tar -czf "$carry/classes.tgz" -C "$classes" .

java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
cp "$java_home/include/jni.h" "$java_home/include/linux/jni_md.h" "$carry/jni-include/"
jlink --add-modules java.base,jdk.unsupported --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$work/jre"
tar -czf "$carry/jre.tgz" -C "$work" jre
du -sh "$carry"
