#!/usr/bin/env bash
# Builds FAISS 1.7.3 with CUDA from Debian's source package, the version the CPU presets use, and
# installs it (shared libfaiss.so with the GPU indexes, and the headers) under PREFIX. Not part of
# CI: it needs the CUDA toolkit (nvcc) and takes minutes even on 16 cores. Then:
#   mvn -Pgpu -pl faiss install -Dfaiss.include=PREFIX/include -Dfaiss.lib=PREFIX/lib
#
# Usage: faiss/build-faiss-cuda.sh PREFIX [SOURCE]
#   SOURCE: a folder holding faiss_1.7.3.orig.tar.gz and faiss_1.7.3-2.debian.tar.xz; without
#   it they are fetched with `apt-get source --download-only faiss` (needs a deb-src line).
# GCC 13 no longer pulls <cstdint> in through other headers, and 1.7.3 relies on that: it is
# pre-included. Environment: CUDA_ARCHITECTURES (default 90, Hopper; "80;90" for A100 and H100/H200),
#   JOBS (default: all cores), BLAS_DIR (a folder with libopenblas.so when the system has none).
set -euo pipefail

prefix=${1:?usage: build-faiss-cuda.sh PREFIX [SOURCE]}
source_dir=${2:-}
architectures=${CUDA_ARCHITECTURES:-90}
jobs=${JOBS:-$(nproc)}
work=${FAISS_BUILD_DIR:-$(mktemp -d)}
mkdir -p "$work" "$prefix"

if [[ -z "$source_dir" ]]; then
  source_dir="$work/download"
  mkdir -p "$source_dir"
  (cd "$source_dir" && apt-get source --download-only faiss=1.7.3-2)
fi
tar -xzf "$source_dir/faiss_1.7.3.orig.tar.gz" -C "$work"
tar -xJf "$source_dir/faiss_1.7.3-2.debian.tar.xz" -C "$work/faiss-1.7.3"
cd "$work/faiss-1.7.3"
# Debian's own fixes, as its CPU package is built with them.
while read -r patch; do
  [[ -n "$patch" ]] && patch -p1 -s <"debian/patches/$patch"
done <debian/patches/series
# CUDA 12.8+ ships CCCL 3 (Thrust, CUB), which refuses anything older than C++17; FAISS 1.7.3
# asks for C++11. FAISS's own code compiles as C++17 (later releases require it).
sed -i 's/set(CMAKE_CXX_STANDARD 11)/set(CMAKE_CXX_STANDARD 17)/' CMakeLists.txt

blas=()
if [[ -n "${BLAS_DIR:-}" ]]; then
  blas=(-DBLA_VENDOR=OpenBLAS "-DCMAKE_LIBRARY_PATH=$BLAS_DIR")
fi
echo "build-faiss-cuda: nvcc $(nvcc --version | tail -1), architectures $architectures, $jobs jobs" >&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
  -DFAISS_ENABLE_GPU=ON -DFAISS_ENABLE_PYTHON=OFF -DFAISS_ENABLE_C_API=OFF -DBUILD_TESTING=OFF \
  -DBUILD_SHARED_LIBS=ON -DFAISS_OPT_LEVEL=generic \
  "-DCMAKE_CXX_FLAGS=-include cstdint" "-DCMAKE_CUDA_FLAGS=-include cstdint" \
  "-DCMAKE_CUDA_ARCHITECTURES=$architectures" "-DCMAKE_INSTALL_PREFIX=$prefix" "${blas[@]}"
started=$SECONDS
cmake --build build --target faiss -j "$jobs"
cmake --install build
echo "build-faiss-cuda: built in $((SECONDS - started)) s, installed under $prefix" >&2
