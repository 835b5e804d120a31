// The Gradescope autograder zip. See autograder_bundle.h.
#include "autograder_bundle.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "check_report.h"
#include "files.h"
#include "zip_writer.h"

namespace lab::grader {
namespace {

// What of the lab's source tree a build of the `lab` command needs (LAB_BUILD_TESTS=OFF).
constexpr const char* kLabParts[] = {"CMakeLists.txt", "detector", "harness", "scripts"};
constexpr std::size_t kMaxFileBytes = 8u << 20;

// Adds `path` (a file, or a folder walked recursively) as `name`. Hidden entries, build
// folders and symbolic links are left out.
bool AddTree(ZipWriter* zip, const std::string& path, const std::string& name,
             std::string* error) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    *error = "cannot read " + path;
    return false;
  }
  if (S_ISLNK(st.st_mode)) return true;
  if (S_ISDIR(st.st_mode)) {
    for (const std::string& entry : ListDir(path)) {
      if (entry.rfind("build", 0) == 0) continue;
      if (!AddTree(zip, path + "/" + entry, name + "/" + entry, error)) return false;
    }
    return true;
  }
  if (!S_ISREG(st.st_mode)) return true;
  std::string data;
  if (!ReadFile(path, &data, kMaxFileBytes)) {
    *error = "cannot read " + path;
    return false;
  }
  if (!zip->Add(name, data, (st.st_mode & 0111) != 0 ? 0755 : 0644)) {
    *error = "cannot add " + name + " to the zip";
    return false;
  }
  return true;
}

}  // namespace

std::string SetupScript() {
  return R"SH(#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: it installs what
# the lab needs (Debian/Ubuntu packages) and builds the bundled lab into lab/build.
# LAB_PREBUILT=<build dir>: skip both and use a lab that is already built there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lab="$here/lab"
if [ -n "${LAB_PREBUILT:-}" ]; then
  if [ ! -x "$LAB_PREBUILT/harness/lab" ]; then
    echo "setup.sh: LAB_PREBUILT=$LAB_PREBUILT holds no harness/lab" >&2
    exit 2
  fi
  ln -sfn "$LAB_PREBUILT" "$lab/build"
  echo "setup.sh: using the lab already built in $LAB_PREBUILT"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  g++ cmake ninja-build pkg-config libabsl-dev libfmt-dev nlohmann-json3-dev
# Another compiler may warn where g++ 12 does not: warnings do not stop this build.
cmake -S "$lab" -B "$lab/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLAB_BUILD_TESTS=OFF -DLAB_WERROR=OFF
cmake --build "$lab/build" -j "$(nproc)"
"$lab/build/harness/lab" list >/dev/null
echo "setup.sh: the lab is built in $lab/build"
)SH";
}

std::string RunAutograderScript(const std::string& puzzle, const AutograderOptions& options) {
  return fmt::format(R"SH(#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades the .cpp file(s) at the top of
# /autograder/submission with `lab grade` (a sandbox per run, fixed seeds) and writes
# /autograder/results/results.json. More or fewer than one .cpp file: score 0, with a message.
set -uo pipefail
lab_dir=/autograder/source/lab
results=/autograder/results
mkdir -p "$results"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/class/submission"
for f in /autograder/submission/*.cpp; do
  if [ -f "$f" ] && [ ! -L "$f" ]; then cp -- "$f" "$work/class/submission/"; fi
done
LAB_PUZZLES_DIR="$lab_dir/puzzles" "$lab_dir/build/harness/lab" grade {puzzle} "$work/class" \
  -o "$work/out" -j 1 --timeout {timeout}
status=$?
if [ -f "$work/out/submission/results.json" ]; then
  cp "$work/out/submission/results.json" "$results/results.json"
  exit 0
fi
cat >"$results/results.json" <<JSON
{{"score": 0, "output": "The autograder could not grade this submission (lab grade exit status $status). Please tell your instructor.", "visibility": "visible"}}
JSON
exit 1
)SH",
                     fmt::arg("puzzle", ShellQuote(puzzle)),
                     fmt::arg("timeout", fmt::format("{:g}", options.scenario_wall_seconds)));
}

bool BuildAutograderZip(const PuzzleInfo& puzzle, const std::string& lab_source_dir,
                        const AutograderOptions& options, std::string* zip_bytes,
                        std::string* error) {
  ZipWriter zip;
  if (!zip.Add("setup.sh", SetupScript(), 0755) ||
      !zip.Add("run_autograder", RunAutograderScript(puzzle.name, options), 0755)) {
    *error = "cannot add the scripts to the zip";
    return false;
  }
  for (const char* part : kLabParts) {
    if (!AddTree(&zip, lab_source_dir + "/" + part, std::string("lab/") + part, error)) {
      *error += " (the lab's sources are needed to build the autograder; was the lab moved?)";
      return false;
    }
  }
  if (!AddTree(&zip, puzzle.dir, "lab/puzzles/" + puzzle.name, error)) return false;
  *zip_bytes = zip.Finish();
  return true;
}

}  // namespace lab::grader
