#!/usr/bin/env bash
# Loss-mix comparison on the synthetic dataset (issue 7): the six mixes below, each trained with the
# quickstart network and schedule for the same number of epochs, over three training seeds, on one
# synthetic dataset; prints a Markdown table of test R@1 / mAP (mean ± spread = half the range) and
# wall time. Run on an otherwise idle machine.
#
#   [JOBS=N] bench/compare-losses.sh [OUT_DIR] [EPOCHS] [SEEDS]
#
# Defaults: OUT_DIR=bench-out/compare-losses, EPOCHS from configs/quickstart.yaml, SEEDS="1 2 3",
# JOBS=1, SIZE=64x32 (the tiny preset's image size, which the quickstart trains at). With JOBS=2
# two runs train at once, each with OMP_NUM_THREADS=1: on 2 cores the tiny model
# trains about as fast on one thread as on two, so this halves the wall time of the table (the per-run
# wall times in the table are then those of a run sharing the machine with another).
# A finished run (OUT_DIR/<mix>-s<seed>/metrics.json with test metrics) is not run again. The jar and
# the quickstart config are copied to OUT_DIR/jar first, so rebuilding the project while it runs
# changes nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench-out/compare-losses}"
epochs="${2:-}"
seeds="${3:-1 2 3}"
data="$out/data"
mkdir -p "$out"
tbps="$root/tbps"
# shellcheck source=jar-snapshot.sh
. "$root/bench/jar-snapshot.sh"
snapshot_jar "$root" "$out" "$root/configs/quickstart.yaml"
config="$out/jar/quickstart.yaml"

size="${SIZE:-64x32}"
if [ ! -f "$data/oracle.json" ]; then
  "$tbps" synth --out "$data" --ids 1000 --size "$size" --seed 42
fi

declare -A mixes
mixes[dual-path]='[{name: ranking, weight: 2, params: {margin: 1.0}}, {name: instance, weight: 1, params: {text_weight: 0.5}}]'
mixes[cmpm-cmpc]='[{name: cmpm, weight: 1}, {name: cmpc, weight: 1}]'
mixes[mam-psw]='[{name: cmpm, weight: 1}, {name: cmpc, weight: 0.8}, {name: mam, weight: 0.2, params: {m: 4}}, {name: psw, weight: 1}]'
mixes[sn]='[{name: sn, weight: 1}, {name: instance, weight: 1}]'
mixes[asm-esa]='[{name: asm, weight: 1}, {name: instance, weight: 1}]'
mixes[sdm]='[{name: sdm, weight: 1}, {name: instance, weight: 1}]'
order="dual-path cmpm-cmpc mam-psw sn asm-esa sdm"

run_one() {
  local mix=$1 seed=$2
  local run="$out/$mix-s$seed"
  rm -rf "$run"
  local extra=()
  [ "$mix" = asm-esa ] && extra+=(--set model.esa=true)
  [ -n "$epochs" ] && extra+=(--set "stages.joint.epochs=$epochs")
  local start
  start=$(date +%s)
  "$tbps" train --config "$config" --out "$run" \
    --set "data.root=$data" --set "seed=$seed" --set "loss=${mixes[$mix]}" "${extra[@]}" \
    > "$run.out" 2> "$run.err" || { echo "run $run failed, see $run.err" >&2; return 1; }
  echo "$(( $(date +%s) - start ))" > "$run/wall_seconds"
  echo "done: $mix seed $seed ($(cat "$run/wall_seconds") s)" >&2
}

jobs_max="${JOBS:-1}"
if [ "$jobs_max" -gt 1 ]; then
  export OMP_NUM_THREADS=1
fi
failed=0
for mix in $order; do
  for seed in $seeds; do
    run="$out/$mix-s$seed"
    if [ -f "$run/metrics.json" ] && grep -q '"test"' "$run/metrics.json"; then
      continue
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
      wait -n || failed=1
    done
    run_one "$mix" "$seed" &
  done
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
  wait -n || failed=1
done
[ "$failed" = 0 ] || { echo "some runs failed" >&2; exit 1; }

python3 - "$out" $order <<'PY'
import json, sys, os
out, mixes = sys.argv[1], sys.argv[2:]
oracle = json.load(open(os.path.join(out, "data", "oracle.json")))["R@1"]
print("| loss mix | test R@1 | %% of the oracle (%.2f) | test mAP | val R@1 (best) | steps | wall time per run |" % oracle)
print("|---|---|---|---|---|---|---|")
for mix in mixes:
    r1, ap, val, wall, steps = [], [], [], [], []
    for d in sorted(os.listdir(out)):
        if not d.startswith(mix + "-s") or not os.path.isdir(os.path.join(out, d)):
            continue
        m = json.load(open(os.path.join(out, d, "metrics.json")))
        r1.append(m["test"]["R@1"]); ap.append(m["test"]["mAP"])
        val.append(max(v["R@1"] for v in m["validation"]))
        wall.append(float(open(os.path.join(out, d, "wall_seconds")).read()))
        steps.append(max((i["iteration"] for i in m.get("iterations", [])), default=0) + 1)
    if not r1:
        continue
    f = lambda xs: "%.1f ± %.1f" % (sum(xs) / len(xs), (max(xs) - min(xs)) / 2)
    print("| %s | %s | %s | %s | %s | %d–%d | %.0f s |" % (mix, f(r1), f([100 * x / oracle for x in r1]),
          f(ap), f(val), min(steps), max(steps), sum(wall) / len(wall)))
print("\n(%d seeds per mix; ± is half the range)" % len(r1))
PY
