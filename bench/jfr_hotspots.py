#!/usr/bin/env python3
"""Where the Java side of a TBPS4J run spends its time, from a JDK Flight Recorder file.

Record (any tbps command; the benchmark is the usual one):

    TBPS_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/tbps.jfr,settings=profile" \\
      OMP_NUM_THREADS=1 ./tbps bench train --presets tiny --batches 64 --image 64x32 ...

then

    bench/jfr_hotspots.py /tmp/tbps.jfr [--top 15]

It runs `jfr print --stack-depth 64 --events jdk.ExecutionSample` and reports, over the Java
execution samples (time inside native ND4J ops is not sampled here: those threads are in native
code), the share of samples whose stack contains each of a few SameDiff executor methods
(inclusive), and the most frequent top frames (self).
"""
import argparse
import collections
import re
import subprocess
import sys

# inclusive: a sample counts when any frame of its stack matches
# (label, regular expression searched in each frame's qualified method name)
MARKERS = [
    ("SameDiff.fit (whole training step, Java side)", r"\.SameDiff\.fit$"),
    ("AbstractSession.output (the executor)", r"\.AbstractSession\.output$"),
    ("dependency tracking (AbstractDependencyTracker)", r"\.AbstractDependencyTracker\."),
    ("InferenceSession.getAndParameterizeOp", r"\.InferenceSession\.getAndParameterizeOp$"),
    ("AbstractSession.initSubgraph", r"\.AbstractSession\.initSubgraph$"),
    ("SameDiff.variableMap (copies every variable)", r"\.SameDiff\.variableMap$"),
    ("VariableUtils.stripVarSuffix (regex)", r"\.VariableUtils\.stripVarSuffix$"),
    ("output shape calculation (native call)", r"\.calculateOutputShape$"),
    ("array cache (ArrayCacheMemoryMgr)", r"\.ArrayCacheMemoryMgr\."),
]

FRAME = re.compile(r"^\s+([\w.$<>]+)\(", re.M)


def samples(jfr_file):
    out = subprocess.run(
        ["jfr", "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample", jfr_file],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for event in out.split("jdk.ExecutionSample")[1:]:
        frames = FRAME.findall(event)
        if frames:
            yield frames


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jfr", help="a .jfr recording")
    ap.add_argument("--top", type=int, default=15, help="self frames listed (default 15)")
    a = ap.parse_args()
    stacks = list(samples(a.jfr))
    if not stacks:
        sys.exit(f"{a.jfr}: no jdk.ExecutionSample events (record with settings=profile)")
    n = len(stacks)
    print(f"{n} Java execution samples in {a.jfr}\n")
    print("| where (inclusive) | samples | share |")
    print("|---|---|---|")
    for label, marker in MARKERS:
        rx = re.compile(marker)
        c = sum(1 for s in stacks if any(rx.search(f) for f in s))
        print(f"| {label} | {c} | {100.0 * c / n:.0f}% |")
    print("\n| top frame (self) | samples | share |")
    print("|---|---|---|")
    for frame, c in collections.Counter(s[0] for s in stacks).most_common(a.top):
        print(f"| `{frame}` | {c} | {100.0 * c / n:.0f}% |")


if __name__ == "__main__":
    main()
