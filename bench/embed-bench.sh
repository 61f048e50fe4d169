#!/usr/bin/env bash
# Embedding throughput on this machine, all in one run: the EmbedImages stage and the raw ONNX
# Runtime session (EmbedBench) for the default model and for DINOv2 ViT-S/14 (random weights,
# exported here: speed does not depend on the weights), then PyTorch CPU on the same ViT.
# Usage: bench/embed-bench.sh [images] [batch]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
images=${1:-256}
batch=${2:-32}
threads=$(nproc)
deploy/setup.sh python3-torch >&2
vit=bench/target/models/dinov2_vits14-random
if [[ ! -f $vit/model.json ]]; then
  /usr/bin/python3 models/export/export_onnx.py --arch dinov2_vits14 --weights random --out "$vit" >&2
fi
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
run() { java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.EmbedBench "$@" 2>/dev/null; }
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
run --model builtin:nsfwjs-mobilenet-v2 --images $((images * 4)) --batch "$batch" --threads "$threads"
run --model "$vit" --images "$images" --batch "$batch" --threads "$threads"
/usr/bin/python3 bench/embed_bench.py --arch dinov2_vits14 --images "$images" --batch "$batch" --threads "$threads"
