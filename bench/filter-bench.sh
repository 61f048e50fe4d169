#!/usr/bin/env bash
# Per-image cost of each safety filter (domain lists, robots.txt, X-Robots-Tag, face detection
# and blurring, the NSFW classifier, BRISQUE) beside the spine's fetch and decode costs, on the
# bundled demo photos, one thread. Usage: bench/filter-bench.sh [rounds]   (default 20)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.FilterBench "${1:-20}" 2>/dev/null
