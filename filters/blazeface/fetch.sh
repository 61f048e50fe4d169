#!/usr/bin/env bash
# Re-downloads the BlazeFace full-range model from npm and checks it is the bundled file.
# Usage: filters/blazeface/fetch.sh   (needs npm; writes only under filters/target/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version=0.4.1657300184
expected=99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3
mkdir -p target/npm && cd target/npm
npm pack --silent "@mediapipe/face_detection@$version" >/dev/null
tar xzf "mediapipe-face_detection-$version.tgz" package/face_detection_full_range.tflite package/package.json
grep -q '"license": "Apache-2.0"' package/package.json
actual=$(sha256sum package/face_detection_full_range.tflite | cut -d' ' -f1)
bundled=$(sha256sum ../../src/main/resources/io/winnow/filters/blazeface-full-range/face_detection_full_range.tflite | cut -d' ' -f1)
[[ "$actual" == "$expected" && "$bundled" == "$expected" ]] || {
  echo "checksum mismatch: npm $actual, bundled $bundled, expected $expected" >&2; exit 1; }
echo "face_detection_full_range.tflite: npm and bundled copies match ($expected)"
