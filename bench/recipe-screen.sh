#!/usr/bin/env bash
# Screens training recipes at a fixed number of epochs (not a time budget), so that a loaded machine
# changes how long a run takes but not its result: each candidate is trained on each dataset with each
# seed, one run at a time, and the script prints a Markdown table of test R@1 as % of the dataset's
# oracle, per candidate the mean over datasets and seeds, and its spread. Used to choose the quickstart
# recipe (issue 16) by its mean over differently drawn worlds and seeds, never by one world.
#
#   [JOBS=N] bench/recipe-screen.sh OUT_DIR BASE_CONFIG CANDIDATES_FILE "DATA_DIR..." "SEED..."
#
# CANDIDATES_FILE: one candidate per line, `name|--set a=b --set c=d` (an empty right side trains
# BASE_CONFIG unchanged). DATA_DIR: folders written by `tbps synth` (they hold oracle.json). A finished
# run (OUT_DIR/<candidate>/<data>-s<seed>/metrics.json with a test entry) is not run again.
# The jar is copied to OUT_DIR/jar first, so rebuilding the project while it runs changes nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"; base="$2"; cands="$3"; datas="$4"; seeds="$5"
mkdir -p "$out"
# shellcheck source=jar-snapshot.sh
. "$root/bench/jar-snapshot.sh"
snapshot_jar "$root" "$out"
# JOBS=2 trains two runs at once with one thread each (on 2 cores the tiny network trains about as
# fast on one thread as on two, and a fixed step count makes the result independent of the load)
jobs_max="${JOBS:-1}"
if [ "$jobs_max" -gt 1 ]; then export OMP_NUM_THREADS=1; fi
failed=0
while IFS='|' read -r name sets; do
  case "$name" in ''|\#*) continue ;; esac
  for d in $datas; do
    for s in $seeds; do
      run="$out/$name/$(basename "$(dirname "$d")")-$(basename "$d")-s$s"
      if [ -f "$run/metrics.json" ] && grep -q '"test"' "$run/metrics.json"; then continue; fi
      rm -rf "$run"; mkdir -p "$(dirname "$run")"
      while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || failed=1; done
      echo "== $name on $d seed $s ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))" >&2
      # shellcheck disable=SC2086
      ( "$root/tbps" train --config "$base" --out "$run" --set "data.root=$d" --set "seed=$s" $sets \
          </dev/null >"$run.log" 2>&1 || { echo "run $run failed, see $run.log" >&2; exit 1; } ) &
    done
  done
done <"$cands"
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || failed=1; done
[ "$failed" = 0 ] || { echo "some runs failed" >&2; exit 1; }
python3 - "$out" "$cands" "$datas" "$seeds" <<'PY'
import json, os, sys
out, cands, datas, seeds = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
names = [l.split("|")[0].strip() for l in open(cands) if l.strip() and not l.startswith("#")]
print("| candidate | " + " | ".join(f"{os.path.basename(os.path.dirname(d))} s{s}" for d in datas for s in seeds)
      + " | mean | half-range over the runs | steps |")
print("|---" * (len(datas) * len(seeds) + 4) + "|")
for n in names:
    cells, steps = [], []
    for d in datas:
        oracle = json.load(open(os.path.join(d, "oracle.json")))["R@1"]
        for s in seeds:
            run = os.path.join(out, n, f"{os.path.basename(os.path.dirname(d))}-{os.path.basename(d)}-s{s}")
            m = json.load(open(os.path.join(run, "metrics.json")))
            cells.append(100 * m["test"]["R@1"] / oracle)
            steps.append(max((e["iteration"] for e in m.get("iterations", [])), default=0) + 1)
    mean = sum(cells) / len(cells)
    print(f"| {n} | " + " | ".join(f"{c:.1f}" for c in cells)
          + f" | **{mean:.1f}** | {(max(cells) - min(cells)) / 2:.1f} | {min(steps)}–{max(steps)} |")
PY
