"""End to end: the default config built into a temporary copy of the project, checked as a grader would."""

import json
import os
import re
import shutil
from functools import cache

import pytest
from conftest import pdf_text, rules_in, run_snakemake, squash

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def doc(built_project):
    """build/NAME.pdf's text as pdftotext prints it (``layout``: keeping columns), read once (the tests that make a
    document again make it byte for byte)."""
    return cache(lambda name, layout=True: pdf_text(built_project / "build" / f"{name}.pdf", layout=layout))


def results(project, name: str) -> dict:
    return json.loads((project / "build" / "results" / f"{name}.json").read_text())


@pytest.fixture
def work(built_project, tmp_path):
    """A copy of the built project to edit (the shared build stays as it is)."""
    return shutil.copytree(built_project, tmp_path / "copy", symlinks=True)


def test_pdf_has_every_problem_and_q1_numbers(built_project, doc):
    for k in range(1, 5):
        assert f"Problem {k}" in doc("hw4")
    flat, audit = squash(doc("hw4")), squash(doc("hw4_audit"))
    assert "P=h(c+2h)" in flat  # 1a's boxed formula; values at given numbers only in a variant's documents
    for inst in results(built_project, "q1_derive")["instances"]:
        for key in ("params", "ops", "flop_counter"):  # the check table: the audit's
            assert str(inst[key]) in audit, f"{key}={inst[key]} of instance {inst} not in the audit"
    fields = results(built_project, "q1_fields")
    assert str(fields["params_rnn"]) in flat and str(fields["params_conv"]) in flat


def test_the_submission_and_the_solutions_have_no_build_vocabulary_and_the_audit_has_it(doc):
    submission, solutions, audit = doc("hw4"), doc("hw4_solutions"), doc("hw4_audit")
    # the build's vocabulary: rules, scripts, commands, config paths, file names of listings, provenance
    for phrase in ("made by rule", "Provenance of this build", "computed by the build", "snakemake", "--configfile",
                   "scripts/", "config/", "hw4/", "Listing ", ", region '"):  # fmt: skip
        assert phrase not in submission and phrase not in solutions, phrase
    for phrase in ("computed by the build", "Provenance of this build", "scripts/q1_plot.py", "config/full.yaml"):
        assert phrase in audit, phrase
    # the student block and the upload instructions are the submission's; the solutions can be posted as they are
    for phrase in ("Your Name", "Collaborators", "Upload your answers"):
        assert phrase in submission and phrase not in solutions, phrase
    assert "— solutions" in solutions and "— solutions" not in submission
    # each problem's answers, then its marking guide, then its evidence (Problem 4's notebook is its own)
    guide = [solutions.find(f"Problem {n}: marking guide") for n in range(1, 5)]
    evidence = [solutions.find(f"Problem {n}: the evidence") for n in range(1, 4)]
    assert -1 not in guide + evidence and "marking guide" not in submission and "the evidence" not in submission
    assert solutions.index("1c. Comparison with a convnet") < guide[0] < evidence[0] < solutions.index("2a. Proposal")
    assert guide[1] < evidence[1] < guide[2] < evidence[2] < guide[3]


def test_the_marking_guide_gives_every_sub_parts_points(built_project, doc):
    """The points in the solutions are marking.json's (the homework's, split by the config), sub-part by sub-part,
    and the guide names the course's published solution's mistakes of 3a and 3b."""
    marking, text = results(built_project, "marking"), squash(doc("hw4_solutions"))
    for n, (q, problem) in enumerate(marking["problems"].items(), start=1):
        assert squash(f"Problem {n}: marking guide ({problem['points_text']})") in text, q
        for part in problem["parts"]:
            assert squash(f"{part['label']} ({part['points_text']})") in text, part
    assert squash(f"total {marking['total_text']}") in text
    assert text.count(squash("course's published solution").replace("'", "’")) == 2


def test_rerender_is_byte_identical(built_project):
    pdf = built_project / "build" / "hw4.pdf"
    before = pdf.read_bytes()
    run_snakemake(built_project, "--forcerun", "build/tex/hw4.tex")
    assert pdf.read_bytes() == before


def test_a_latex_error_names_its_line_and_keeps_the_tex(work):
    """A template that makes bad LaTeX stops the document step with TeX's first error and the source line; the
    .tex that snakemake removes with the failed job's outputs is kept beside the compile log."""
    tpl = work / "report" / "q2_statement.tex.j2"
    tpl.write_text(tpl.read_text() + "\\undefinedmacroxyz\n")
    proc = run_snakemake(work, "build/hw4_problems.pdf", check=False)
    assert proc.returncode != 0
    assert "Undefined control sequence" in proc.stderr and "source line" in proc.stderr, proc.stderr[-2000:]
    kept = work / "build/logs/hw4_problems_failed.tex"
    assert "build/logs/hw4_problems_failed.tex" in proc.stderr and "\\undefinedmacroxyz" in kept.read_text()
    assert not (work / "build/tex/hw4_problems.tex").exists()


def test_module_edit_reruns_exactly_the_steps_that_import_it(work):
    """A rule depends on the package modules its script imports (followed through the package), and no others:
    a shared helper reruns its users, a Problem 1 module or the timing helper never reruns Problem 4's notebook, a
    template only the documents. Each file is edited alone (and put back, with its time stamp, before the next)."""

    def edit(module, line="# an edit"):
        path = work / module
        text, stat = path.read_text(), path.stat()
        path.write_text(f"{text}\n{line}\n")
        try:
            return rules_in(run_snakemake(work, "-n"))
        finally:
            path.write_text(text)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    def problem_steps(rules, *problems):
        return {r for r in rules if r.startswith(tuple(f"{p}_" for p in problems or ("q1", "q2", "q3", "q4")))}

    # the copy alone reruns the documents (render's templates are inputs by absolute path), no problem's step
    before = rules_in(run_snakemake(work, "-n"))
    assert not problem_steps(before), before
    assert edit("report/q1_answer.tex.j2", "%# an edit") == {"document", "all"}
    rules = edit("hw4/latex.py")
    # q4_finish converts the executed notebook to LaTeX with hw4/latex.py's escaping; no experiment reruns
    assert "document" in rules and problem_steps(rules) == {"q4_finish"}, rules
    rules = edit("hw4/timing.py")
    # the timed steps, then the claims and figures that read them: a new timing never reruns an exact check
    computing = {r for r in problem_steps(rules) if not r.endswith(("_claims", "_plot"))}
    assert computing == {"q1_compare", "q2_bench", "q3_timing"}, rules
    rules = edit("hw4/fit.py")
    assert not problem_steps(rules, "q4"), rules
    rules = edit("hw4/q1/derive.py")
    assert {"q1_derive"} <= rules and not problem_steps(rules, "q4"), rules
    rules = edit("hw4/q4/model.py")
    # the notebook's run imports it; the steps that read its results follow; the handout does not depend on it
    assert problem_steps(rules) == {"q4_notebook", "q4_recipe", "q4_check", "q4_finish"}, rules
    assert rules_in(run_snakemake(work, "-n")) == before, "putting the modules back changed what the build would rerun"


# Phrases no student writes in a submission (the build's voice, not the answer's).
NOT_A_STUDENTS_VOICE = [
    "this report",  # "redrawn for this report" too
    "in this run",
    "derived with sympy step by step",
    "a likely cause, not measured",
    "written for this project",
]


def test_the_submission_reads_as_a_students_answer(built_project, doc):
    """No build vocabulary or machine name in the submission's answers (the instructor's solutions keep the
    machine, which labels their timings), and one reading of each comparison wherever it is made."""
    body = re.sub(r"\s+", " ", doc("hw4")).lower()
    for phrase in NOT_A_STUDENTS_VOICE:
        assert phrase not in body, phrase
    cpu = results(built_project, "q1_compare")["machine"]["cpu"]
    assert squash(cpu).lower() not in squash(body) and cpu in doc("hw4_solutions")
    # the Q2b box and its bullet: linear attention replaces softmax attention, it does not approximate it
    assert "not an approximation" in body and "they are approximations" not in body
    assert "the window and performer approximate softmax attention and linear attention replaces it" in body
    # the Q1c box names the convnet it timed and what that convnet sees
    assert re.search(r"the \d+-layer convnet timed below, which sees only \d+ cells", body)


def test_default_build_answers_problem_4(built_project, doc):
    data, ev = results(built_project, "q4_data"), results(built_project, "q4_eval")
    flat, audit, solutions = (re.sub(r"\s+", " ", doc(name, False)) for name in ("hw4", "hw4_audit", "hw4_solutions"))
    assert f"test accuracy {ev['test_acc']:.4f}" in flat
    assert f"Answer. {data['n_samples']} samples" in flat
    assert "The reviews in this answer are fictional" in flat
    assert f"Predicted sentiment: {ev['raw']['prediction']}" in flat
    pages = json.loads((built_project / "build/hw4_pages.json").read_text())
    assert all(pages["parts"][f"q4.{k}"] for k in range(1, 14))
    # the dataset's fingerprint is provenance: in the audit, not in the submission or the solutions
    assert data["sha256"] in audit and data["sha256"][:16] not in flat and data["sha256"][:16] not in solutions
