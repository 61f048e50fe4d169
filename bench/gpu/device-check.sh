#!/usr/bin/env bash
# The GPU checks, on a CUDA machine with PyTorch but no Java (bench/gpu/prepare-device-check.sh
# makes the folder it needs, CARRY, default .gpu-carry). Results go to $OUT (default /tmp/out):
#   env.txt             GPU, driver, nvcc, compilers
#   export_check.json   exported ONNX models fp32/fp16 vs PyTorch, and their throughput
#   faiss-build.log     FAISS 1.7.3 built with CUDA (faiss/build-faiss-cuda.sh)
#   jni.log             the JNI C++ of the CPU and GPU bindings compiled against that build
#   faiss_gpu_check.json the Java bindings run on the GPU (FaissGpuCheck)
# The FAISS build runs in its own process session, so when a call must end before it does, a
# second call of this script (on the same machine) waits for it and goes on from there.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/cuda/bin"
command -v nvcc >/dev/null && export CUDACXX="$(command -v nvcc)"
repo=$PWD
carry=$(cd "${CARRY:-.gpu-carry}" && pwd)
out=${OUT:-/tmp/out}
mkdir -p "$out"
state=/tmp/winnow-gpu
mkdir -p "$state"
deadline=$((SECONDS + ${BUDGET_S:-440}))

{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  command -v nvcc && nvcc --version | tail -2
  g++ --version | head -1
  cmake --version | head -1
  nproc
} >"$out/env.txt" 2>&1

# OpenBLAS for FAISS's CPU half, unpacked beside / (never into it) when the machine has none.
blas="$state/blas/usr/lib/x86_64-linux-gnu"
if [[ ! -d "$blas" ]]; then
  for deb in "$carry"/debs/*.deb; do dpkg -x "$deb" "$state/blas"; done
  ln -sf libopenblas.so.0 "$blas/openblas-pthread/libopenblas.so"
fi
export LD_LIBRARY_PATH="$state/faiss/lib:$blas/openblas-pthread:$blas:${LD_LIBRARY_PATH:-}"

if [[ ! -e "$state/build.started" ]]; then
  touch "$state/build.started"
  setsid bash -c "BLAS_DIR='$blas/openblas-pthread' FAISS_BUILD_DIR='$state/build' JOBS=14 \
    '$repo/faiss/build-faiss-cuda.sh' '$state/faiss' '$carry/source' >'$state/faiss-build.log' 2>&1; \
    echo \$? >'$state/build.rc'" </dev/null &
fi

# The JNI objects need only headers: compile them while FAISS builds.
jni_flags=(-O3 -std=c++17 -include cstdint -fPIC -pthread -fopenmp -Wno-invalid-offsetof -Wno-deprecated-declarations
  "-I$carry/jni-include" "-I$state/build/faiss-1.7.3" "-I$carry/cpp-cpu")
cuda_root=$(dirname "$(dirname "$(command -v nvcc)")")
cuda_includes=("-I$cuda_root/include" "-I$cuda_root/targets/x86_64-linux/include")
if [[ ! -e "$state/jni.started" ]]; then
  touch "$state/jni.started"
  mkdir -p "$state/jni"
  (
    # Headers are ready once the build has patched them and configured.
    until [[ -d "$state/build/faiss-1.7.3/build" || -e "$state/build.rc" ]]; do sleep 2; done
    for unit in cpp-cpu/jnijavacpp cpp-cpu/jnifaiss cpp-gpu/jnijavacpp cpp-gpu/jnifaiss_gpu; do
      g++ "${jni_flags[@]}" "${cuda_includes[@]}" -c "$carry/$unit.cpp" \
        -o "$state/jni/${unit/\//-}.o" >>"$state/jni-compile.log" 2>&1 &
    done
    wait
    touch "$state/jni.compiled"
  ) </dev/null &
fi

if [[ ! -e "$out/export_check.json" && ! -e "$state/export.done" ]]; then
  PYTHONUNBUFFERED=1 timeout 240 python3 bench/gpu/export_check.py >"$state/export.log" 2>&1
  touch "$state/export.done"
  cp "$state/export.log" "$out/export.log"
fi

until [[ -e "$state/build.rc" ]] || ((SECONDS > deadline)); do sleep 5; done
tail -c 60000 "$state/faiss-build.log" >"$out/faiss-build.log"
if [[ ! -e "$state/build.rc" ]]; then
  echo "device-check: FAISS still building ($(grep -c 'Building' "$state/faiss-build.log") steps so far); run again" \
    | tee -a "$out/faiss-build.log"
  exit 3
fi
if [[ "$(cat "$state/build.rc")" != 0 ]]; then
  echo "device-check: the FAISS build failed (rc $(cat "$state/build.rc")); see faiss-build.log"
  exit 1
fi

until [[ -e "$state/jni.compiled" ]]; do sleep 2; done
cp "$state/jni-compile.log" "$out/jni.log" 2>/dev/null || true
cudart=$(ldd "$state/faiss/lib/libfaiss.so" | awk '/libcudart/ {print $3}')
cuda_lib=$(dirname "$cudart")
cublas_lib=$(dirname "$(ldd "$state/faiss/lib/libfaiss.so" | awk '/libcublas\./ {print $3}')")
export LD_LIBRARY_PATH="$cuda_lib:$cublas_lib:$LD_LIBRARY_PATH"
link=(-shared -pthread -fopenmp -Wl,-z,defs -Wl,-Bsymbolic "-L$state/faiss/lib" -lfaiss)
g++ "$state/jni/cpp-cpu-jnijavacpp.o" "$state/jni/cpp-cpu-jnifaiss.o" "${link[@]}" \
  -o "$state/jni/libjnifaiss.so" >>"$out/jni.log" 2>&1 || { echo "device-check: CPU JNI link failed"; exit 1; }
g++ "$state/jni/cpp-gpu-jnijavacpp.o" "$state/jni/cpp-gpu-jnifaiss_gpu.o" "${link[@]}" \
  "-L$cuda_lib" "-L$cublas_lib" -lcudart -lcublas -o "$state/jni/libjnifaiss_gpu.so" >>"$out/jni.log" 2>&1 \
  || { echo "device-check: GPU JNI link failed"; exit 1; }
echo "device-check: JNI libraries linked: $(ls -s "$state/jni"/*.so | tr '\n' ' ')" | tee -a "$out/jni.log"

[[ -d "$state/jre" ]] || tar -xzf "$carry/jre.tgz" -C "$state"
mkdir -p "$state/classes" && tar -xzf "$carry/classes.tgz" -C "$state/classes"
OMP_NUM_THREADS=16 timeout 120 "$state/jre/bin/java" -Dorg.bytedeco.javacpp.platform.extension=-gpu \
  -Dorg.bytedeco.javacpp.pathsFirst=true \
  -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 "-Djava.library.path=$state/jni" \
  -cp "$carry/javacpp-1.5.12.jar:$carry/javacpp-1.5.12-linux-x86_64.jar:$state/classes" \
  io.winnow.faiss.gpu.FaissGpuCheck 200000 2000 2>&1 | tee "$out/faiss_gpu_check.json"
