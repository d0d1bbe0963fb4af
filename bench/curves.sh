#!/usr/bin/env bash
# Time-to-accuracy curves (issue 16): test R@1 as % of the oracle after a training budget of M minutes,
# for the new quickstart recipe (configs/quickstart.yaml), the old one (bench/recipes/quickstart-v1.yaml)
# and the PyTorch twin of the new one (bench/torch_peer.py --mode accuracy --arch tiny; "twin" keeps
# its last model, "twin-best" its best on the val split, checked as often as the TBPS4J trainer
# checks it: every eval.interval_epochs of configs/quickstart.yaml and at the end), on the very
# datasets bench/quickstart-seeds.sh drew; for the shares of design and recipe, the two crossings
# "new-network" (the new network, the old recipe) and "new-recipe" (the old network, the new recipe).
# Each point is its own run with that budget (the new recipe and the twin warm up and decay over it,
# so every point is annealed); both trainers count training time only (TBPS4J: `tbps train
# --max-minutes`, clock from the first step; the twin: its training clock), validation and the final
# test evaluation are outside. One run at a time, idle machine.
#
#   bench/curves.sh QUICKSTART_OUT OUT_DIR "WORLDS" "SEEDS" "MINUTES" "SYSTEMS"
#
# e.g. bench/curves.sh bench-out/qs bench-out/curves "studio street" "1 2 3" "1 2" "new twin old".
# Finished points are kept (OUT_DIR/<system>-<M>min/<world>-s<seed>.json, with the commit of the jar
# that trained it or PyTorch's version, and the date), so a later session continues where one stopped:
# bench/results/curves keeps them in the repository (its jar/, logs and runs are ignored there).
# Prints one Markdown table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qs="$1"; out="$2"; worlds="$3"; seeds="$4"; budgets="$5"; systems="$6"
mkdir -p "$out"
# shellcheck source=jar-snapshot.sh
. "$root/bench/jar-snapshot.sh"
snapshot_jar "$root" "$out" "$root/configs/quickstart.yaml" "$root/bench/recipes/quickstart-v1.yaml" \
  "$root/bench/recipes/shares-new-network-old-recipe.yaml" "$root/bench/recipes/shares-old-network-new-recipe.yaml"
# the config each TBPS4J system trains (copied into the jar snapshot above; the twins are PyTorch's)
config_of() {
  case "$1" in
    new) echo quickstart.yaml ;;
    old) echo quickstart-v1.yaml ;;
    new-network) echo shares-new-network-old-recipe.yaml ;;
    new-recipe) echo shares-old-network-new-recipe.yaml ;;
    *) return 1 ;;
  esac
}
for sys in $systems; do
  case "$sys" in twin | twin-best) continue ;; esac
  config_of "$sys" >/dev/null \
    || { echo "unknown system $sys (new, old, twin, twin-best, new-network, new-recipe)" >&2; exit 2; }
done
# the twin trains with the new recipe's peak learning rate
lr=$(sed -n 's/^optimizer:.*[{ ,]lr: *\([0-9.eE+-]*\).*/\1/p' "$out/jar/quickstart.yaml")
[ -n "$lr" ] || { echo "no optimizer lr in $out/jar/quickstart.yaml" >&2; exit 2; }
# and twin-best checks val as often as the new recipe's trainer does
every=$(sed -n 's/^eval:.*[{ ,]interval_epochs: *\([0-9]*\).*/\1/p' "$out/jar/quickstart.yaml")
[ -n "$every" ] || { echo "no eval interval_epochs in $out/jar/quickstart.yaml" >&2; exit 2; }
for m in $budgets; do
  for sys in $systems; do
    for w in $worlds; do
      for s in $seeds; do
        data="$qs/$w-s$s/data"
        res="$out/$sys-${m}min/$w-s$s.json"
        [ -f "$data/oracle.json" ] || { echo "no dataset at $data" >&2; exit 2; }
        [ -s "$res" ] && continue
        mkdir -p "$(dirname "$res")"
        echo "== $sys, $m min, world $w, seed $s ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))" >&2
        log="${res%.json}.log"
        if [ "$sys" = twin ] || [ "$sys" = twin-best ]; then
          select=0; [ "$sys" = twin ] || select=$every
          /usr/bin/python3 "$root/bench/torch_peer.py" --mode accuracy --arch tiny --data "$data" \
            --seed "$s" --lr "$lr" --schedule time --minutes "$m" --threads 2 --select-every "$select" \
            >"$res.tmp" 2>"$log" \
            || { echo "failed: see $log" >&2; exit 1; }
          /usr/bin/python3 - "$res.tmp" <<'PY'
import datetime, json, sys
import torch
t = json.load(open(sys.argv[1]))
json.dump({"R@1": t["final"]["R@1"], "oracle_R@1": t["data"]["oracle_R@1"], "steps": t["steps"],
           "train_seconds": t["train_seconds"], "torch": torch.__version__,
           **({"selected_steps": t["selection"]["selected"]["steps"]} if t.get("selection") else {}),
           "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%MZ")}, open(sys.argv[1], "w"))
PY
        else
          cfg="$out/jar/$(config_of "$sys")"
          [ -f "$cfg" ] || { echo "$cfg is missing: the jar copy predates it (delete $out/jar)" >&2; exit 2; }
          run="${res%.json}.run"; rm -rf "$run"
          "$root/tbps" train --config "$cfg" --out "$run" --max-minutes "$m" \
            --set "data.root=$data" --set "seed=$s" >"$log" 2>&1 || { echo "failed: see $log" >&2; exit 1; }
          python3 - "$run" "$data" "$res.tmp" <<'PY'
import datetime, json, os, sys
run, data, res = sys.argv[1:]
m = json.load(open(os.path.join(run, "metrics.json")))
steps = max((e["iteration"] for e in m.get("iterations", [])), default=0) + 1
oracle = json.load(open(os.path.join(data, "oracle.json")))["R@1"]
commit = open(os.path.join(os.path.dirname(os.environ["TBPS_JAR"]), "COMMIT")).read().strip()
json.dump({"R@1": m["test"]["R@1"], "oracle_R@1": oracle, "steps": steps, "commit": commit,
           "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%MZ")}, open(res, "w"))
PY
          rm -rf "$run/checkpoints"
        fi
        mv "$res.tmp" "$res"
      done
    done
  done
done
python3 - "$out" "$worlds" "$seeds" "$budgets" "$systems" <<'PY'
import json, os, sys
out, worlds, seeds, budgets, systems = sys.argv[1], *[a.split() for a in sys.argv[2:]]
print("| minutes | world | " + " | ".join(f"{s}: % of oracle (mean ± half-range), steps" for s in systems) + " |")
print("|---|---|" + "---|" * len(systems))
for m in budgets:
    for w in worlds:
        cells = []
        for sys_ in systems:
            r = [json.load(open(os.path.join(out, f"{sys_}-{m}min", f"{w}-s{s}.json"))) for s in seeds]
            f = [100 * x["R@1"] / x["oracle_R@1"] for x in r]
            st = sum(x["steps"] for x in r) / len(r)
            cells.append(f"{sum(f)/len(f):.1f} ± {(max(f)-min(f))/2:.1f} ({st:.0f})")
        print(f"| {m} | {w} | " + " | ".join(cells) + " |")
PY
