#!/usr/bin/env bash
# Copy detection on the copy dev set (bench/copy-devset/): builds the set if it is missing, then
# for each model measures dedup with verification beside the embedding alone (precision, recall,
# per edit, hard negatives, the curves; see VerifiedCopyCheck), writes the embedding-only
# thresholds into each model.json and the report into docs/copy-detection.md.
# Usage: bench/copy-detection.sh [MODEL_DIR...]   (default: the bundled nsfwjs model)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
models=("$@")
if [[ ${#models[@]} -eq 0 ]]; then
  models=(models/src/main/resources/io/winnow/models/nsfwjs-mobilenet-v2)
fi
mvn -B -q -ntp -DskipTests install >&2
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
classpath="bench/target/classes:$(cat "$cp")"
set_dir=bench/target/copy-devset/set
if [[ ! -f bench/target/copy-devset/photos.csv ]]; then
  SKIP_BUILD=1 bench/copy-devset/fetch-photos.sh >&2
fi
if [[ ! -f "$set_dir/labels.csv" ]]; then
  java -cp "$classpath" io.winnow.bench.CopyDevSet generate bench/target/copy-devset/photos.csv \
    "$set_dir" 42 >&2
fi
{
  echo "# Copy detection: verified near-duplicate removal on the copy dev set"
  echo
  echo "Made by \`bench/copy-detection.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(uname -m))."
  echo "The set (\`bench/copy-devset/README.md\`: sources, licences, edits) is made at bench time"
  echo "from photos in Debian and npm packages: 270 distinct photos, each with 6 copies by"
  echo "DISC21-style edits (108 per edit type), and 54 hard negatives (different photos of one"
  echo "scene: 22 real, 32 synthetic). No image of opencv-doc or plasma-workspace-wallpapers is in it."
  echo "Every image is stored as the pipeline stores it (256 px, border mode), fingerprinted and"
  echo "embedded; dedup is run as the pipeline runs it (candidates, verification, star rule)."
  echo
  for model in "${models[@]}"; do
    echo "## $(basename "$model")"
    echo
    java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "$classpath" \
      io.winnow.bench.VerifiedCopyCheck "$set_dir/labels.csv" "$model" --write-thresholds \
      2>/dev/null
    echo
  done
} > docs/copy-detection.md.new
mv docs/copy-detection.md.new docs/copy-detection.md
cat docs/copy-detection.md
