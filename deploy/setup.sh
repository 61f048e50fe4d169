#!/usr/bin/env bash
# Installs what Winnow needs on a Debian machine, only what is missing, and prints nothing when
# all is there: a JDK 17+, Maven, a C++ compiler, FAISS with OpenBLAS (OpenMP variant; without
# it Debian's FAISS falls back to reference BLAS, about 50 times slower), and the tools the local
# Flink cluster script uses (curl, python3, ps), and npm for the model conversion test.
# Extra packages for benchmarks can be named as arguments (e.g. python3-faiss).
set -euo pipefail

need=()
if ! command -v javac >/dev/null 2>&1 \
    || [[ "$(javac -version 2>&1 | sed -E 's/javac ([0-9]+).*/\1/')" -lt 17 ]]; then
  need+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v ps >/dev/null 2>&1 || need+=(procps)
# npm fetches the pinned nsfwjs package that the model conversion test rebuilds from.
command -v npm >/dev/null 2>&1 || need+=(npm)
for package in libfaiss-dev libopenblas0-openmp "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || need+=("$package")
done

if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install ${need[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
