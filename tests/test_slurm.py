"""The workflow on SLURM: every rule sized for a cluster, and a tiny build run through a real single-node SLURM.

The first tests only read the workflow and profiles/slurm/config.yaml. The last one starts munged, slurmctld and
slurmd on localhost (tests/slurm/local_cluster.py; configuration in a temp dir), runs Problem 1 and the problems
handout with `snakemake --executor slurm` through the project's profile, and checks that the compute rules ran
as SLURM jobs and the light rules did not. It is skipped, saying why, without root or without Debian's
slurm-wlm and munge (`bash setup/ensure_slurm.sh` installs them; .ci/run does).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import BIN, FIXED_EPOCH, ROOT, SNAKEMAKE, copy_project, pdf_text

sys.path.insert(0, str(ROOT / "tests" / "slurm"))
from local_cluster import LocalSlurm, alive, missing_requirements  # noqa: E402

pytestmark = pytest.mark.slow  # every test loads the workflow or runs it
PROFILE = ROOT / "profiles" / "slurm" / "config.yaml"
# and every rule with "plot" in its name; q4_finish draws Problem 4's figures from the executed notebook
LIGHT_RULES = {"document", "answer_key", "q4_finish", "q4_handout", "marking", "autograder", "grade"}
SLURM_RULES = {"q1_derive", "q1_verify", "q1_fields", "q1_compare"}  # what the tiny build below submits
LOCAL_RULES = {"q1_plot", "document"}  # what it runs beside snakemake
# Problem 1 small enough to take seconds; its first instance is not in the default config, so the handout
# showing it proves the PDF was made from this build.
TINY_CONFIG = """q1:
  instances: [{n: 3, c: 2, h: 5}, {n: 4, c: 3, h: 8}]
  compare: {n_values: [4, 8], c: 3, h: 8, conv_layers: 2, batch: 2, repeats: 1}
"""
TARGETS = [
    "build/hw4_problems.pdf",
    *(f"build/results/q1_{step}.json" for step in ("derive", "verify", "compare")),
    "figures/q1_compare.pdf",
]


def test_every_job_gets_memory_and_runtime_on_the_cluster(workflow_rules):
    """A rule states only what it needs beyond the profile's default-resources; on SLURM every job then has a
    memory (MB) and a runtime (minutes), and the heavy steps ask for more than the defaults."""
    rules, defaults = workflow_rules, yaml.safe_load(PROFILE.read_text())["default-resources"]
    jobs = {name: decl for name, decl in rules.items() if not decl["norun"]}  # `all`, `archive` run nothing
    assert SLURM_RULES | LOCAL_RULES <= set(jobs)
    for name, decl in jobs.items():
        for key in ("mem_mb", "runtime"):
            value = decl["resources"].get(key, defaults[key])
            assert value == "callable" or (isinstance(value, int) and value > 0), f"{name}: {key}={value!r}"
    for name in ("q4_notebook", "q2_bench", "q3_timing"):
        assert rules[name]["resources"]["mem_mb"] > defaults["mem_mb"], name


def test_light_rules_are_local_and_compute_rules_are_not(workflow_rules):
    rules = workflow_rules
    light = {name for name in rules if name in LIGHT_RULES or "plot" in name}
    assert LIGHT_RULES | {"q1_plot"} <= light
    queued = sorted(name for name in light if not rules[name]["local"])
    assert not queued, f"the document and plot rules must be listed in `localrules:` (they would queue): {queued}"
    local_compute = sorted(name for name, decl in rules.items() if decl["benchmark"] and decl["local"])
    assert not local_compute, f"compute rules (those with a benchmark) must run as cluster jobs: {local_compute}"


def test_profile_names_real_rules_and_asks_a_gpu_for_problem_4(workflow_rules):
    rules, profile = workflow_rules, yaml.safe_load(PROFILE.read_text())
    assert profile["executor"] == "slurm"
    defaults = profile["default-resources"]
    assert defaults["slurm_partition"].startswith("YOUR_") and defaults["slurm_account"].startswith("YOUR_")
    assert defaults["mem_mb"] > 0 and defaults["runtime"] > 0
    for key in ("set-resources", "set-threads"):
        unknown = set(profile[key]) - set(rules)
        assert not unknown, f"profiles/slurm/config.yaml {key} names rules the workflow lacks: {unknown}"
    # the notebook trains and evaluates; config/full.yaml runs it on CUDA
    assert profile["set-resources"]["q4_notebook"]["gpu"] >= 1
    assert profile["set-resources"]["q4_notebook"]["slurm_partition"] != defaults["slurm_partition"]
    assert profile["set-threads"]["q4_notebook"] >= 1
    assert not rules["q4_notebook"]["local"]


def test_profile_command_line_is_valid(tmp_path):
    """The profile, as a user runs it, parses and puts the GPU request on Problem 4's notebook (a dry run)."""
    work = copy_project(tmp_path / "p")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [SNAKEMAKE, "--profile", "profiles/slurm", "--configfile", "config/full.yaml", "-n", "--forceall"]
    proc = subprocess.run([*cmd, "build/results/q4_train.json"], cwd=work, env=env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    job = out[out.index("rule q4_notebook:") :].split("\n\n")[0]
    assert "gpu=1" in job and "slurm_partition=YOUR_GPU_PARTITION" in job, job


# --------------------------------------------------------------------------- the real cluster


@pytest.fixture(scope="module")
def cluster():
    """A running single-node SLURM on localhost; shut down (jobs cancelled, daemons ended) afterwards, always."""
    if reason := missing_requirements():
        pytest.skip(f"no local SLURM cluster: {reason}")
    # A short path: MUNGE's socket path must fit a Unix socket name (108 bytes).
    root = Path(tempfile.mkdtemp(prefix="hw4-slurm-", dir="/tmp"))
    cluster = LocalSlurm(root)
    try:
        cluster.start()
        yield cluster
    finally:
        pids = dict(cluster.pids)
        killed = cluster.stop()
        left = {name: pid for name, pid in pids.items() if alive(pid)}
        shutil.rmtree(root, ignore_errors=True)
        if killed:
            warnings.warn(f"SLURM test daemons did not stop when asked and were killed: {killed}", stacklevel=1)
        assert not left, f"SLURM test daemons still running after teardown: {left}"


def cluster_profile(partition: str) -> str:
    """profiles/slurm/config.yaml, filled in for the local test cluster: its partition, no account (the executor
    then guesses, finds none, and submits without), no GPU, quick status checks (through squeue: there is no
    accounting database), and SLURM logs kept to be checked."""
    profile = yaml.safe_load(PROFILE.read_text())
    profile["default-resources"]["slurm_partition"] = partition
    del profile["default-resources"]["slurm_account"]
    for resources in profile["set-resources"].values():
        resources["slurm_partition"] = partition
        resources.pop("gpu", None)
    profile.update(
        {
            "slurm-status-command": "squeue",
            "slurm-init-seconds-before-status-checks": 2,
            "slurm-keep-successful-logs": True,
            "latency-wait": 5,
        }
    )
    return yaml.safe_dump(profile, sort_keys=False)


def test_cluster_profile_fills_every_placeholder():
    """The test's profile is the project's, with the placeholders filled for the test cluster."""
    text = cluster_profile(LocalSlurm.partition)
    assert "YOUR_" not in text and "gpu" not in text
    assert yaml.safe_load(text)["executor"] == "slurm"


def slurm_job_logs(work: Path, tail: int = 40) -> str:
    """The end of every SLURM job log the executor kept (those of failed jobs, at least)."""
    parts = []
    for log in sorted((work / ".snakemake" / "slurm_logs").rglob("*.log")):
        lines = log.read_text(errors="replace").splitlines()[-tail:]
        parts.append(f"--- {log.relative_to(work)}\n" + "\n".join(lines))
    return "\n".join(parts)


@pytest.mark.e2e
def test_build_runs_through_slurm(cluster, tmp_path):
    work = copy_project(tmp_path / "project")
    (work / "profiles" / "test").mkdir(parents=True)
    (work / "profiles" / "test" / "config.yaml").write_text(cluster_profile(cluster.partition))
    (work / "config" / "slurm_tiny.yaml").write_text(TINY_CONFIG)

    env = cluster.env()
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    cmd = [SNAKEMAKE, *TARGETS, "--profile", "profiles/test", "--configfile", "config/slurm_tiny.yaml"]
    cmd += ["--config", f"source_date_epoch={FIXED_EPOCH}"]
    proc = subprocess.Popen(
        cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=420)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGINT)  # snakemake cancels its SLURM jobs on SIGINT
        out, _ = proc.communicate(timeout=60)
        pytest.fail(f"snakemake --executor slurm took over 7 minutes:\n{out[-4000:]}\n{cluster.logs()}")
    assert proc.returncode == 0, (
        f"snakemake --executor slurm failed:\n{out[-6000:]}\n{slurm_job_logs(work)}\n{cluster.logs()}"
    )

    # The PDF was built, from this build's config.
    pdf = work / "build" / "hw4_problems.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Problem 4" in pdf_text(pdf, layout=True)
    q1 = json.loads((work / "build/results/q1_derive.json").read_text())
    assert [(i["n"], i["c"], i["h"]) for i in q1["instances"]] == [(3, 2, 5), (4, 3, 8)]
    assert (work / "figures" / "q1_compare.pdf").read_bytes().startswith(b"%PDF")

    # The compute rules ran as SLURM jobs, on the test node, and finished; the light rules did not queue.
    jobs = cluster.jobs()
    # the executor's job comment: rule_<name>, with _wildcards_<values> for a rule with wildcards (the root)
    by_rule = {re.sub(r"_wildcards_.*", "", job["comment"].removeprefix("rule_")): job for job in jobs}
    assert set(by_rule) == SLURM_RULES, f"SLURM ran {sorted(by_rule)}; expected {sorted(SLURM_RULES)}\n{out[-3000:]}"
    assert len(jobs) == len(SLURM_RULES), jobs
    for rule, job in by_rule.items():
        assert job["state"] == "COMPLETED" and job["node"] == cluster.node, (rule, job)
        # The executor's own SLURM log of the job: the job's snakemake ran exactly this rule.
        # (under a folder of its wildcards' values for a rule with wildcards)
        folder = work / ".snakemake" / "slurm_logs" / f"rule_{rule}"
        log = next(folder.rglob(f"{job['id']}.log"), None)
        assert log is not None, f"no SLURM log {job['id']}.log under {folder}"
        text = log.read_text(errors="replace")
        assert f"rule {rule}:" in text and f"Finished jobid: 0 (Rule: {rule})" in text, text[-2000:]
    logged = {p.name for p in (work / ".snakemake" / "slurm_logs").iterdir()}
    assert not logged & {f"rule_{r}" for r in LOCAL_RULES}, logged
    assert len({job["name"] for job in jobs}) == 1  # one workflow run: the executor names jobs by its run id
