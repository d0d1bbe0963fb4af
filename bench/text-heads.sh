#!/usr/bin/env bash
# Fixed-step comparison of the caption readers (issue 18): the quickstart recipe (configs/
# quickstart.yaml) trained for a fixed number of epochs, not a time budget, with the word path and
# with the MiniLM tower under each head (cnn-attention, mean-mlp), on one synthetic world. Accuracy
# only: the step count does not depend on the machine's load, so it may run beside other work (one
# ONNX Runtime and one ND4J thread, niced). Prints a Markdown table: test R@1, R@1 / oracle, mAP,
# steps, median step seconds (wall; meaningful only on an idle machine) and feature-cache seconds.
#
#   bench/text-heads.sh [OUT_DIR] [WORLD] [SEED] [IDS] [EPOCHS] [VARIANTS]
#
# Defaults: OUT_DIR=bench-out/text-heads, WORLD=studio, SEED=1, IDS=200, EPOCHS=12,
# VARIANTS="words minilm-l6:cnn-attention minilm-l6:mean-mlp". A variant already run (its
# run/model.zip exists) is not run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench-out/text-heads}"
world="${2:-studio}"
seed="${3:-1}"
ids="${4:-200}"
epochs="${5:-12}"
variants="${6:-words minilm-l6:cnn-attention minilm-l6:mean-mlp}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$out"
data="$out/data-$world-$ids-s$seed"
if [ ! -f "$data/reid_raw.json" ]; then
  nice -n 19 "$root/tbps" synth --out "$data" --ids "$ids" --size 64x32 --seed "$seed" \
    --world "$world" --threads 1 >/dev/null
fi
for v in $variants; do
  enc="${v%%:*}"
  head="${v#*:}"
  [ "$head" = "$v" ] && head=cnn-attention
  run="$out/$world-s$seed-${v/:/-}"
  if [ -f "$run/model.zip" ]; then
    continue
  fi
  rm -rf "$run"
  echo "== $v on $world, seed $seed ($(date -u +%H:%M:%S) UTC)" >&2
  nice -n 19 "$root/tbps" train --config "$root/configs/quickstart.yaml" --out "$run" \
    --set "data.root=$data" --set "seed=$seed" --set "stages=[{name: joint, epochs: $epochs}]" \
    --set "eval.interval_epochs=$epochs" --set "data.workers=1" \
    --set "model.text.encoder=$enc" --set "model.text.head=$head" >"$run.log" 2>&1 \
    || { echo "run $run failed, see $run.log" >&2; exit 1; }
done
python3 - "$out" "$world" "$seed" "$data" "$variants" <<'PY'
import json, os, re, statistics, sys
out, world, seed, data, variants = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split()
oracle = json.load(open(os.path.join(data, "oracle.json")))["R@1"]
print(f"{world} world, seed {seed}, oracle R@1 {oracle:.2f}")
print()
print("| text | test R@1 | R@1 / oracle (%) | mAP | steps | median step s | feature cache s |")
print("|---|---|---|---|---|---|---|")
for v in variants:
    run = os.path.join(out, f"{world}-s{seed}-{v.replace(':', '-')}")
    h = json.load(open(os.path.join(run, "metrics.json")))
    its = h.get("iterations", [])
    t = h["test"]
    med = statistics.median([i["seconds"] for i in its[1:]]) if len(its) > 1 else float("nan")
    log = open(run + ".log", errors="replace").read()
    c = re.findall(r"text features \([^)]*\): (\d+)/(\d+) captions, ([0-9.]+) s", log)
    cache = float(c[-1][2]) if c else 0.0
    steps = t.get("selected_iteration") or (max((i["iteration"] for i in its), default=-1) + 1)
    print(f"| {v} | {t['R@1']:.2f} | {100 * t['R@1'] / oracle:.1f} | {t['mAP']:.2f} | {steps} | {med:.3f} | {cache:.0f} |")
PY
