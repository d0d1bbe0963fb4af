#!/usr/bin/env bash
# The index and its queries on two JDKs, one after the other in one command: the default `java`
# (Java 17: Lucene's scalar distance loops) and the JDK named by TBPS_JAVA (Java 21 or newer: the
# launcher lets Lucene use the JDK's vector API, SIMD distances). Prints build and query rates side
# by side and their ratio; the two JSON reports are kept in OUT.
#
#   TBPS_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/index-jdk.sh OUT [bench index args...]
#
# Default arguments: 100,000 clustered vectors of D = 256, the index defaults, ef 50/150/400, no
# image embedding. Run it on an idle machine: the two runs are compared with each other.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ] || [ -z "${TBPS_JAVA:-}" ]; then
  echo "usage: TBPS_JAVA=/path/to/java21+/bin/java $0 OUT [tbps bench index args...]" >&2
  exit 2
fi
out="$1"
shift
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--vectors 100000 --dim 256 --distribution clustered --queries 500 --recall-queries 200
    --ef 50,150,400 --embed-images 0)
fi
mkdir -p "$out"
other="$TBPS_JAVA"
for run in default vector; do
  if [ "$run" = default ]; then
    unset TBPS_JAVA
  else
    export TBPS_JAVA="$other"
  fi
  echo "== $run: ${TBPS_JAVA:-java} ($(date -u +%FT%TZ))" >&2
  "$root/tbps" bench index "${args[@]}" >"$out/$run.json" 2>"$out/$run.err" || {
    tail -n 20 "$out/$run.err" >&2
    exit 1
  }
done
python3 - "$out" <<'EOF'
import json, sys
out = sys.argv[1]
rep = {}
for run in ("default", "vector"):
    text = open(f"{out}/{run}.json").read()
    rep[run] = json.loads(text[text.index("{"):])
d, v = rep["default"], rep["vector"]
print(f"{'':34} {'default java':>14} {'vector API':>14} {'ratio':>7}")
def row(name, a, b, higher_better=True):
    r = (b / a) if higher_better else (a / b)
    print(f"{name:34} {a:14.2f} {b:14.2f} {r:6.2f}x")
row("build vectors/s", d["build"]["vectors_per_s"], v["build"]["vectors_per_s"])
row("exact q/s (threads)", d["queries"]["exact"]["throughput_qps"], v["queries"]["exact"]["throughput_qps"])
for hd, hv in zip(d["queries"]["hnsw"], v["queries"]["hnsw"]):
    ef = hd["ef"]
    row(f"HNSW ef {ef} q/s", hd["throughput_qps"], hv["throughput_qps"])
    row(f"HNSW ef {ef} p95 ms (speed-up)", hd["p95_ms"], hv["p95_ms"], higher_better=False)
    print(f"{'  recall@k vs exact':34} {hd['recall_at_k_vs_exact']:14.3f} {hv['recall_at_k_vs_exact']:14.3f}")
if "build_end_to_end" in d and "build_end_to_end" in v:
    row("end to end images/s", d["build_end_to_end"]["images_per_s"], v["build_end_to_end"]["images_per_s"])
for run in ("clean", "with_garbage"):
    if "serve" in d and run in d["serve"] and "serve" in v and run in v["serve"]:
        sd, sv = d["serve"][run], v["serve"][run]
        row(f"serve {run} requests/s", sd["requests_per_s"], sv["requests_per_s"])
        for p in ("p50_ms", "p95_ms", "p99_ms"):
            row(f"serve {run} {p} (speed-up)", sd[p], sv[p], higher_better=False)
        print(f"{'  errors / dropped':34} {sd['good_errors']:>7} / {sd['dropped']:<5} {sv['good_errors']:>7} / {sv['dropped']:<5}")
EOF
