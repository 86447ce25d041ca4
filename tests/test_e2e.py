"""End to end: the default config built into a temporary copy of the project, checked as a grader would."""

import json
import os
import re
import shutil

import pytest
from conftest import pdf_text, run_snakemake

pytestmark = pytest.mark.e2e


def pdftext(pdf, first=None, last=None) -> str:
    return pdf_text(pdf, layout=True, first=first, last=last)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_outputs_exist(built_project):
    for name in [f"{doc}{ext}" for doc in ("hw4", "hw4_solutions", "hw4_problems") for ext in (".pdf", "_pages.json")]:
        path = built_project / "build" / name
        assert path.exists() and path.stat().st_size > 0, name
    assert (built_project / "figures" / "q1_compare.pdf").exists()


def test_pdf_has_every_problem_and_q1_numbers(built_project):
    text = pdftext(built_project / "build" / "hw4.pdf")
    for k in range(1, 5):
        assert f"Problem {k}" in text
    flat = squash(text)
    full = squash(pdftext(built_project / "build" / "hw4_solutions.pdf"))
    q1 = json.loads((built_project / "build/results/q1_derive.json").read_text())
    assert "P=h(c+2h)" in flat  # 1a's boxed formula; values at given numbers only in a variant's documents
    for inst in q1["instances"]:
        for key in ("params", "ops", "flop_counter"):  # the instructor's check table
            assert str(inst[key]) in full, f"{key}={inst[key]} of instance {inst} not in the solutions"
    fields = json.loads((built_project / "build/results/q1_fields.json").read_text())
    assert str(fields["params_rnn"]) in flat and str(fields["params_conv"]) in flat
    cmp = json.loads((built_project / "build/results/q1_compare.json").read_text())
    # timings are labelled with their machine in the instructor's solutions; the submission names none
    assert squash(cmp["machine"]["cpu"]) in full and squash(cmp["machine"]["cpu"]) not in flat


def test_the_submission_has_no_build_vocabulary_and_the_solutions_have_the_evidence(built_project):
    submission = pdftext(built_project / "build" / "hw4.pdf")
    solutions = pdftext(built_project / "build" / "hw4_solutions.pdf")
    for phrase in ("made by rule", "Appendix: provenance", "computed by the build that produced this PDF"):
        assert phrase not in submission and phrase in solutions, phrase
    # each problem's evidence follows its answers, in the solutions only (report/problem.tex.j2)
    where = [solutions.find(f"Problem {n}: the evidence") for n in range(1, 5)]
    assert -1 not in where and where == sorted(where) and "the evidence" not in submission, where
    assert solutions.index("1c. Comparison with a convnet") < where[0] < solutions.index("2a. Proposal")
    # listings name their file and region only for the instructor; no config path or command reaches the grader
    for phrase in ("Listing ", ", region '", "config/", "snakemake", "--configfile", "scripts/"):
        assert phrase not in submission, phrase
    assert ", region '" in solutions and "config/full.yaml" in solutions
    assert "Your Name" in submission and "Collaborators" in submission and "— solutions" not in submission


def test_page_map_agrees_with_pdf(built_project):
    pages = json.loads((built_project / "build/hw4_pages.json").read_text())
    text = pdftext(built_project / "build" / "hw4.pdf")
    assert pages["page_count"] == text.count("\f")
    for name in ("q1", "q1.a", "q1.b", "q1.c", "q2", "q3", "q4"):
        assert name in pages["parts"], name
        assert all(1 <= p <= pages["page_count"] for p in pages["parts"][name])
    # each problem starts on the page the map says, and sub-parts sit inside their problem
    for k in range(1, 5):
        first = pages["parts"][f"q{k}"][0]
        assert f"Problem {k}" in pdftext(built_project / "build" / "hw4.pdf", first)
    assert set(pages["parts"]["q1.b"]) <= set(pages["parts"]["q1"])
    assert "1b. Arithmetic operations" in pdftext(built_project / "build" / "hw4.pdf", pages["parts"]["q1.b"][0])


def test_submission_fits_the_page_budget_with_every_answer_first(built_project):
    """The grader's document: at most 15 pages after the title page, every problem on a new page, and every
    sub-part's first page holds its boxed answer before anything else of that sub-part."""
    pages = json.loads((built_project / "build/hw4_pages.json").read_text())
    parts = pages["parts"]
    assert pages["page_count"] - len(parts["title"]) <= 15, parts
    for k in range(1, 4):
        assert parts[f"q{k + 1}"][0] > parts[f"q{k}"][-1], f"Problem {k + 1} does not start on a new page"
    subparts = [name for name in parts if re.fullmatch(r"q[1-3]\.[a-c]|q4\.\d+", name)]
    assert len(subparts) == 3 + 2 + 2 + 13, subparts
    # in the source, the box is the first thing after each sub-part's start label (a notebook item's: after the
    # item's question, before its code and outputs) ...
    tex = (built_project / "build/tex/hw4.tex").read_text()
    for name in subparts:
        after = tex.split(f"\\gsstart{{{name}}}", 1)[1].lstrip()
        if name.startswith("q4."):
            question, after = after.split("\\answerbox{", 1)
            assert "\\begin{Verbatim}" not in question and question.count("\\par") == 1, (name, question)
            after = "\\answerbox{" + after
        assert after.startswith("\\answerbox{"), (name, after[:80])
    # ... and on paper it is on the sub-part's first page
    pdf = built_project / "build" / "hw4.pdf"
    for name in subparts:
        assert "Answer." in pdftext(pdf, parts[name][0], parts[name][0]), name


def test_problems_handout_has_statements_only(built_project):
    text = pdftext(built_project / "build" / "hw4_problems.pdf")
    for k in range(1, 5):
        assert f"Problem {k}" in text
    assert "Solution" not in text and "Your Name" not in text
    # the homework's statements as they are: per-student numbers only in a variant's handout (tests/test_variants.py)
    assert "This variant" not in text and "(n, c, h) = (4, 3, 8)" not in text


def test_noop_rerun_does_nothing(built_project):
    proc = run_snakemake(built_project, "-n")
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_rerender_is_byte_identical(built_project):
    pdf = built_project / "build" / "hw4.pdf"
    before = pdf.read_bytes()
    run_snakemake(built_project, "--forcerun", "build/tex/hw4.tex")
    assert pdf.read_bytes() == before


def test_template_edit_reruns_only_render_and_compile(built_project, tmp_path):
    work = tmp_path / "copy"
    shutil.copytree(built_project, work, symlinks=True)
    tpl = work / "report" / "q1_answer.tex.j2"
    tpl.write_text(tpl.read_text() + "%# an edit\n")
    proc = run_snakemake(work, "-n")
    rules = set(re.findall(r"^\s*(?:local)?rule (\w+):", proc.stdout, flags=re.M))
    assert rules == {"render", "compile", "all"}, rules


def planned_rules(work) -> set[str]:
    return set(re.findall(r"^\s*(?:local)?rule (\w+):", run_snakemake(work, "-n").stdout, flags=re.M))


def test_module_edit_reruns_exactly_the_steps_that_import_it(built_project, tmp_path):
    """A rule depends on the package modules its script imports (followed through the package), and no others:
    a shared helper reruns its users, a Problem 1 module or the timing helper never reruns Problem 4's notebook.
    Each module is edited alone (and put back, with its time stamp, before the next)."""
    work = tmp_path / "copy"
    shutil.copytree(built_project, work, symlinks=True)

    def edit(module):
        path = work / module
        text, stat = path.read_text(), path.stat()
        path.write_text(text + "\n# an edit\n")
        try:
            return planned_rules(work)
        finally:
            path.write_text(text)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    def problem_steps(rules, *problems):
        return {r for r in rules if r.startswith(tuple(f"{p}_" for p in problems or ("q1", "q2", "q3", "q4")))}

    # the copy alone reruns the documents (render's templates are inputs by absolute path), no problem's step
    before = planned_rules(work)
    assert not problem_steps(before), before
    rules = edit("hw4/latex.py")
    # q4_finish converts the executed notebook to LaTeX with hw4/latex.py's escaping; no experiment reruns
    assert {"render", "compile"} <= rules and problem_steps(rules) == {"q4_finish"}, rules
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
    assert planned_rules(work) == before, "putting the modules back changed what the build would rerun"


# Phrases no student writes in a submission (the build's voice, not the answer's).
NOT_A_STUDENTS_VOICE = [
    "this report",
    "redrawn for this report",
    "in this run",
    "derived with sympy step by step",
    "a likely cause, not measured",
    "written for this project",
]


def test_the_submission_reads_as_a_students_answer(built_project):
    """No build vocabulary or machine name in the submission's answers (the instructor's solutions keep the
    machine), and one reading of each comparison wherever it is made."""
    body = re.sub(r"\s+", " ", pdftext(built_project / "build" / "hw4.pdf")).lower()
    for phrase in NOT_A_STUDENTS_VOICE:
        assert phrase not in body, phrase
    cpu = json.loads((built_project / "build/results/q1_compare.json").read_text())["machine"]["cpu"]
    assert cpu.lower() not in body
    assert cpu in pdftext(built_project / "build" / "hw4_solutions.pdf")
    # the Q2b box and its bullet: linear attention replaces softmax attention, it does not approximate it
    assert "not an approximation" in body and "they are approximations" not in body
    assert "the window and performer approximate softmax attention and linear attention replaces it" in body
    # the Q1c box names the convnet it timed and what that convnet sees
    assert re.search(r"the \d+-layer convnet timed below, which sees only \d+ cells", body)
