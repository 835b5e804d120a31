#!/usr/bin/env bash
# Installs what the lab needs to build, when it is missing; does nothing when present.
# Every Makefile target runs this first, so that a fresh Debian machine works.
set -euo pipefail

pkgs=(g++ clang cmake ninja-build pkg-config libabsl-dev libfmt-dev libgtest-dev libgmock-dev
      libbenchmark-dev nlohmann-json3-dev libdw-dev lld
      # the tests: chromium renders the HTML report headless; unzip opens the Gradescope zip
      chromium unzip)
# lld: links each submission faster than GNU ld (the grader uses the default linker without it).
# libdw-dev: liblab_std (the std:: dialect) reads a submission's DWARF for its file:line sites.
# bubblewrap is not needed: the grader builds its namespaces and private root itself (bwrap
# reports a signal death as exit status 128+n and, run as root, cannot give each submission a
# uid of its own without unprivileged user namespaces; see the sandbox notes in README).
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "lab: installing missing packages: ${missing[*]}" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "lab: apt-get not found. Install these packages with your system's package manager: ${missing[*]}" >&2
  exit 2
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "lab: not root and no sudo. As root, run: apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -qq "${missing[@]}" >/tmp/lab-apt.log 2>&1; then
  $sudo apt-get update -qq >>/tmp/lab-apt.log 2>&1 || true
  if ! $sudo apt-get install -y -qq "${missing[@]}" >>/tmp/lab-apt.log 2>&1; then
    echo "lab: apt-get install failed (log: /tmp/lab-apt.log). Run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi
echo "lab: packages installed." >&2
