#!/usr/bin/env bash
# The copy-detection check of every model in the repo (see CopyDetectionCheck): prints ROC AUC and
# the cosine thresholds at 95 % and 80 % precision, writes them into each model.json and the
# report into docs/copy-detection.md. Usage: bench/copy-detection.sh [MODEL_DIR...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
models=("$@")
if [[ ${#models[@]} -eq 0 ]]; then
  models=(models/src/main/resources/io/winnow/models/nsfwjs-mobilenet-v2
          pipeline/src/test/resources/models/tiny-vit)
fi
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
{
  echo "# Copy detection: how well each model separates copies from other images"
  echo
  echo "Made by \`bench/copy-detection.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(uname -m))."
  echo "The set: the 14 distinct bundled photos, each with 12 edited copies (crops, rescales,"
  echo "JPEG quality 20, flips, colour shifts, overlaid text, rotations of 4-12 degrees and"
  echo "combinations; seed 42), all decoded to 256 px as the pipeline stores them. Every pair is"
  echo "scored by cosine similarity; a pair is a copy when both come from the same photo."
  echo "tiny-dinov2-random has random weights: its row is a floor, not a model to use."
  echo
  java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.CopyDetectionCheck --write-thresholds "${models[@]}"
  echo
  echo "## Dedup on the same set (issue 6)"
  echo
  echo "\`DropNearDuplicates\` itself (exact k-NN, k = 64, each model's new duplicate threshold) on the"
  echo "182 images. A removal is right when the representative it names comes from the same photo;"
  echo "recall is the share of the 168 redundant copies removed (perfect: 14 kept). Chains through"
  echo "connected components are what costs precision: one wrong edge merges two photos' groups."
  echo
  java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "bench/target/classes:$(cat "$cp")" \
    io.winnow.bench.DedupQualityCheck "${models[@]}" 2>/dev/null
} > docs/copy-detection.md.new
mv docs/copy-detection.md.new docs/copy-detection.md
cat docs/copy-detection.md
