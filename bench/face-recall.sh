#!/usr/bin/env bash
# Face blur recall and false blurs on the safe-photo dev set (bench/safe-photos/), against a
# consensus of independent OpenCV cascades; per-image cost of each variant. Report: docs/faces.md.
# Usage: bench/face-recall.sh     (DUMP=DIR to write the shipped pass's misses as pictures)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
if [[ ! -d bench/target/safe-devset/people ]]; then
  bench/safe-photos/fetch.sh bench/target/safe-devset >&2
fi
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.FaceBlurRecall \
  bench/target/safe-devset 2>/dev/null | grep -v '^libpng'
