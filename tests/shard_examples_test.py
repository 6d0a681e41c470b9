#!/usr/bin/env python3
"""The shard examples (examples/shards/): each engine's index reaches shard.sh as --shard's K, the
shard counts agree, and shard.sh and slurm.sh, run as their engines run them, give reports that
`interleave merge` makes into the whole search's.  Usage: shard_examples_test.py INTERLEAVE SOURCE_DIR"""
import json, os, subprocess, sys, tempfile
import yaml

interleave, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])  # meson passes the command relative to the build directory
shards_dir = os.path.join(source, "examples", "shards")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def load(name):
    with open(os.path.join(shards_dir, name)) as f:
        return yaml.safe_load(f)


# GitHub Actions: the matrix lists 0..SHARDS-1, and the shard step passes the matrix index.
gha = load("github-actions.yml")
shard_job = gha["jobs"]["shard"]
matrix = shard_job["strategy"]["matrix"]["shard"]
check(matrix == list(range(int(shard_job["env"]["SHARDS"]))), "github-actions.yml: matrix.shard is 0..SHARDS-1")
runs = [s["run"] for s in shard_job["steps"] if "run" in s and "shard.sh" in s["run"]]
check(len(runs) == 1 and "shard.sh ${{ matrix.shard }} $SHARDS" in runs[0], "github-actions.yml: shard.sh gets the matrix index and SHARDS")
merge_job = gha["jobs"]["merge"]
check(merge_job["needs"] == "shard" and merge_job["if"] == "always()", "github-actions.yml: the merge runs after every shard, whatever they found")
check(any("interleave merge results/shard-*.json" in s.get("run", "") for s in merge_job["steps"]), "github-actions.yml: the merge reads every shard's report")

# Kubernetes: an Indexed Job whose completions equal SHARDS, passing JOB_COMPLETION_INDEX.
job = load("kubernetes-indexed-job.yaml")
spec = job["spec"]
container = spec["template"]["spec"]["containers"][0]
env = {e["name"]: e["value"] for e in container["env"]}
check(spec["completionMode"] == "Indexed" and spec["completions"] == int(env["SHARDS"]), "kubernetes-indexed-job.yaml: Indexed, completions = SHARDS")
check('shard.sh "$JOB_COMPLETION_INDEX" "$SHARDS" /results' in container["args"][0], "kubernetes-indexed-job.yaml: shard.sh gets the completion index")
merge = load("kubernetes-merge-job.yaml")["spec"]["template"]["spec"]["containers"][0]
check("interleave merge /results/shard-*.json" in merge["args"][0], "kubernetes-merge-job.yaml: merges the shards' volume")

# shard.sh and slurm.sh, run as GNU parallel and a Slurm array run them, then merged.
with tempfile.TemporaryDirectory() as tmp:
    environment = dict(os.environ, INTERLEAVE=interleave)
    search = ["scenarios/lost_update.scn", "scenarios/bank_locked.scn", "--iterations", "300", "--no-timing"]
    whole = subprocess.run([interleave, "run", *search, "--json"], cwd=source, capture_output=True, text=True)
    par = subprocess.run(["parallel", os.path.join(shards_dir, "shard.sh"), "{}", "3", os.path.join(tmp, "p"), *search, ":::", "0", "1", "2"],
                         cwd=source, env=environment, capture_output=True, text=True)
    check(par.returncode == 0, "shard.sh under GNU parallel: every shard exits 0 (findings are the merge's to judge)" + par.stderr)
    for k in range(4):
        slurm_env = dict(environment, SLURM_ARRAY_TASK_ID=str(k), SLURM_ARRAY_TASK_COUNT="4", SLURM_SUBMIT_DIR=source, RESULTS=os.path.join(tmp, "s"))
        r = subprocess.run([os.path.join(shards_dir, "slurm.sh"), *search], cwd=source, env=slurm_env, capture_output=True, text=True)
        check(r.returncode == 0, f"slurm.sh as array task {k} of 4 " + r.stderr)
    for name, count in (("p", 3), ("s", 4)):
        reports = [os.path.join(tmp, name, f"shard-{k}.json") for k in range(count)]
        m = subprocess.run([interleave, "merge", *reports, "--json", "--no-timing"], capture_output=True, text=True)
        check(m.returncode == whole.returncode == 1, f"merge of the {name} shards exits as the whole run does (1)")
        check(json.loads(m.stdout) == json.loads(whole.stdout), f"merge of the {name} shards = the whole run's report")
    bad = subprocess.run([os.path.join(shards_dir, "shard.sh"), "0", "2", os.path.join(tmp, "b"), "no/such.scn"], env=environment,
                         capture_output=True, text=True)
    check(bad.returncode == 2, "shard.sh passes bad input on (exit 2)")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
