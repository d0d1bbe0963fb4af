#!/usr/bin/env bash
# The quickstart's accuracy over worlds and seeds (issue 16): runs `tbps quickstart` once per
# (world, seed), one run at a time, and prints a Markdown table of each run (steps trained, test R@1,
# the world's oracle R@1, R@1 as % of the oracle, wall time) and per world the mean and spread (half
# the range) of R@1 / oracle. Run it on an otherwise idle machine: the quickstart trains for a time
# budget, so a loaded machine trains fewer steps.
#
#   bench/quickstart-seeds.sh [OUT_DIR] [WORLDS] [SEEDS] [MINUTES] [-- extra quickstart options]
#
# Defaults: OUT_DIR=bench-out/quickstart-seeds, WORLDS="studio street", SEEDS="1 2 3", MINUTES=5.
# The jar and its libraries are copied to OUT_DIR/jar first, so rebuilding the project while it runs changes nothing.
# A finished run (OUT_DIR/<world>-s<seed>/metrics.json) is not run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench-out/quickstart-seeds}"
worlds="${2:-studio street}"
seeds="${3:-1 2 3}"
minutes="${4:-5}"
shift $(($# < 4 ? $# : 4))
if [ "${1:-}" = "--" ]; then shift; fi
mkdir -p "$out"
# shellcheck source=jar-snapshot.sh
. "$root/bench/jar-snapshot.sh"
snapshot_jar "$root" "$out"
for w in $worlds; do
  for s in $seeds; do
    run="$out/$w-s$s"
    if [ -f "$run/metrics.json" ]; then
      continue
    fi
    rm -rf "$run"
    echo "== world $w, seed $s ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$root/tbps" quickstart --out "$run" --world "$w" --seed "$s" --minutes "$minutes" "$@" \
      >"$run.log" 2>&1 || { echo "run $run failed, see $run.log" >&2; exit 1; }
    tail -n 4 "$run.log" | head -n 1 >&2
  done
done
python3 - "$out" "$worlds" "$seeds" <<'PY'
import json, os, sys
out, worlds, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
print("| world | seed | steps | test R@1 | oracle R@1 | % of oracle | wall s |")
print("|---|---|---|---|---|---|---|")
summary = []
for w in worlds:
    fr = []
    for s in seeds:
        d = os.path.join(out, f"{w}-s{s}")
        m = json.load(open(os.path.join(d, "metrics.json")))
        h = json.load(open(os.path.join(d, "run", "metrics.json")))
        steps = max((e["iteration"] for e in h.get("iterations", [])), default=0) + 1
        f = 100 * m["R@1_fraction_of_oracle"]
        fr.append(f)
        print(f"| {w} | {s} | {steps} | {m['R@1']:.2f} | {m['oracle_R@1']:.2f} | {f:.1f} | {m['seconds_total']:.0f} |")
    summary.append((w, sum(fr) / len(fr), (max(fr) - min(fr)) / 2, min(fr)))
print()
print("| world | R@1 / oracle, mean ± half-range (%) | lowest seed |")
print("|---|---|---|")
for w, mean, spread, low in summary:
    print(f"| {w} | {mean:.1f} ± {spread:.1f} | {low:.1f} |")
PY
