#!/usr/bin/env bash
# NSFW false positives on the safe-photo dev set (bench/safe-photos/: 350 real photos from
# pinned Debian and npm packages, 51 of people, none NSFW): the share dropped, overall and on
# people, for several unsafe-class rules and thresholds, and the highest-scoring photos.
# Report: docs/nsfw.md. Usage: bench/nsfw-false-positives.sh
exec "$(dirname "${BASH_SOURCE[0]}")/safe-devset.sh" io.winnow.bench.NsfwFalsePositives
