#!/usr/bin/env python3
"""first_finding: executions to the first finding of each scenario, under two searches.

Usage: bench/first_finding.py OLD_CMD NEW_CMD [SCENARIO...]
  OLD_CMD, NEW_CMD: an `interleave` command with its options, as one word each, for example
    "build-old/cli/interleave run --strategy random" "build/cli/interleave run"
Runs each scenario (default: scenarios/**/*.scn that expect a failure) under both with
--keep-going --iterations 10000 --json --no-timing, and prints, for each finding kind, the
execution that first showed it under each ("-": not found within the budget). Executions are
counted, not timed, so the figures are the same on every machine.
"""
import glob
import json
import shlex
import subprocess
import sys


def first_findings(command, scenario):
    args = shlex.split(command) + [scenario, "--keep-going", "--iterations", "10000", "--json", "--no-timing"]
    out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    results = json.loads(out)["results"] if out else []
    if not results:  # the command refused the file (an older one, say, that knows fewer outcomes)
        return None, {}
    result = results[0]
    first = {}
    for f in result["failures"]:
        first[f["kind"]] = min(first.get(f["kind"], f["execution"]), f["execution"])
    return result["expected"], first


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    scenarios = sys.argv[3:] or sorted(glob.glob("scenarios/**/*.scn", recursive=True))
    print(f"{'scenario':42} {'finding':18} {'old':>6} {'new':>6}")
    for s in scenarios:
        old_expected, old_first = first_findings(old, s)
        expected, new_first = first_findings(new, s)
        if (expected or old_expected) == ["ok"]:
            continue
        for kind in sorted(set(old_first) | set(new_first)):
            print(f"{s:42} {kind:18} {old_first.get(kind, '-'):>6} {new_first.get(kind, '-'):>6}")


if __name__ == "__main__":
    main()
