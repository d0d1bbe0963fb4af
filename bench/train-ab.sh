#!/usr/bin/env bash
# Before/after of one change on the training step: `tbps bench train` with two command-line jars, run
# in turn A B A B ... (pairing keeps the ratio meaningful when the machine's speed drifts), then the
# median images/s of each and the median of the paired ratios B/A. Idle machine, one thing at a time.
#
#   bench/train-ab.sh JAR_A JAR_B OUT_DIR ROUNDS [bench train options...]
#
# e.g. a jar of an older commit:  git worktree add /tmp/before <commit> && (cd /tmp/before && ./tbps --version)
#   bench/train-ab.sh /tmp/before/tbps-cli/target/tbps.jar tbps-cli/target/tbps.jar bench-out/ab 5 \
#     --presets tiny --batches 64 --image 64x32 --steps 10 --repeats 5
# The jars are copied (with their lib/) into OUT_DIR first, so rebuilding either tree changes nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 4 ] || { echo "usage: bench/train-ab.sh JAR_A JAR_B OUT_DIR ROUNDS [bench train options...]" >&2; exit 2; }
a="$1"; b="$2"; out="$3"; rounds="$4"; shift 4
case "$rounds" in '' | *[!0-9]*) echo "ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2 ;; esac
for j in "$a" "$b"; do
  [ -f "$j" ] && [ -d "$(dirname "$j")/lib" ] || { echo "no jar with its lib/ at $j" >&2; exit 2; }
done
mkdir -p "$out"
for side in A B; do
  src="$a"; [ "$side" = B ] && src="$b"
  if [ ! -f "$out/jar-$side/tbps.jar" ]; then
    rm -rf "$out/jar-$side.tmp" && mkdir -p "$out/jar-$side.tmp"
    cp -r "$src" "$(dirname "$src")/lib" "$out/jar-$side.tmp/"
    mv "$out/jar-$side.tmp" "$out/jar-$side"
  fi
done
for r in $(seq 1 "$rounds"); do
  for side in A B; do
    res="$out/$side-$r.json"
    [ -s "$res" ] && continue
    echo "== round $r, $side ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))" >&2
    TBPS_JAR="$out/jar-$side/tbps.jar" "$root/tbps" bench train "$@" >"$res.tmp" 2>"$out/$side-$r.log" \
      || { echo "failed: see $out/$side-$r.log" >&2; exit 1; }
    mv "$res.tmp" "$res"
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, os, statistics as st, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rate(side, r):
    return json.load(open(os.path.join(out, f"{side}-{r}.json")))["results"][0]["train_images_per_second"]
A = [rate("A", r) for r in range(1, rounds + 1)]
B = [rate("B", r) for r in range(1, rounds + 1)]
ratios = [b / a for a, b in zip(A, B)]
print(f"A img/s median {st.median(A):.1f} (runs {', '.join(f'{x:.0f}' for x in A)})")
print(f"B img/s median {st.median(B):.1f} (runs {', '.join(f'{x:.0f}' for x in B)})")
print(f"B/A paired: median {st.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
PY
