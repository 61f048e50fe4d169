#!/usr/bin/env bash
# A Flink 1.19 standalone session cluster on this machine, from Maven Central jars (the Flink
# distribution tarball is not needed). Everything binds to 127.0.0.1.
#
#   deploy/local/flink-cluster.sh start [TASKMANAGERS]   # default 1; waits until all registered
#   deploy/local/flink-cluster.sh add-taskmanager        # one more TaskManager
#   deploy/local/flink-cluster.sh stop                   # stops every process it started
#   deploy/local/flink-cluster.sh status
#
# Environment: FLINK_WORK (work folder: config, logs, PIDs; default deploy/target/flink-local),
# FLINK_REST_PORT (default 8081), FLINK_TASK_SLOTS (slots per TaskManager, default 2). Jars come from deploy/target/flink-lib (built by
# `mvn -pl deploy -am package`). Submit with: ./winnow run --runner 127.0.0.1:$FLINK_REST_PORT ...
set -euo pipefail
shopt -s nullglob
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deploy="$(dirname "$here")"
lib="${FLINK_LIB:-$deploy/target/flink-lib}"
work="${FLINK_WORK:-$deploy/target/flink-local}"
rest_port="${FLINK_REST_PORT:-8081}"
conf="$work/conf"

die() { echo "flink-cluster: $*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

java_params() {  # BashJavaUtils prints the JVM flags and dynamic options Flink's scripts use
  java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" \
    2>/dev/null | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

registered() {
  curl -fs "http://127.0.0.1:$rest_port/taskmanagers" 2>/dev/null \
    | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["taskmanagers"]))' 2>/dev/null \
    || echo 0
}

start_taskmanager() {
  local existing=("$work"/taskmanager-*.pid)
  local id=$((${#existing[@]} + 1))
  mapfile -t params < <(java_params GET_TM_RESOURCE_PARAMS)
  [[ ${#params[@]} -ge 2 ]] || die "could not compute TaskManager memory settings"
  local opts  # env.java.opts.taskmanager, as Flink's own scripts pass it
  opts=$(sed -n 's/^env\.java\.opts\.taskmanager:[[:space:]]*//p' "$conf/config.yaml")
  # shellcheck disable=SC2086
  nohup java ${params[0]} $opts -Dlog.file="$work/log/taskmanager-$id.log" \
    -Dlog4j.configurationFile="$conf/log4j.properties" -cp "$lib/*" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$conf" ${params[1]} \
    > "$work/log/taskmanager-$id.out" 2>&1 &
  echo $! > "$work/taskmanager-$id.pid"
}

alive_taskmanagers() {  # TaskManagers this script started whose process still runs
  local alive=0
  for file in "$work"/taskmanager-*.pid; do
    # A killed process may linger as a zombie until it is reaped: that is not alive.
    [[ "$(ps -o stat= -p "$(cat "$file")" 2>/dev/null)" =~ ^[^Z] ]] && alive=$((alive + 1))
  done
  echo "$alive"
}

wait_for() {  # wait_for COUNT SECONDS
  local deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    [[ "$(registered)" -ge "$1" ]] && return 0
    sleep 0.5
  done
  die "only $(registered) of $1 TaskManagers registered within $2 s; see $work/log"
}

start() {
  local taskmanagers="${1:-1}"
  [[ -d "$lib" ]] || die "no Flink jars in $lib; run: mvn -pl deploy -am -DskipTests package"
  [[ ! -f "$work/jobmanager.pid" ]] || die "already started (see $work); stop it first"
  mkdir -p "$conf" "$work/log" "$work/tmp"
  cp "$here/config.yaml" "$conf/config.yaml"
  {
    echo "rest.port: $rest_port"
    echo "taskmanager.numberOfTaskSlots: ${FLINK_TASK_SLOTS:-2}"
    echo "jobmanager.rpc.port: $(free_port)"
    echo "io.tmp.dirs: $work/tmp"
  } >> "$conf/config.yaml"
  cat > "$conf/log4j.properties" <<'LOG'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
LOG
  mapfile -t params < <(java_params GET_JM_RESOURCE_PARAMS)
  [[ ${#params[@]} -ge 1 ]] || die "could not compute JobManager memory settings"
  # shellcheck disable=SC2086
  nohup java ${params[0]} -Dlog.file="$work/log/jobmanager.log" \
    -Dlog4j.configurationFile="$conf/log4j.properties" -cp "$lib/*" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$conf" \
    --executionMode cluster ${params[1]:-} > "$work/log/jobmanager.out" 2>&1 &
  echo $! > "$work/jobmanager.pid"
  for ((i = 0; i < taskmanagers; i++)); do
    start_taskmanager
  done
  wait_for "$taskmanagers" 90
  echo "flink-cluster: JobManager at 127.0.0.1:$rest_port with $taskmanagers TaskManager(s); work folder $work"
}

stop() {
  local pids=()
  for file in "$work"/taskmanager-*.pid "$work"/jobmanager.pid; do
    [[ -f "$file" ]] || continue
    pids+=("$(cat "$file")")
    rm -f "$file"
  done
  ((${#pids[@]})) || { echo "flink-cluster: nothing to stop"; return 0; }
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "${pids[@]}" 2>/dev/null || { echo "flink-cluster: stopped"; return 0; }
    sleep 0.25
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
  echo "flink-cluster: stopped (forced)"
}

case "${1:-}" in
  start) start "${2:-1}" ;;
  add-taskmanager) start_taskmanager; wait_for "$(alive_taskmanagers)" 60 ;;
  stop) stop ;;
  status) echo "$(registered) TaskManager(s) registered at 127.0.0.1:$rest_port" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
