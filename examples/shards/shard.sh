#!/usr/bin/env bash
# shard.sh: one shard of a search, as every example here runs it (GitHub Actions matrix,
# Kubernetes Indexed Job, Slurm job array, GNU parallel): the engine gives the index, this runs
# `interleave run --shard INDEX/COUNT` and writes its JSON report for `interleave merge`.
#
#   examples/shards/shard.sh INDEX COUNT OUTDIR [run's flags and scenario files...]
#   parallel examples/shards/shard.sh {} 4 out scenarios/*.scn --iterations 100000 ::: 0 1 2 3
#   interleave merge out/shard-*.json
#
# A shard that found something has still done its part (exit 0): the merged report decides. Bad
# input (2), the watchdog (3) and a stop signal (128 + N) are passed on. INTERLEAVE names the
# command if it is not on PATH.
set -euo pipefail

if (($# < 4)); then
  echo "usage: $0 INDEX COUNT OUTDIR [run's flags] FILE..." >&2
  exit 2
fi
index=$1 count=$2 out=$3
shift 3
mkdir -p "$out"
status=0
"${INTERLEAVE:-interleave}" run "$@" --shard "$index/$count" --json --output "$out/shard-$index.json" || status=$?
case $status in
  0 | 1 | 4) exit 0 ;;  # the report is written: no finding, findings, or the time limit
  *) exit "$status" ;;
esac
