#!/usr/bin/env bash
# Runs a measurement on the safe-photo dev set (bench/safe-photos/), building the set first if
# it is missing: bench/nsfw-false-positives.sh and bench/face-recall.sh call it.
# Usage: bench/safe-devset.sh MAIN_CLASS
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
java -cp "bench/target/classes:$(cat "$cp")" "$1" bench/target/safe-devset 2>/dev/null \
  | grep -v '^libpng'
