#!/usr/bin/env bash
# Developer helper (no sandbox): compile <file> against puzzles/<puzzle>/spec.cpp and run
# every scenario (or the one named), printing each scenario's JSON record.
#   scripts/run-spec.sh fizzbuzz puzzles/fizzbuzz/reference.cpp [scenario]
# `lab check` is the real path (sandboxed, with the student report); this is for authors.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
puzzle=$1; file=$2; only=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$file" "$work/$(basename "$file")"
cp "$top/puzzles/$puzzle/spec.cpp" "$work/spec.cpp"
given=""
[ -f "$top/harness/spec/lab/puzzles/$puzzle.h" ] && given="#include \"lab/puzzles/$puzzle.h\""
cat > "$work/wrapper.cc" <<W
#include "lab/sync.h"
#include "lab/spec.h"
$given
#include "$(basename "$file")"
#include "lab/spec_guard.h"
#include "spec.cpp"
W
b=$top/build
g++ -std=c++20 -O1 -g -I"$top/detector/include" -I"$top/harness/spec" "$work/wrapper.cc" -o "$work/sub" \
  "$b/harness/liblab_spec_main.a" "$b/harness/liblab_spec.a" "$b/detector/liblab.a" -lfmt -lbacktrace -pthread
if [ -n "$only" ]; then scenarios=$only; else
  scenarios=$("$work/sub" --list | python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)["scenarios"]))')
fi
for s in $scenarios; do
  start=$(date +%s.%N)
  "$work/sub" --run "$s" 3>&1 >/dev/null | python3 -c '
import json,sys
r=json.loads(sys.stdin.read())
ids=[f["id"] for f in r["findings"]]; st=[f["id"] for f in r["stress_findings"]]
print(r["scenario"], "findings:", ids or "none", "stress:", st or "none", "schedules:", r["schedules"])
for f in r["findings"][:1]: print("  ", f["message"][:300]); print("   replay:", f["replay"])
'
  echo "   ($(echo "$(date +%s.%N) - $start" | bc) s)"
done
