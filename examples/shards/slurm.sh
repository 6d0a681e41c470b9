#!/usr/bin/env bash
# A Slurm job array: each array task runs one shard; submit it, then the merge once all are done:
#
#   jobid=$(sbatch --parsable examples/shards/slurm.sh scenarios/*.scn --iterations 1000000)
#   sbatch --dependency=afterany:$jobid --output=report.txt --wrap 'interleave merge results/shard-*.json'
#
# The array's size is the number of shards (--array=0-7: eight); Slurm numbers the tasks from 0,
# as --shard does. Run from the directory that holds the scenarios (a shared file system); the
# reports go to results/ (RESULTS=DIR for another). Slurm runs a copy of this script, so shard.sh
# is found from the directory sbatch was run in (SLURM_SUBMIT_DIR): submit from the repository.
#SBATCH --job-name=interleave-shards
#SBATCH --array=0-7
#SBATCH --cpus-per-task=1
#SBATCH --time=02:00:00
#SBATCH --output=results/slurm-%A_%a.out
set -euo pipefail
exec "${SLURM_SUBMIT_DIR:-.}/examples/shards/shard.sh" "$SLURM_ARRAY_TASK_ID" "$SLURM_ARRAY_TASK_COUNT" "${RESULTS:-results}" "$@"
