#!/usr/bin/env bash
# The PyTorch twin of the quickstart (issue 16) on the very datasets bench/quickstart-seeds.sh drew:
# for each (world, seed) it trains `bench/torch_peer.py --mode accuracy --arch tiny` (the tiny
# preset's network written the way PyTorch users write it: nn.Embedding, fused BatchNorm, AdamW) with
# the quickstart's recipe (loss mix, Adam at its peak learning rate, warm-up over 3 % of the budget and cosine to 0 at its
# end) for the same minutes, evaluates the test split after 1 and 2 minutes and at the end, and
# prints a Markdown table next to the quickstart's results. One run at a time, idle machine.
#
#   bench/twin-seeds.sh [QUICKSTART_OUT] [WORLDS] [SEEDS] [MINUTES] [THREADS]
#
# Defaults: QUICKSTART_OUT=bench-out/quickstart-seeds (run bench/quickstart-seeds.sh first: its
# <world>-s<seed>/data folders are the datasets), WORLDS="studio street", SEEDS="1 2 3", MINUTES=5,
# THREADS=2. Results go to QUICKSTART_OUT/twin/<world>-s<seed>.json; finished ones are kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qs="${1:-$root/bench-out/quickstart-seeds}"
worlds="${2:-studio street}"
seeds="${3:-1 2 3}"
minutes="${4:-5}"
threads="${5:-2}"
mkdir -p "$qs/twin"
# the quickstart's peak learning rate (the twin's schedule and loss mix are the quickstart's)
lr=$(sed -n 's/^optimizer:.*[{ ,]lr: *\([0-9.eE+-]*\).*/\1/p' "$root/configs/quickstart.yaml")
[ -n "$lr" ] || { echo "no optimizer lr in configs/quickstart.yaml" >&2; exit 2; }
for w in $worlds; do
  for s in $seeds; do
    data="$qs/$w-s$s/data"
    res="$qs/twin/$w-s$s.json"
    [ -f "$data/reid_raw.json" ] || { echo "no dataset at $data: run bench/quickstart-seeds.sh first" >&2; exit 2; }
    [ -s "$res" ] && continue
    echo "== twin, world $w, seed $s ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))" >&2
    /usr/bin/python3 "$root/bench/torch_peer.py" --mode accuracy --arch tiny --data "$data" \
      --seed "$s" --lr "$lr" --schedule time --minutes "$minutes" --curve 1,2 --threads "$threads" \
      >"$res.tmp" 2>"$qs/twin/$w-s$s.log" || { echo "failed: see $qs/twin/$w-s$s.log" >&2; exit 1; }
    mv "$res.tmp" "$res"
  done
done
python3 - "$qs" "$worlds" "$seeds" <<'PY'
import json, os, sys
qs, worlds, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
print("| world | seed | twin steps | twin R@1 after 1 / 2 min | twin R@1 end (% of oracle) | TBPS4J steps | TBPS4J R@1 (% of oracle) |")
print("|---|---|---|---|---|---|---|")
agg = {}
for w in worlds:
    for s in seeds:
        t = json.load(open(os.path.join(qs, "twin", f"{w}-s{s}.json")))
        oracle = t["data"]["oracle_R@1"]
        pts = {round(p["minutes"]): p["R@1"] for p in t["curve"] if p.get("minutes") is not None}
        tf = 100 * t["final"]["R@1"] / oracle
        m = json.load(open(os.path.join(qs, f"{w}-s{s}", "metrics.json")))
        h = json.load(open(os.path.join(qs, f"{w}-s{s}", "run", "metrics.json")))
        steps = max((e["iteration"] for e in h.get("iterations", [])), default=0) + 1
        of = 100 * m["R@1_fraction_of_oracle"]
        agg.setdefault(w, []).append((tf, of))
        print(f"| {w} | {s} | {t['steps']} | {pts.get(1, float('nan')):.1f} / {pts.get(2, float('nan')):.1f} | "
              f"{t['final']['R@1']:.2f} ({tf:.1f}) | {steps} | {m['R@1']:.2f} ({of:.1f}) |")
print()
print("| world | twin, % of oracle (mean ± half-range) | TBPS4J, % of oracle (mean ± half-range) |")
print("|---|---|---|")
for w, v in agg.items():
    t = [a for a, _ in v]; o = [b for _, b in v]
    print(f"| {w} | {sum(t)/len(t):.1f} ± {(max(t)-min(t))/2:.1f} | {sum(o)/len(o):.1f} ± {(max(o)-min(o))/2:.1f} |")
PY
