#!/usr/bin/env python3
"""Prints the Surefire totals of every module and consumer project (target/surefire-reports/TEST-*.xml)."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
rows = []
for module in sorted(glob.glob("*/target/surefire-reports")) + sorted(
        glob.glob("tbps-examples/consumer/*/target/surefire-reports")):
    m = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for f in glob.glob(os.path.join(module, "TEST-*.xml")):
        root = ET.parse(f).getroot()
        for k in ("tests", "failures", "errors", "skipped"):
            m[k] += int(root.get(k, 0))
        m["time"] += float(root.get("time", 0) or 0)
    rows.append((module[: -len("/target/surefire-reports")], m))
    for k in totals:
        totals[k] += m[k]
for name, m in rows:
    print(f"{name:30s} tests {m['tests']:4d}  failures {m['failures']}  errors {m['errors']}"
          f"  skipped {m['skipped']}  ({m['time']:.0f} s)")
print(f"Tests run: {totals['tests']}, Failures: {totals['failures']}, "
      f"Errors: {totals['errors']}, Skipped: {totals['skipped']}")
sys.exit(0)
