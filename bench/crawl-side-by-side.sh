#!/usr/bin/env bash
# The whole default pipeline on the crawl bench, this build against an older one, run alternately
# in one script (baseline first), so both see the same machine in the same minutes. Usage:
#   bench/crawl-side-by-side.sh [BASE_COMMIT] [ROUNDS] [IMAGES]
# BASE_COMMIT defaults to a65da22 (the commit before copy verification, issue 11). It is checked
# out in its own worktree under bench/target and built there; the bench it runs is CrawlBench.java
# of d386b58 (the first with the `scenes` corpus that compiles against a65da22), with its switch
# for dedup without verification (which a65da22 does not have) taken out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base=${1:-a65da22}
rounds=${2:-2}
images=${3:-4000}
bench_source=${BENCH_SOURCE:-d386b58}
worktree=bench/target/side-by-side-$base
deploy/setup.sh wrk
mvn -B -q -ntp -DskipTests install >&2
head_cp=$(mktemp)
base_cp=$(mktemp)
trap 'rm -f "$head_cp" "$base_cp"' EXIT
mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$head_cp" >&2
git worktree prune
if [[ ! -d $worktree ]]; then
  git worktree add --detach "$worktree" "$base" >&2
fi
crawl_bench=$worktree/bench/src/main/java/io/winnow/bench/CrawlBench.java
git show "$bench_source:bench/src/main/java/io/winnow/bench/CrawlBench.java" > "$crawl_bench"
python3 - "$crawl_bench" <<'PY'
import sys
path = sys.argv[1]
s = open(path).read()
start = s.find("    if (!verify) {\n      io.winnow.pipeline.DedupSettings d")
if start >= 0:
    end = s.index("    boolean progress", start)
    s = (s[:start] + "    if (!verify) {\n      throw new IllegalArgumentException(\"this build cannot"
         " turn verification off\");\n    }\n" + s[end:])
open(path, "w").write(s)
PY
# Built with -am so the worktree's own modules, not the installed ones, make its classpath.
(cd "$worktree" && mvn -B -q -ntp -o package -DskipTests -Dspotless.check.skip=true -pl bench -am >&2 \
  && mvn -B -q -ntp -o dependency:build-classpath -pl bench -am -Dmdep.outputFile="$base_cp.raw" >&2)
# The worktree's modules from their target/classes, everything else as Maven resolved it.
# (The file has no final newline: read's status is false on its last entry, which still counts.)
tr ':' '\n' < "$base_cp.raw" | while read -r jar || [[ -n $jar ]]; do
  if [[ $jar =~ /io/winnow/winnow-([a-z]+)/ ]] && [[ -d $worktree/${BASH_REMATCH[1]}/target/classes ]]; then
    echo "$PWD/$worktree/${BASH_REMATCH[1]}/target/classes"
  else
    echo "$jar"
  fi
done | paste -sd: > "$base_cp"
rm -f "$base_cp.raw"
log=bench/target/crawl-side-by-side.log
: > "$log"
run() { # DIR CLASSPATH; the full output (logs, stack traces) goes to $log
  # A timeout: a bench whose main thread died would otherwise wait on its pool threads.
  (cd "$1" && timeout 900 java -cp "bench/target/classes:$2" io.winnow.bench.CrawlBench "$images" 640 480 flink \
    scenes verified) 2>&1 | tee -a "$log" | grep -E "limit|wall time|rejected by"
}
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for round in $(seq "$rounds"); do
  echo "-- round $round: $base"
  run "$worktree" "$(cat "$base_cp")"
  echo "-- round $round: this build ($(git rev-parse --short HEAD))"
  run . "$(cat "$head_cp")"
done
