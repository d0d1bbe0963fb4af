#!/usr/bin/env python3
"""Where the SameDiff executor's Java time goes, from a JDK Flight Recorder file.

Record with Java and native method sampling at the same period (the executor harness does this:
`ExecutorHarness jfr stock|fast <steps> <file.jfr>`, see docs/samediff-executor.md), then

    bench/jfr_executor.py recording.jfr [--thread main] [--top 25]

Over the samples of one thread it reports:
- the split between samples in Java code (jdk.ExecutionSample) and in native code
  (jdk.NativeMethodSample), and of the native ones, those inside an op kernel (Nd4jCpu.exec*);
- per executor method (the innermost org.nd4j.autodiff frame of each sample, "attributed to"),
  the Java and native samples below it;
- inclusive shares of a few known costs among the Java samples;
- the hottest Java leaf frames.
JFR's Java sampler drops samples under load, so read the Java numbers as shares of the Java
samples, and take step-time shares from CPU-time sections (the harness's `breakdown`).
"""
import argparse
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w.$<>]+)\(", re.M)
KERNEL = re.compile(r"Nd4jCpu\.exec")
EXECUTOR = re.compile(r"^org\.nd4j\.autodiff\.")
INCLUSIVE = [
    ("SameDiff.variableMap (copy of the variable table)", r"\.SameDiff\.variableMap$"),
    ("AbstractSession.initSubgraph", r"\.AbstractSession\.initSubgraph$"),
    ("VariableUtils.stripVarSuffix (regex)", r"\.VariableUtils\.stripVarSuffix$"),
    ("dependency tracker (AbstractDependencyTracker)", r"\.AbstractDependencyTracker\."),
    ("array-use tracker (HashDependencyTracker / DependencyMap)", r"memory\.DependencyMap\.|HashDependencyTracker"),
    ("InferenceSession.getAndParameterizeOp", r"\.InferenceSession\.getAndParameterizeOp$"),
    ("output shape (calculateOutputShape)", r"\.calculateOutputShape$"),
    ("array cache (ArrayCacheMemoryMgr)", r"\.ArrayCacheMemoryMgr\."),
    ("op context arguments (BaseOpContext.setArgs)", r"\.BaseOpContext\.setArgs$"),
    ("listener calls (opExecution / activationAvailable / preOpExecution)", r"\.(opExecution|activationAvailable|preOpExecution)$"),
    ("PatriciaTrie lookups (SameDiff variable table)", r"PatriciaTrie"),
    ("ND4J op dispatch (NativeOpExecutioner.exec, Java side)", r"NativeOpExecutioner\.exec$"),
    ("updater (GradientUpdater.applyUpdater)", r"\.applyUpdater$"),
]


def samples(jfr_file, thread):
    out = subprocess.run(
        ["jfr", "print", "--stack-depth", "64", "--events",
         "jdk.ExecutionSample,jdk.NativeMethodSample", jfr_file],
        check=True, capture_output=True, text=True).stdout
    for event in re.split(r"\n(?=jdk\.\w+ \{)", out):
        kind = re.match(r"\s*(jdk\.\w+)", event)
        t = re.search(r'sampledThread = "([^"]+)"', event)
        if not kind or not t or t.group(1) != thread:
            continue
        frames = FRAME.findall(event)
        if frames:
            yield kind.group(1) == "jdk.ExecutionSample", frames


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jfr")
    ap.add_argument("--thread", default="main")
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args()
    s = list(samples(a.jfr, a.thread))
    if not s:
        sys.exit(f"{a.jfr}: no samples of thread {a.thread}")
    java = [f for j, f in s if j]
    native = [f for j, f in s if not j]
    kernel = sum(1 for f in native if KERNEL.search(f[0]))
    print(f"thread {a.thread}: {len(s)} samples, {len(java)} Java, {len(native)} native "
          f"({kernel} in op kernels Nd4jCpu.exec*, {len(native) - kernel} other native calls)\n")

    by = collections.defaultdict(lambda: [0, 0])
    for j, f in s:
        if not j and KERNEL.search(f[0]):
            continue
        owner = next((x for x in f if EXECUTOR.search(x)), "(outside org.nd4j.autodiff)")
        by[owner][0 if j else 1] += 1
    print("| attributed to (innermost org.nd4j.autodiff frame) | Java samples | native samples (not kernels) |")
    print("|---|---|---|")
    for k, v in sorted(by.items(), key=lambda kv: -sum(kv[1]))[: a.top]:
        print(f"| `{k}` | {v[0]} | {v[1]} |")

    print(f"\n| inclusive, among the {len(java)} Java samples | samples | share |")
    print("|---|---|---|")
    for label, pat in INCLUSIVE:
        rx = re.compile(pat)
        c = sum(1 for f in java if any(rx.search(x) for x in f))
        print(f"| {label} | {c} | {100.0 * c / len(java):.0f}% |")

    print(f"\n| Java leaf frame | samples | share |")
    print("|---|---|---|")
    for frame, c in collections.Counter(f[0] for f in java).most_common(a.top):
        print(f"| `{frame}` | {c} | {100.0 * c / len(java):.0f}% |")


if __name__ == "__main__":
    main()
