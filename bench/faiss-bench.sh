#!/usr/bin/env bash
# Winnow's FAISS binding beside Debian's python3-faiss on the same library, data, index files and
# thread count, in one run. Usage: bench/faiss-bench.sh [n] [queries] [d] [threads]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-200000}; nq=${2:-10000}; d=${3:-384}; threads=${4:-$(nproc)}
deploy/setup.sh python3-faiss python3-numpy
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
work=$(mktemp -d)
trap 'rm -rf "$work" "$cp"' EXIT
echo "FAISS bench: n=$n queries=$nq d=$d k=10 threads=$threads (OpenBLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3))"
run_java() {
  OMP_NUM_THREADS=$threads java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
    -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.FaissBench "$@" "$work" "$n" "$nq" "$d" "$threads"
}
run_java                 # builds and writes each index
run_java --search-only   # a fresh JVM times the searches, as Python does below
OMP_NUM_THREADS=$threads /usr/bin/python3 bench/faiss_bench.py "$work" "$d" "$threads"
