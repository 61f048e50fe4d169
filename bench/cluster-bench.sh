#!/usr/bin/env bash
# The embedded run beside a standalone 2-TaskManager Flink cluster on this machine (the shipped
# deploy/local configuration, 2 slots each), same corpus, same cores: spine and default pipeline.
# Usage: bench/cluster-bench.sh [images] [width] [height] [pipelines] [runners]  (BENCH_LOG=FILE keeps stderr)
#   defaults: 4000 640 480 spine,default embedded,cluster
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export FLINK_WORK="$work" FLINK_REST_PORT="$port"
trap 'deploy/local/flink-cluster.sh stop >&2; rm -rf "$cp" "$work"' EXIT
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
deploy/local/flink-cluster.sh start 2 >&2
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
java -Xmx4g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "bench/target/classes:$(cat "$cp")" \
  io.winnow.bench.ClusterBench "127.0.0.1:$port" "$@" 2>"${BENCH_LOG:-/dev/null}"
