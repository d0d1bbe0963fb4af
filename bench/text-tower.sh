#!/usr/bin/env bash
# The pretrained text tower's effect (issue 18): the quickstart with the word path and with the
# frozen all-MiniLM-L6-v2 tower (model.text.encoder=minilm-l6), on both synthetic worlds and several
# seeds, one run at a time (bench/quickstart-seeds.sh does the runs), then `tbps probe` on every
# model. Prints Markdown tables: R@1 / oracle per encoder and world (mean ± half-range), the median
# training step time per encoder (the tower's steps read cached features instead of running the
# word path; steps are counted as bench/quickstart-seeds.sh does, from the every-10th-step log), the time spent filling the feature cache, and the probe accuracy per attribute on the
# caption and image side. Run it on an otherwise idle machine: the quickstart trains for a time
# budget, so a loaded machine trains fewer steps.
#
#   bench/text-tower.sh [OUT_DIR] [WORLDS] [SEEDS] [MINUTES] [ENCODERS] [-- extra quickstart options]
#
# Defaults: OUT_DIR=bench-out/text-tower, WORLDS="studio street", SEEDS="1 2 3", MINUTES=5,
# ENCODERS="words minilm-l6". Finished runs are not run again (delete OUT_DIR/<encoder>/<world>-s<seed>
# to redo one). The tower's head is model.text.head (cnn-attention unless given after --, e.g.
# `-- --set model.text.head=mean-mlp`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench-out/text-tower}"
worlds="${2:-studio street}"
seeds="${3:-1 2 3}"
minutes="${4:-5}"
encoders="${5:-words minilm-l6}"
shift $(($# < 5 ? $# : 5))
if [ "${1:-}" = "--" ]; then shift; fi
mkdir -p "$out"
for enc in $encoders; do
  "$root/bench/quickstart-seeds.sh" "$out/$enc" "$worlds" "$seeds" "$minutes" -- \
    --set "model.text.encoder=$enc" "$@" >"$out/$enc.md"
  for w in $worlds; do
    for s in $seeds; do
      run="$out/$enc/$w-s$s"
      if [ ! -f "$run/probe.json" ]; then
        TBPS_JAR="$out/$enc/jar/tbps.jar" "$root/tbps" probe --model "$run/run/model.zip" \
          --data "$run/data" --json >"$run/probe.json.tmp" 2>"$run/probe.log"
        mv "$run/probe.json.tmp" "$run/probe.json"
      fi
    done
  done
done
PYTHONPATH="$root/bench" python3 - "$out" "$worlds" "$seeds" "$encoders" <<'PY'
import json, os, re, statistics, sys
import probe_table
out, worlds, seeds, encoders = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
def run_dir(e, w, s):
    return os.path.join(out, e, f"{w}-s{s}")
print("| encoder | world | R@1 / oracle, mean ± half-range (%) | test R@1 per seed | steps per seed | median step s | feature cache s |")
print("|---|---|---|---|---|---|---|")
for e in encoders:
    for w in worlds:
        fr, r1, steps, step_s, cache_s = [], [], [], [], []
        for s in seeds:
            d = run_dir(e, w, s)
            m = json.load(open(os.path.join(d, "metrics.json")))
            h = json.load(open(os.path.join(d, "run", "metrics.json")))
            its = h.get("iterations", [])
            fr.append(100 * m["R@1_fraction_of_oracle"])
            r1.append(f"{m['R@1']:.1f}")
            steps.append(str(max((i["iteration"] for i in its), default=0) + 1))
            step_s += [i["seconds"] for i in its[1:]]  # the first step builds the graph
            log = open(os.path.join(out, e, f"{w}-s{s}.log"), errors="replace").read()
            c = re.findall(r"text features \([^)]*\): (\d+)/(\d+) captions, ([0-9.]+) s", log)
            cache_s.append(float(c[-1][2]) if c else 0.0)
        med = statistics.median(step_s) if step_s else float("nan")
        print(f"| {e} | {w} | {statistics.mean(fr):.1f} ± {(max(fr) - min(fr)) / 2:.1f} | "
              f"{', '.join(r1)} | {', '.join(steps)} | {med:.3f} | {statistics.mean(cache_s):.0f} |")
print()
print("Linear probes (fitted on train, evaluated on val), mean accuracy over seeds in %, majority baseline in brackets:")
print()
def probe(e, key):
    return os.path.join(run_dir(e, *key), "probe.json")
# one attribute order for every world's table
attrs = probe_table.attributes(encoders, [(w, s) for w in worlds for s in seeds], probe)
for w in worlds:
    print(f"**{w}**")
    print()
    probe_table.print_table(encoders, [(w, s) for s in seeds], probe, attrs)
    print()
PY
