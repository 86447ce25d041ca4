"""Problem 4's grading, run: the Gradescope zip's run_autograder on the solution in a temporary root, and
`snakemake grade` on folders of submissions (the handout, one wrong item, a cell that raises, a loop that never
ends, a file that is not a notebook; answer forms and a roster). The graded notebooks train (on the grading
settings): minutes."""

import csv
import json
import os
import shutil
import stat
import subprocess
import zipfile

import nbformat
import pytest
import yaml
from conftest import BIN, default_marking, rules_in, run_snakemake

from hw4.project import copy_project
from hw4.q4 import grading
from hw4.q4.notebook import fill, handout, read_source, solutions

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PARTS = {int(p["part"].split(".")[1]): p["points"] for p in default_marking()["problems"]["q4"]["parts"]}
TIMEOUT = 300  # seconds per submission: the solution's run takes about half a minute on 2 cores
LOOP_TIMEOUT = 15  # the never-ending notebook, graded on its own with a short limit


def submission(changes: dict[int, str] | None = None) -> nbformat.NotebookNode:
    """The handout filled with the solutions, with the code of some items replaced (a student's mistakes)."""
    answers = {**solutions(read_source()), **(changes or {})}
    return fill(handout(read_source()), answers)


@pytest.fixture(scope="module")
def grading_project(tmp_path_factory):
    """A copy of the project with the Gradescope zip built (and what it needs: no training, no document); the
    grading below makes the answer key there too (the variants' results, answer_key.pdf)."""
    work = copy_project(tmp_path_factory.mktemp("grading") / "project")
    run_snakemake(work, "build/autograder/autograder.zip")
    return work


@pytest.fixture(scope="module")
def graded(grading_project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    right = solutions(read_source())
    nbformat.write(handout(read_source()), folder / "handout.ipynb")
    wrong3 = right[3].replace("if rating == 3:\n        return 1", "if rating == 3:\n        return 2")
    assert wrong3 != right[3]
    nbformat.write(submission({3: wrong3}), folder / "wrong3.ipynb")
    nbformat.write(submission({4: 'raise ValueError("boom")'}), folder / "raises4.ipynb")
    (folder / "notjson.ipynb").write_text("this is not a notebook\n")
    # The second folder is graded with a roster (forever, absent): forever's answer form filled from its variant's
    # answer key, one number wrong; an id off the roster; a roster student who handed in nothing.
    loop = tmp_path_factory.mktemp("loop")
    nbformat.write(submission({1: "while True:\n    pass"}), loop / "forever.ipynb")
    roster = tmp_path_factory.mktemp("roster") / "roster.csv"
    roster.write_text("id\nforever\nabsent\n")
    on_roster = f"variants={{roster: {roster}}}"
    run_snakemake(grading_project, "build/variants/answer_key.csv", config=(on_roster,))
    variants = grading_project / "build/variants"
    with open(variants / "answer_key.csv", newline="") as fh:
        key = next(r for r in csv.DictReader(fh) if r["id"] == "forever")
    form = yaml.safe_load((variants / "answer_forms/forever.yaml").read_text())
    filled = {k: int(key[k]) for k in form if k not in ("id", "q2_ops_linear", "q2_ops_performer")}
    forever = {"id": "forever", **filled, "q1_ops": filled["q1_ops"] + 1}
    (loop / "Forever.yaml").write_text(yaml.safe_dump(forever))  # ids compare ignoring case
    (loop / "stranger.yaml").write_text(yaml.safe_dump({"id": "stranger", **filled}))
    rows, feedback = {}, {}
    for where, limit, extra in ((folder, TIMEOUT, ()), (loop, LOOP_TIMEOUT, (on_roster,))):
        run_snakemake(grading_project, "grade", config=(f"grade={{submissions: {where}, timeout: {limit}}}", *extra))
        with open(grading_project / "build/grades/grades.csv", newline="") as fh:
            rows.update({r["id"]: r for r in csv.DictReader(fh)})
        feedback.update({p.stem: p.read_text() for p in (grading_project / "build/grades/feedback").glob("*.md")})
    return rows, feedback


def points(row) -> dict[int, float]:
    return {k: float(row[f"q4.{k}"]) for k in PARTS}


def test_the_handout_scores_zero_and_names_every_item(graded):
    rows, feedback = graded
    got = points(rows["handout"])
    assert rows["handout"]["status"] == "graded" and set(got.values()) == {0.0}, got
    for k in PARTS:
        assert f"Item 4.{k} (0 of" in feedback["handout"], k


def test_one_wrong_item_loses_exactly_its_points(graded):
    rows, feedback = graded
    got = points(rows["wrong3"])
    assert got == {**PARTS, 3: 0.0}, got
    assert "Item 4.3 (0 of" in feedback["wrong3"] and "wrong class" in feedback["wrong3"]


def test_a_cell_that_raises_loses_its_item_and_the_rest_is_graded(graded):
    rows, feedback = graded
    got = points(rows["raises4"])
    assert rows["raises4"]["status"] == "graded" and got[4] == 0 and got[8] == PARTS[8], got
    assert "Item 4.4 (0 of" in feedback["raises4"] and "tokens" in feedback["raises4"]


def test_a_loop_that_never_ends_and_a_file_that_is_no_notebook_get_their_row_and_reason(graded):
    rows, feedback = graded
    assert rows["forever"]["status"] == "not graded" and float(rows["forever"]["total"]) == 0
    assert f"time limit ({LOOP_TIMEOUT} s)" in rows["forever"]["reason"]
    assert rows["notjson"]["status"] == "not graded" and "not a notebook (not JSON" in rows["notjson"]["reason"]
    assert "Not graded: notjson.ipynb is not a notebook" in feedback["notjson"]


def test_with_a_roster_every_student_gets_a_row_and_the_numbers_are_checked_against_their_variant(graded):
    rows, feedback = graded
    forever = rows["forever"]  # its notebook timed out; its numbers (Forever.yaml: the roster's spelling) are checked
    assert forever["numbers_checked"] == "6" and forever["numbers_matching"] == "5", forever
    assert forever["check_q1_ops"] == "differs" and forever["check_q1_params"] == "matches"
    assert forever["check_q2_ops_linear"] == ""
    assert "- 1b, q1_ops" in feedback["forever"] and "5 of 6 match the key." in feedback["forever"]
    assert rows["absent"]["status"] == "not graded" and rows["absent"]["reason"] == "nothing handed in"
    assert rows["stranger"]["reason"].startswith("not on the roster") and rows["stranger"]["numbers_checked"] == "0"


# Gradescope's documented fields of results/results.json (gradescope-autograders.readthedocs.io, "Specifications")
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def gradescope(grading_project, tmp_path_factory):
    """The zip unpacked into a temporary root laid out as Gradescope's /autograder, run_autograder run there on the
    solution notebook (its paths moved to the root; `mamba` a stand-in, the environment this one)."""
    tmp = tmp_path_factory.mktemp("gradescope")
    root = tmp / "autograder"
    with zipfile.ZipFile(grading_project / "build/autograder/autograder.zip") as z:
        names = set(z.namelist())
        assert {"setup.sh", "run_autograder", "run_otter.py", "otter_config.json", "hw4_otter_plugin.py"} <= names
        z.extractall(root / "source")
    for name in ("run_autograder", "run_otter.py"):
        path = root / "source" / name
        path.write_text(path.read_text().replace("/autograder", str(root)))
    (root / "submission").mkdir()
    (root / "results").mkdir()
    nbformat.write(submission(), root / "submission" / "hw4_q4.ipynb")
    (root / "submission_metadata.json").write_text("{}")
    shim = tmp / "bin"
    shim.mkdir()
    (shim / "mamba").write_text('#!/bin/sh\n[ "$1" = shell ] && echo "mamba() { :; }"\nexit 0\n')
    (shim / "mamba").chmod(stat.S_IRWXU)
    env = {**os.environ, "PATH": f"{shim}:{BIN}:{os.environ['PATH']}"}
    run = root / "source" / "run_autograder"
    proc = subprocess.run(["bash", str(run)], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    results_path = root / "results" / "results.json"
    assert results_path.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads(results_path.read_text())
    shutil.rmtree(root, ignore_errors=True)
    return results


def test_the_zip_runs_as_gradescope_runs_it_and_writes_its_fields(gradescope):
    assert isinstance(gradescope.get("tests"), list) and gradescope["tests"]
    if "score" in gradescope:
        assert isinstance(gradescope["score"], int | float)
    for key in ("output", "stdout_visibility", "visibility"):
        if key in gradescope:
            assert isinstance(gradescope[key], str)
    for test in gradescope["tests"]:  # every field optional; a test without a score is output only
        for key in ("score", "max_score"):
            assert isinstance(test.get(key, 0), int | float), (key, test)
        assert "score" in test or isinstance(test.get("output"), str), test
        assert isinstance(test.get("name", ""), str) and test.get("visibility", "visible") in VISIBILITY
        assert test.get("status", "passed") in {"passed", "failed"}


def test_the_solution_scores_full_marks(gradescope):
    got = grading.read_results(gradescope)
    assert got["points"] == PARTS, gradescope["tests"]
    assert abs(sum(t.get("score", 0) for t in gradescope["tests"]) - sum(PARTS.values())) < 1e-9


def test_the_autograder_zip_is_made_again_byte_for_byte(grading_project):
    zip_path = grading_project / "build/autograder/autograder.zip"
    before = zip_path.read_bytes()
    # the target before --forcerun, which takes every word after it
    out = run_snakemake(grading_project, "build/autograder/autograder.zip", "--forcerun", "autograder")
    assert rules_in(out) == {"autograder"}  # it ran, and only it
    assert zip_path.read_bytes() == before


def test_forms_without_an_answer_key_stop_grading_with_the_fix(tmp_path):
    """Grading reads the answer key the handouts were made with and never remakes it: without one, it stops before
    any job, saying how to make it."""
    work = copy_project(tmp_path / "project")
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "v001.yaml").write_text("id: v001\nq1_params: 44\n")
    proc = run_snakemake(work, "-n", "grade", config=(f"grade={{submissions: {folder}}}",), check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "no answer key, so the answer forms cannot be checked" in out, out[-3000:]
    assert "Fix: run `snakemake variants`" in out and not (work / "build/variants").exists()
