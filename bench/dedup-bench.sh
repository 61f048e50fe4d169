#!/usr/bin/env bash
# Dedup at scale on this machine: DropNearDuplicates on 10k, 100k and 1M synthetic vectors
# (d = 384) on Flink's embedded cluster with a 4 GB heap, beside exact brute force with
# python3-faiss where it finishes in reasonable time (10k, 100k).
# Usage: bench/dedup-bench.sh [sizes...]   (default: 10000 100000 1000000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10000 100000 1000000)
deploy/setup.sh python3-faiss python3-numpy >&2
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for n in "${sizes[@]}"; do
  npy=()
  if (( n <= 100000 )); then npy=(--write-npy "$work/v$n.npy"); fi
  java -Xmx4g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "bench/target/classes:$(cat "$cp")" \
    io.winnow.bench.DedupScaleBench "$n" "${npy[@]}" 2>/dev/null
  if (( n <= 100000 )); then
    /usr/bin/python3 bench/dedup_baseline.py "$work/v$n.npy" 0.9 64
  fi
done
