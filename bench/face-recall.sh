#!/usr/bin/env bash
# Face blur recall and false blurs on the safe-photo dev set (bench/safe-photos/) and on hard
# copies of its people photos, against a consensus of independent OpenCV cascades; per-image
# cost of each variant. Report: docs/faces.md.
# Usage: bench/face-recall.sh     (DUMP=DIR writes the shipped detector's misses as pictures)
exec "$(dirname "${BASH_SOURCE[0]}")/safe-devset.sh" io.winnow.bench.FaceBlurRecall
