#!/usr/bin/env bash
# Install sparseglm's build and test dependencies on Debian/Ubuntu (apt-get).
# Does nothing when everything is already installed; otherwise runs `apt-get update` once and
# installs only the missing packages. Uses sudo only when not root. Exits non-zero on failure.
set -euo pipefail

#   scripts/install-deps.sh          what the build, tests and benchmarks need
#   scripts/install-deps.sh --fuzz   also clang and its sanitizer/libFuzzer runtime (fuzz/run.sh)
packages=(g++ cmake ninja-build libeigen3-dev catch2 libbenchmark-dev zlib1g-dev pkg-config clang-format)
if [[ ${1:-} == --fuzz ]]; then
  packages+=(clang-14 libclang-rt-14-dev)
elif [[ $# -gt 0 ]]; then
  echo "install-deps.sh: unknown argument '$1' (only --fuzz)" >&2
  exit 2
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps.sh: not a Debian-like system (no dpkg-query/apt-get); install these yourself:" >&2
  echo "  ${packages[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps.sh: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "install-deps.sh: installing ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
  || ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps.sh: apt-get failed" >&2
  exit 1
fi
