#!/usr/bin/env bash
# Runs the SameDiff executor harness (tbps-train test class org.tbps4j.train.exec.ExecutorHarness)
# on the quickstart network, from the repository root. See docs/samediff-executor.md.
#
#   bench/executor-harness.sh ab 12 3            # stock fit vs FastExecution, alternating, 12 rounds x 3 steps
#   bench/executor-harness.sh breakdown 8 3      # CPU per executor section for each variant
#   bench/executor-harness.sh jfr stock 12 /tmp/stock.jfr && bench/jfr_executor.py /tmp/stock.jfr
#   bench/executor-harness.sh rss fast 30        # peak RSS after 30 steps (one variant per JVM)
#   bench/executor-harness.sh counts             # graph sizes and requested outputs per step
#
# Threads: OMP_NUM_THREADS (default 1 here: the op time is then on the measured thread).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -o -pl tbps-eval,tbps-data,tbps-loss,tbps-model,tbps-train test-compile -Dspotless.check.skip=true
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
mvn -B -q -o -pl tbps-train dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null
# this checkout's modules, not the SNAPSHOTs another checkout may have installed
ext="$(tr ':' '\n' < "$cpfile" | grep -v '/org/tbps4j/' | paste -sd:)"
cp="tbps-train/target/test-classes:tbps-train/target/classes:tbps-model/target/classes"
cp="$cp:tbps-loss/target/classes:tbps-data/target/classes:tbps-eval/target/classes:$ext"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=6G -Dorg.bytedeco.javacpp.maxphysicalbytes=10G \
  ${HARNESS_JAVA_OPTS:-} -cp "$cp" org.tbps4j.train.exec.ExecutorHarness "$@"
