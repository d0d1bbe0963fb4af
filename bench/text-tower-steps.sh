#!/usr/bin/env bash
# The pretrained text tower's effect at a fixed step count (issue 18): the quickstart recipe with the
# word path and with the frozen all-MiniLM-L6-v2 tower (both heads), 13 epochs each (about the 1,300
# steps the word path fits in the quickstart's 5 minutes on an idle machine), on every dataset given
# (each a differently drawn `tbps synth` world: the seeds of the comparison), through
# bench/recipe-screen.sh with the candidates of bench/recipes/text-tower-13.txt; then `tbps probe` on
# every model. A fixed step count makes the accuracy independent of how busy the machine is, so this
# may run beside other work (JOBS=2 trains two runs at once, one thread each). The time-budget form
# (each encoder gets the steps it fits in 5 minutes) is bench/text-tower.sh, which needs an idle
# machine; the steps each encoder fits in the budget are in BENCHMARKS.md.
#
#   [JOBS=N] bench/text-tower-steps.sh OUT_DIR "DATA_DIR..."
#
# Prints recipe-screen's table (test R@1 as % of each dataset's oracle per candidate), then per world
# (the part of the dataset path before "-s<seed>") the probe accuracy per attribute on the caption and
# the image side, mean over the datasets, majority baseline in brackets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"; datas="$2"
cands="$root/bench/recipes/text-tower-13.txt"
"$root/bench/recipe-screen.sh" "$out" "$root/configs/quickstart.yaml" "$cands" "$datas" "1"
export TBPS_JAR="$out/jar/tbps.jar"
names=$(grep -v '^#' "$cands" | cut -d'|' -f1 | tr '\n' ' ')
for n in $names; do
  for d in $datas; do
    run="$out/$n/$(basename "$(dirname "$d")")-$(basename "$d")-s1"
    if [ ! -s "$run/probe.json" ]; then
      "$root/tbps" probe --model "$run/model.zip" --data "$d" --json >"$run/probe.json.tmp" \
        2>"$run/probe.log" || { echo "probe of $run failed, see $run/probe.log" >&2; exit 1; }
      mv "$run/probe.json.tmp" "$run/probe.json"
    fi
  done
done
echo
PYTHONPATH="$root/bench" python3 - "$out" "$datas" $names <<'PY'
import os, re, sys
import probe_table
out, datas, names = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
def run_dir(n, d):
    return os.path.join(out, n, f"{os.path.basename(os.path.dirname(d))}-{os.path.basename(d)}-s1")
worlds = {}
for d in datas:
    w = re.sub(r"-s\d+$", "", os.path.basename(os.path.dirname(d)))
    worlds.setdefault(w, []).append(d)
print("Linear probes (fitted on train, evaluated on val), mean accuracy over the datasets in %,"
      " majority baseline in brackets:")
print()
def probe(n, d):
    return os.path.join(run_dir(n, d), "probe.json")
for w, ds in worlds.items():
    print(f"**{w}** ({len(ds)} datasets)")
    print()
    probe_table.print_table(names, ds, probe, probe_table.attributes(names, ds, probe))
    print()
PY
