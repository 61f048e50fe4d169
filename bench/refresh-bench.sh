#!/usr/bin/env bash
# A refresh with 1% new URLs against a full rebuild of the same dataset, in one process. Usage:
#   bench/refresh-bench.sh [images]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
exec java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.RefreshBench "$@"
