#!/usr/bin/env bash
# Winnow's crawl throughput beside the HTTP and decode limits, in one run. Usage:
#   bench/crawl-bench.sh [images] [width] [height] [runner]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
deploy/setup.sh wrk
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
exec java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.CrawlBench "$@"
