#!/usr/bin/env bash
# Installs the pinned npm packages of package.json (nsfwjs 4.4.0, TensorFlow.js, jpeg-js, @vladmandic/face-api 1.7.15) into
# models/target/npm. The conversion test uses them when present; convert.sh needs them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/../target/npm"
if [[ -f "$target/node_modules/nsfwjs/package.json" \
    && -f "$target/node_modules/@vladmandic/face-api/package.json" ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
mkdir -p "$target"
cp "$here/package.json" "$target/package.json"
# --ignore-scripts: nothing here needs install scripts, and none should run on a build machine.
(cd "$target" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
echo "npm packages in $target/node_modules"
