#!/usr/bin/env bash
# Dedup at scale on this machine: DropNearDuplicates on 10k, 100k and 1M synthetic vectors
# (d = 384) on Flink's embedded cluster with a 4 GB heap, beside exact brute force with
# python3-faiss where it finishes in reasonable time (10k, 100k).
# Usage: bench/dedup-bench.sh [--structure pairs|powerlaw] [--giant G] [--partition-size P]
#                             [--heap 4g] [sizes...]   (default: 10000 100000 1000000)
# --structure powerlaw: copy groups of 1 to 50,000 copies, chains and one giant group of G copies
# (default 100,000), scored against the generator's truth (see PowerLawCopies); no baseline.
# --heap: the JVM's -Xmx (default 4g; the scale goal is 1536m).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sizes=()
options=()
heap=4g
powerlaw=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --structure) options+=(--structure "$2"); [[ "$2" == powerlaw ]] && powerlaw=true; shift 2 ;;
    --giant|--partition-size) options+=("$1" "$2"); shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
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
  if (( n <= 100000 )) && ! $powerlaw; then npy=(--write-npy "$work/v$n.npy"); fi
  java "-Xmx$heap" -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "bench/target/classes:$(cat "$cp")" \
    io.winnow.bench.DedupScaleBench "$n" "${npy[@]}" "${options[@]}" 2>/dev/null
  if (( n <= 100000 )) && ! $powerlaw; then
    /usr/bin/python3 bench/dedup_baseline.py "$work/v$n.npy" 0.9 64
  fi
done
