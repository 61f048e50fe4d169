#!/usr/bin/env bash
# Fetches the Debian and npm packages whose photos make the copy-detection dev set (README.md
# beside this file) into a cache folder, unpacks them there, and selects the photos: writes
# photos.csv beside the cache folder. Debian packages are downloaded and unpacked, not installed,
# so their dependencies stay off the machine; about 170 MB in all.
#
# Usage: bench/copy-devset/fetch-photos.sh [SOURCES_DIR]
#   SOURCES_DIR  cache folder (default bench/target/copy-devset/sources, or $COPY_DEVSET_SOURCES)
#   PHOTOS_CSV   where photos.csv goes ($COPY_DEVSET_PHOTOS; default beside SOURCES_DIR)
#   MVN          the Maven command (default mvn); SKIP_BUILD=1 uses the classes already built
# Then make the images:
#   java -cp bench/target/classes:CLASSPATH io.winnow.bench.CopyDevSet generate PHOTOS_CSV OUT 42
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

sources=${1:-${COPY_DEVSET_SOURCES:-bench/target/copy-devset/sources}}
photos=${COPY_DEVSET_PHOTOS:-$(dirname "$sources")/photos.csv}
mvn=${MVN:-mvn}

# Never opencv-doc nor plasma-workspace-wallpapers (or other KDE Plasma wallpapers): they are kept
# for an independent check.
deb_packages=(python3-skimage python-matplotlib-data python3-sklearn lomiri-wallpapers-16.04
  lomiri-wallpapers-20.04 mate-backgrounds tuxpaint-data palapeli-data gcompris-qt-data)
npm_packages=(@vladmandic/face-api@1.7.15)

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

mkdir -p "$sources/debs" "$sources/deb" "$sources/npm-cache" "$sources/npm"
: > "$sources/versions.tsv.new"

# 1. Debian packages: download what is not cached at the candidate version (apt verifies the
#    files against the signed lists), then unpack.
if ! apt-cache show "${deb_packages[0]}" > /dev/null 2>&1; then
  as_root apt-get update
fi
cached_deb() { # PKG VERSION: the cached .deb of that version, if any
  local deb
  for deb in "$sources/debs/${1}_"*.deb; do
    if [[ -f "$deb" && "$(dpkg-deb -f "$deb" Version)" == "$2" ]]; then
      echo "$deb"
      return
    fi
  done
}
declare -A wanted
missing=()
for pkg in "${deb_packages[@]}"; do
  wanted[$pkg]=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
  if [[ -z "${wanted[$pkg]}" || "${wanted[$pkg]}" == "(none)" ]]; then
    echo "Debian package $pkg is not available here" >&2
    exit 1
  fi
  [[ -n "$(cached_deb "$pkg" "${wanted[$pkg]}")" ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  (cd "$sources/debs" && apt-get download "${missing[@]}")
fi
for pkg in "${deb_packages[@]}"; do
  version=${wanted[$pkg]}
  deb=$(cached_deb "$pkg" "$version")
  target="$sources/deb/$pkg"
  if [[ "$(cat "$target/.version" 2>/dev/null)" != "$version" ]]; then
    rm -rf "$target"
    mkdir -p "$target"
    dpkg-deb -x "$deb" "$target"
    echo "$version" > "$target/.version"
  fi
  printf '%s\t%s\n' "$pkg" "$version" >> "$sources/versions.tsv.new"
done

# 2. npm packages: npm pack (checks the registry's integrity hash), then untar.
if ! command -v npm > /dev/null; then
  as_root apt-get install -y --no-install-recommends npm
fi
for spec in "${npm_packages[@]}"; do
  name=${spec%@*}
  version=${spec##*@}
  target="$sources/npm/$name"
  if [[ "$(cat "$target/.version" 2>/dev/null)" != "$version" ]]; then
    tarball=$(cd "$sources/npm-cache" && npm pack --silent "$spec" | tail -n 1)
    rm -rf "$target"
    mkdir -p "$target"
    tar -xzf "$sources/npm-cache/$tarball" -C "$target"
    echo "$version" > "$target/.version"
  fi
  printf '%s\t%s\n' "$name" "$version" >> "$sources/versions.tsv.new"
done
mv "$sources/versions.tsv.new" "$sources/versions.tsv"
du -sh "$sources/debs" "$sources/npm-cache" >&2

# 3. Select the photos.
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  $mvn -B -q -ntp -DskipTests install -pl bench -am >&2
fi
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
$mvn -B -q -ntp dependency:build-classpath -pl bench -Dmdep.outputFile="$cp" >&2
java -cp "bench/target/classes:$(cat "$cp")" io.winnow.bench.CopyDevSet select "$sources" "$photos"
echo "wrote $photos" >&2
