"""Shared test set-up: this checkout's package hw4/ importable, one end-to-end build of the default config and one
of the small config, each shared by the tests that read them."""

import csv
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
# Two test workers each run a build whose torch jobs use 2 threads on this machine's 2 cores: OpenMP's default
# busy-waiting then burns the cores the other worker needs (the suite took twice the CPU time). Threads that sleep
# while they wait compute the same numbers.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# this checkout's hw4/ first, whatever the venv's editable install points at
sys.path.insert(0, str(ROOT))

from hw4 import project  # noqa: E402
from hw4.project import copy_project  # noqa: E402

BIN = Path(sys.executable).parent
SNAKEMAKE = str(BIN / "snakemake")
FIXED_EPOCH = "1617321600"  # 2021-04-02, the due date: a fixed date makes PDFs comparable


def run_snakemake(
    workdir: Path, *args: str, config: tuple[str, ...] = (), check: bool = True
) -> subprocess.CompletedProcess:
    """Run snakemake in ``workdir`` (targets and flags in ``args``; ``config``: extra key=value overrides) with the
    PDF's date fixed; hw4.project.run_snakemake, a failure an AssertionError."""
    try:
        return project.run_snakemake(
            workdir, *args, "--config", f"source_date_epoch={FIXED_EPOCH}", *config, check=check
        )
    except RuntimeError as e:
        raise AssertionError(str(e)) from None


def rules_in(proc: subprocess.CompletedProcess) -> set[str]:
    """The rules a snakemake run ran (or, with -n, would run), as its log names them."""
    return set(re.findall(r"^\s*(?:local)?rule (\w+):", proc.stdout + proc.stderr, flags=re.M))


@pytest.fixture(scope="session")
def workflow_rules(tmp_path_factory) -> dict:
    """What each rule of the workflow declares (tests/slurm/rule_resources.py: threads, resources, local, script),
    loaded in its own process on a copy (loading a workflow may write .snakemake/ into its directory)."""
    work = copy_project(tmp_path_factory.mktemp("rules") / "p")
    script = ROOT / "tests" / "slurm" / "rule_resources.py"
    proc = subprocess.run([sys.executable, str(script), str(work)], cwd=work, capture_output=True, text=True)
    assert proc.returncode == 0, f"loading the workflow failed:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout)


def default_marking() -> dict:
    """The marking results of the schema's default points (what rule marking writes for the default config)."""
    import yaml

    from hw4.marking import points_table

    schema = yaml.safe_load((ROOT / "config/schema.yaml").read_text())
    points = schema["properties"]["marking"]["properties"]["points"]["properties"]
    return points_table({part: spec["default"] for part, spec in points.items()})


def render_problem(q: str, context: dict) -> str:
    """A problem as its document shows it (report/problem.tex.j2); for the solutions also its checks, the audit's
    part of it (report/qN_checks.tex.j2), so that every sentence of the problem is rendered once."""
    from hw4.render import render

    text = render(ROOT / "report", "problem.tex.j2", context)
    if context["mode"] == "solutions":
        text += render(ROOT / "report", f"{q}_checks.tex.j2", context)
    return text


def pdf_text(pdf, layout: bool = False, first: int | None = None, last: int | None = None, raw: bool = False) -> str:
    """The text of a PDF (or of pages first..last) as pdftotext prints it; ``layout`` keeps columns, ``raw`` keeps
    the order TeX wrote it in (a table row's exponents stay with their numbers wherever the table lands)."""
    cmd = ["pdftotext"] + (["-layout"] if layout else []) + (["-raw"] if raw else [])
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squash(s: str) -> str:
    """``s`` without whitespace: how a PDF's text compares with what was typeset (pdftotext breaks lines where TeX
    did)."""
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """The default config built once, end to end, in a temporary copy of the project."""
    work = copy_project(tmp_path_factory.mktemp("e2e") / "project")
    run_snakemake(work)
    return work


# The small config: every problem at toy sizes, Problem 4 on a 48-review slice with hostile text (1 epoch, 32
# tokens), built once per session (small_build) and again by the determinism test to compare with.
SMALL_CONFIG = """
q1:
  instances: [{n: 3, c: 2, h: 4}, {n: 5, c: 3, h: 6}]
  compare: {n_values: [4, 8, 16], h: 8, repeats: 1, batch: 2}
q2:
  bench: {T_values: [64, 128, 256], full_max_T: 256, fit_min_T: 64, repeats: 1}
  retrieval: {T: 256, distances: [1, 16, 64, 65, 128], trials: 1}
q3:
  verify: {instances: [{d: 10, h: 4}, {d: 200, h: 16}], pairs: 2}
  estimators: {d: 500, h: 8, k_values: [1, 10, 100], replicates: 50, chunk: 50}
  timing: {d_values: [100, 1000, 10000], repeats: 1}
q4:
  profile: tiny-test
  data: {source: local, path: data/q4_tiny.csv}
  train: {max_len: 32, batch_size: 8, epochs: 1, device: cpu}
"""
# Reviews as users write them: TeX specials, a TeX command, emoji, non-Latin scripts, a bidi override.
HOSTILE = [
    ("Paid $5 & got 50% off #1 deal_now {x} ~ ^ \\textbf{bold} \\end{document} \U0001f600", 5),
    ("Worst update ever!!! 100% broken & slow $$$ #fail \\\\ {}{}", 1),
    ("Ça marche… mais l'app plante — 3/5 ~meh~ ^_^ 😐", 3),
    ("Работает отлично, 10/10 & спасибо 🙏 \u202eevil", 4),
    ("これは最悪です_bug_ %d %s \\n", 2),
    ("ok i guess ¯\\_(ツ)_/¯ {{braces}} <tags> | pipes", 3),
    ("\\input{/etc/passwd} \\write18{rm -rf /} & more", 1),
    ("Love it 😍😍😍 #blessed $0.99 well spent", 5),
]


def write_tiny_slice(path: Path) -> None:
    """8 hostile reviews, 37 from the project's sample, an empty, a whitespace-only and a repeated text: 48 rows,
    every one a sample."""
    sample = pd.read_csv(ROOT / "data" / "sample_reviews.csv", dtype=str, keep_default_na=False)
    sample = sample[sample["content"].str.strip() != ""].drop_duplicates(["content", "score"]).head(37)
    rows = [(c, str(s)) for c, s in HOSTILE] + list(zip(sample["content"], sample["score"], strict=True))
    rows += [("", "3"), ("   ", "4"), rows[8]]  # empty, whitespace-only, the same text again
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["reviewId", "content", "score", "appId"])
        for k, (content, score) in enumerate(rows):
            w.writerow([f"r{k}", content, score, "com.example"])


# What the small build makes: every problem's results through its check step, and Problem 4's figures and both
# notebooks (the documents are compiled by the default build's tests; these builds compare results).
Q4_TARGETS = [
    *(f"build/results/q4_{name}.json" for name in ("data", "tokens", "train", "eval", "recipe", "check", "notebook")),
    *(f"figures/q4_{name}.pdf" for name in ("scores", "classes", "history", "confusion")),
    "build/hw4_q4.ipynb",
    "build/hw4_q4_handout.ipynb",
]
SMALL_TARGETS = [*(f"build/results/q{k}_{step}.json" for k in (1, 2, 3) for step in ("check", "claims")), *Q4_TARGETS]


def build_small(dest: Path) -> Path:
    """The small config's results and notebooks built in a fresh copy of the project at ``dest``."""
    work = copy_project(dest)
    write_tiny_slice(work / "data" / "q4_tiny.csv")
    (work / "config" / "small.yaml").write_text(SMALL_CONFIG)
    # --config (added by run_snakemake) and --configfile take several values: --directory ends the list.
    run_snakemake(work, "--configfile", "config/small.yaml", "--directory", str(work), *SMALL_TARGETS)
    return work


@pytest.fixture(scope="session")
def small_build(tmp_path_factory) -> Path:
    """The small config built once for the session (tests read it; none may change its results)."""
    return build_small(tmp_path_factory.mktemp("small") / "project")


# Two workers (`make test`: pytest -n 2): a worker makes a session build for itself, and some tests of the default
# build run snakemake in it again (a forced re-render, variants, archive, diff), so every module that reads a build
# runs on the worker that holds it. Scopes are modules, except these builds. The costly scopes go out first (the two
# builds, then the other end-to-end modules), so that no worker ends on a long one while the other waits; then the
# scopes with the most tests. (xdist's own --dist loadgroup cannot group them: it renames test ids in a way pytest
# 9 no longer reads.) The overrides are pytest-xdist 3.8's; were they renamed, each worker would make its own
# builds: slower, never wrong.
SHARED_BUILDS = ("built_project", "small_build")


@cache
def shared_build(module: Path) -> str | None:
    """The shared build a test module reads: the first of SHARED_BUILDS that its text names."""
    text = module.read_text(encoding="utf-8")
    return next((name for name in SHARED_BUILDS if re.search(rf"\b{name}\b", text)), None)


def pytest_collection_modifyitems(config, items):
    """A test reads at most one shared build, and its module names it (what the scheduler groups by): else a
    second worker would make that build again, slowly and silently."""
    for item in items:
        used = [name for name in SHARED_BUILDS if name in item.fixturenames]
        if used and used != [shared_build(item.path)]:
            raise pytest.UsageError(
                f"{item.nodeid} reads {' and '.join(used)} but its module is scheduled with "
                f"{shared_build(item.path)}: a module reads one shared build and names its fixture"
            )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":  # another --dist asked for by name
        return None
    from xdist.scheduler import LoadScopeScheduling

    def cost(scope: str) -> int:  # 0 first
        path = config.rootpath / scope
        return 0 if scope in SHARED_BUILDS else 1 if path.is_file() and "pytest.mark.e2e" in path.read_text() else 2

    class BuildScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            path = config.rootpath / module
            return (shared_build(path) if path.is_file() else None) or module

        def _assign_work_unit(self, node) -> None:
            if not getattr(self, "ordered", False):  # the queue as schedule() made it, most tests first
                for scope in reversed(sorted(self.workqueue, key=cost)):  # a stable sort: ties keep their order
                    self.workqueue.move_to_end(scope, last=False)
                self.ordered = True
            super()._assign_work_unit(node)

    return BuildScheduling(config, log)
