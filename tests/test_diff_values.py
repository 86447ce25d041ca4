"""The value-level diff document: changed values marked in place by the renderer, the templates' prose diffed by
word, changed figures' captions marked, a summary page first; latexdiff only where this cannot apply.

The slow tests diff two small builds (templates, results, figures) whose changes hit a table cell, a displayed
sympy formula, a figure, a sentence and a value inside a sentence, and read the compiled PDF's text.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import pdf_text
from test_versions import _figure

from hw4.latex import Raw, load_results, make_env
from hw4.render import build_context, render
from hw4.tex import compile_tex
from hw4.versions.diff import diff_builds, read_build
from hw4.versions.marks import ADDED, Marker, flag_branches, track
from hw4.versions.prose import diff_template, tokenize

needs_tex = pytest.mark.skipif(
    not (shutil.which("latexmk") and shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="needs latexmk and poppler-utils (make tex)",
)

# ------------------------------------------------------------------------------------------------ prose
BODY = r"""\section*{Problem 1}
%% set r = results.q1
The recurrence runs along anti-diagonals. Each step is one batched matrix product. The accuracy is
\VAR{r.accuracy | fixed(4)} on the test set.
\begin{tabular}{lr}
\toprule
instance & parameters \\
%% for row in r.instances
\VAR{row.name} & \VAR{row.params} \\
%% endfor
\end{tabular}
"""


def test_an_unchanged_template_comes_back_unchanged_and_every_token_is_kept():
    for path in sorted(Path(__file__).resolve().parents[1].glob("report/*.j2")):
        text = path.read_text()
        assert "".join(t.text for t in tokenize(text)) == text
        marked, counts, structural = diff_template(path.name, text, text)
        assert marked == text and counts == {"added": 0, "deleted": 0} and structural == []


def test_a_sentence_edit_is_marked_word_by_word():
    new = BODY.replace("Each step is one batched matrix product.", "Each step costs a single batched product.")
    marked, counts, structural = diff_template("q1.tex.j2", BODY, new)
    assert structural == []
    assert counts == {"added": 3, "deleted": 3}  # costs a single / is one, matrix
    assert "Each step \\hwdel{q1}{is one} \\hwadd{q1}{costs a single} batched \\hwdel{q1}{matrix} product." in marked
    assert "\\VAR{r.accuracy | fixed(4)}" in marked and "%% for row in r.instances" in marked  # Jinja untouched


def test_words_in_a_table_cell_and_an_added_sentence_with_a_value_are_prose():
    new = BODY.replace("instance & parameters", "instance & trainable parameters").replace(
        "on the test set.", "on the test set. It took \\VAR{r.epochs} epochs."
    )
    marked, counts, structural = diff_template("q2.tex.j2", BODY, new)
    assert structural == [] and counts == {"added": 4, "deleted": 0}  # trainable, It took, epochs.
    assert "instance & \\hwadd{q2}{trainable} parameters" in marked  # the & stays outside the mark
    assert "\\hwadd{q2}{It took} \\VAR{r.epochs} \\hwadd{q2}{epochs.}" in marked  # the value is not wrapped


def test_comments_and_line_breaks_are_not_changes():
    new = BODY.replace("The accuracy is\n", "%# a note for the maintainer\nThe accuracy\nis ")
    marked, counts, structural = diff_template("q1.tex.j2", BODY, new)
    assert (marked, counts, structural) == (new, {"added": 0, "deleted": 0}, [])


def test_words_deleted_before_a_line_statement_leave_it_at_the_start_of_its_line(tmp_path):
    """A deletion just before `%% else`, `%% endfor` or `%% include` must not push the statement off its line
    (Jinja would no longer see it: a branch printed twice, a template silently dropped)."""
    old = (
        "%% if x\nkept deleted words\n%% else\nother\n%% endif\n"
        "%% for i in items\nitem gone\n%% endfor\nlast words\n%% include 'inc.tex.j2'\n"
    )
    new = old.replace(" deleted words", "").replace("item gone", "item").replace("last words", "last")
    marked, counts, structural = diff_template("q1.tex.j2", old, new)
    assert structural == [] and counts == {"added": 0, "deleted": 4}
    assert all(line.startswith("%%") for line in marked.splitlines() if "%%" in line), marked
    (tmp_path / "t.tex.j2").write_text(marked)
    (tmp_path / "inc.tex.j2").write_text("included\n")
    env = make_env(tmp_path)
    yes, no = (env.get_template("t.tex.j2").render(x=x, items=[1]) for x in (True, False))
    assert yes == "kept \\hwdel{q1}{deleted words}\nitem \\hwdel{q1}{gone}\nlast \\hwdel{q1}{words}\nincluded\n"
    assert no == "other\nitem \\hwdel{q1}{gone}\nlast \\hwdel{q1}{words}\nincluded\n"


@pytest.mark.parametrize(
    "old, new",
    [
        ("instance & parameters \\\\", "instance & parameters & size \\\\"),  # a column
        ("\\toprule", "\\toprule\\midrule"),  # a command
        ("%% for row in r.instances", "%% for row in r.instances[:2]"),  # a Jinja statement
        ("\\VAR{r.accuracy | fixed(4)}", "\\VAR{r.accuracy | fixed(2)}"),  # a value's format
        ("\\begin{tabular}{lr}", "\\begin{tabular}{ll}"),  # an environment's argument
        ("on the test set.", "on the \\emph{test} set."),  # markup around words
    ],
)
def test_structural_edits_are_reported_with_their_line(old, new):
    edited = BODY.replace(old, new)
    assert edited != BODY
    _, _, structural = diff_template("q1.tex.j2", BODY, edited)
    line = next(k + 1 for k, text in enumerate(edited.splitlines()) if new.splitlines()[0].strip()[:6] in text)
    assert structural and structural[0]["template"] == "q1.tex.j2"
    assert abs(structural[0]["line"] - line) <= 1, (structural, line)


# ------------------------------------------------------------------------------------------------ value marks
def _render(tmp_path, text: str, results: dict, marker=None, config=None) -> str:
    (tmp_path / "t.tex.j2").write_text(text)
    (tmp_path / "q1.json").write_text(json.dumps(results))
    loaded = load_results(tmp_path / "q1.json")
    env = make_env(tmp_path, marker)
    ctx = {"results": {"q1": track(loaded, "q1.json") if marker else loaded}}
    if config is not None:
        ctx["config"] = track(config, "config") if marker else config
    return env.get_template("t.tex.j2").render(**ctx)


MARKED = (
    r"%% set r = results.q1" "\n"
    r"a=\VAR{r.a | fixed(2)} b=\VAR{r.rows[1].b} f=$\VAR{r.f_tex}$ ids=\VAR{r.ids | join(' ')} "
    r"s=\VAR{r.rows[0].b | string} n=\VAR{r.name} h=\VAR{config.q1.h}"
)  # fmt: skip


def test_marks_wrap_exactly_the_changed_values_each_formatted_like_the_new_one(tmp_path):
    results = {"a": 1234.5, "rows": [{"b": 7}, {"b": 2048}], "f_tex": "h c", "ids": [101, 7592], "name": "x_1"}
    config = {"q1": {"h": 24}}
    plain = _render(tmp_path, MARKED, results, config=config)
    assert _render(tmp_path, MARKED, results, Marker({}), config) == plain  # nothing changed: the report itself

    changes = {
        ("q1.json", "a"): 999.0,
        ("q1.json", "rows[1].b"): 4096,
        ("q1.json", "f_tex"): Raw("h (c + h)"),
        ("q1.json", "ids[1]"): 2000,
        ("q1.json", "name"): ADDED,
        ("config", "q1.h"): 32,
    }
    marker = Marker(changes)
    out = _render(tmp_path, MARKED, results, marker, config)
    assert out == (
        "a=\\hwchg{q1}{1\\,234.50}{999.00} b=\\hwchg{q1}{2\\,048}{4\\,096} f=$\\hwchg{q1}{h c}{h (c + h)}$ "
        "ids=101 \\hwchg{q1}{7592}{2000} s=7 n=\\hwnew{q1}{x\\_1} h=\\hwchg{q1}{24}{32}"
    )
    assert {k for _, k in marker.marks} == set(changes)
    assert ("q1.json", "rows[0].b") in marker.printed and ("q1.json", "ids[0]") in marker.printed


def test_a_list_in_prose_marks_its_changed_item(tmp_path):
    text = "\\VAR{results.q1.labels | andjoin} and \\VAR{results.q1.two | andjoin}."
    results = {"labels": ["sliding window", "linear", "Performer"], "two": ["a", "b"]}
    assert _render(tmp_path, text, results, Marker({})) == "sliding window, linear and Performer and a and b."
    out = _render(tmp_path, text, results, Marker({("q1.json", "labels[1]"): "linear (elu+1)"}))
    assert out == "sliding window, \\hwchg{q1}{linear}{linear (elu+1)} and Performer and a and b."


def test_a_value_equal_at_the_printed_precision_is_not_marked(tmp_path):
    results = {"a": 0.88241, "rows": [{"b": 7}, {"b": 8}], "f_tex": "h", "ids": [1, 2], "name": "n"}
    marker = Marker({("q1.json", "a"): 0.88239})
    out = _render(tmp_path, "\\VAR{results.q1.a | fixed(3)} \\VAR{results.q1.a | fixed(5)}", results, marker)
    assert out == "0.882 \\hwchg{q1}{0.88241}{0.88239}"  # the same at 3 decimals: printed as is, not marked
    assert len(marker.marks) == 1


def test_a_branch_is_flagged_only_where_a_condition_could_have_decided_otherwise(tmp_path):
    text = flag_branches(
        "\\BLOCK{if results.q1.faster}faster\\BLOCK{else}slower\\BLOCK{endif}; "
        "\\BLOCK{if results.q1.ratio is none}none\\BLOCK{else}some\\BLOCK{endif}; "
        "\\BLOCK{if results.q1.winners}won\\BLOCK{else}lost\\BLOCK{endif}."
    )
    old = {"faster": False, "ratio": 4.0, "winners": ["a"]}
    new = {"faster": True, "ratio": 5.0, "winners": ["b"]}
    changes = {("q1.json", "faster"): False, ("q1.json", "ratio"): 4.0, ("q1.json", "winners[0]"): "a"}
    marker = Marker(changes, old={"q1.json": old}, new={"q1.json": new})
    out = _render(tmp_path, text, new, marker)
    # the verdict flipped: flagged; the ratio moved but stayed a number, the list stayed non-empty: not flagged
    assert out == "\\hwflip{q1}faster; some; won."
    assert marker.flips == [("q1", ("q1.json", "faster"))]


def test_mark_all_marks_every_printed_value(tmp_path):
    results = {"a": 1.0, "rows": [{"b": 7}, {"b": 8}], "f_tex": "h", "ids": [1, 2], "name": "n"}
    marker = Marker({}, mark_all=True)
    out = _render(tmp_path, MARKED, results, marker, {"q1": {"h": 3}})
    assert out.count("\\hwchg") == 8 and {k for _, k in marker.marks} == marker.printed


# ------------------------------------------------------------------------------------------------ documents
TEMPLATE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,booktabs,graphicx,xcolor,enumitem}
\usepackage{caption}
\usepackage[hidelinks]{hyperref}
\newcommand{\figcaption}[1]{\captionof{figure}{#1}}
\begin{document}
%% include "q1.tex.j2"
\end{document}
"""
PROBLEM = r"""\section*{Problem 1}
%% set r = results.q1
The recurrence is evaluated along anti-diagonals. @SENTENCE@ The convnet has four layers. The accuracy is
\VAR{r.accuracy | fixed(4)} on the test set. The RNN is \BLOCK{if r.claims.faster}faster\BLOCK{else}slower\BLOCK{endif} here.
\[ P = \VAR{r.formula_tex} \]
\begin{center}
\begin{tabular}{lrr}
\toprule
instance & $h$ & parameters \\
\midrule
%% for row in r.instances
row\VAR{loop.index} & \VAR{row.h} & \VAR{row.params} \\
%% endfor
\bottomrule
\end{tabular}
\end{center}
\begin{center}
\includegraphics[width=0.4\linewidth]{figures/q1_curve.pdf}
\figcaption{Loss against the epoch.}
\end{center}
"""
V1 = {
    "sentence": "Each step is one batched matrix product.",
    "accuracy": 0.8125,
    "formula_tex": "h \\left(c + 2 h\\right)",
    "h3": 32,
    "params3": 2144,
    "color": "tab:blue",
}
V2 = {
    "sentence": "Each step costs a single batched product.",
    "accuracy": 0.84375,
    "formula_tex": "h \\left(c + 3 h\\right)",
    "h3": 24,
    "params3": 1224,
    "color": "tab:red",
}


def make_version(root: Path, v: dict, problem: str = PROBLEM, keep_templates: bool = True) -> Path:
    """A project tree laid out like a build: templates, results, the figure, the rendered .tex and its PDF."""
    results = {
        "accuracy": v["accuracy"],
        "formula_tex": v["formula_tex"],
        "instances": [{"h": 8, "params": 152}, {"h": 16, "params": 560}, {"h": v["h3"], "params": v["params3"]}],
        "time_forward_s": 0.5,
        "claims": {"faster": v["accuracy"] > 0.83},  # a verdict: flips between the two versions
    }
    (root / "build/results").mkdir(parents=True)
    (root / "build/results/q1.json").write_text(json.dumps(results))
    (root / "report").mkdir()
    (root / "report/hw4.tex.j2").write_text(TEMPLATE)
    (root / "report/q1.tex.j2").write_text(problem.replace("@SENTENCE@", v["sentence"]))
    _figure(root / "figures/q1_curve.pdf", v["color"], "curve")
    context = build_context({}, "submission", {})
    context["results"] = {"q1": load_results(root / "build/results/q1.json")}
    (root / "build/tex").mkdir(parents=True)
    (root / "build/tex/hw4.tex").write_text(render(root / "report", "hw4.tex.j2", context))
    work, pdf, _ = compile_tex(root / "build/tex/hw4.tex", [root / "figures/q1_curve.pdf"], 0)
    shutil.copyfile(pdf, root / "build/hw4.pdf")
    shutil.rmtree(work)
    if not keep_templates:
        shutil.rmtree(root / "report")
    return root


def spec(root: Path) -> dict:
    return {
        "template_dir": str(root / "report"),
        "template": "hw4.tex.j2",
        "mode": "submission",
        "config": {},
        "results": {"q1": str(root / "build/results/q1.json")},
    }


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("values")
    return make_version(tmp / "v1", V1), make_version(tmp / "v2", V2)


def _line_with(text: str, start: str) -> str:
    lines = [line for line in text.splitlines() if line.strip().startswith(start)]
    assert len(lines) == 1, (start, lines)
    return " ".join(lines[0].split())


@pytest.mark.slow
@needs_tex
def test_value_diff_marks_the_cell_the_formula_the_figure_the_sentence_and_the_value(versions, tmp_path):
    v1, v2 = versions
    out = tmp_path / "diff"
    report = diff_builds(read_build(v1), read_build(v2), out, 60, "v1", "v2", 0, render_spec=spec(v2))
    doc = report["document"]
    assert doc["mode"] == "values" and [a["ok"] for a in doc["attempts"]] == [True]
    marked = doc["marked"]
    assert marked["values"] == {
        "q1": ["q1.json:accuracy", "q1.json:formula_tex", "q1.json:instances[2].h", "q1.json:instances[2].params"]
    }
    assert marked["words"] == {"q1": {"added": 3, "deleted": 3}} and marked["figures"] == ["q1_curve"]
    assert marked["not_printed"] == []  # time_forward_s did not change

    pdf = out / "hw4-diff.pdf"
    summary, body, figures = (pdf_text(pdf, layout=True, first=k) for k in (1, 2, 3))
    # the table: the changed row holds new then old in each changed cell; the other rows are as they were
    assert _line_with(body, "row3") == "row3 24 32 1 224 2 144"
    assert _line_with(body, "row1") == "row1 8 152" and _line_with(body, "row2") == "row2 16 560"
    # the displayed formula: new, then the old one
    formula = _line_with(body, "P =")
    assert re.search(r"P = h \(c \+ 3h\) h \(c \+ 2h\)", formula), formula
    # the sentence, word by word: deleted then added, in reading order; the value inside a sentence
    flat = " ".join(body.split())
    assert "Each step is one costs a single batched matrix product." in flat
    assert "The accuracy is 0.8438 0.8125 on the test set." in flat
    # the sentence a changed verdict chose is flagged, and the verdict listed on the summary page
    assert "The RNN is [verdict changed] faster here." in flat
    assert "q1.json claims.faster: no → yes" in " ".join(summary.split())
    assert doc["marked"]["verdicts"] == [{"file": "q1.json", "key": "claims.faster", "old": False, "new": True}]
    # the figure: its caption marked, pointing at the side-by-side page
    assert "Figure 1: [Figure changed: base and current side by side on page 3.] Loss against the epoch." in flat
    assert "q1_curve: figures/q1_curve.png" in " ".join(figures.split())
    assert (out / "figures/q1_curve.png").is_file()
    # the summary first: the counts of Problem 1, and the page they are on (a link)
    assert "What changed since the base" in summary
    assert _line_with(summary, "Problem 1") == "Problem 1 4 – +3 / −3 1 2"
    assert "value-level" in summary
    md = (out / "results-diff.md").read_text()
    assert "mode **values**" in md and "marked: 4 value(s) in place, +3 / -3 word(s), 1 figure caption(s)" in md


@pytest.mark.slow
@needs_tex
def test_identical_builds_give_a_value_diff_with_no_mark(versions, tmp_path):
    v1, _ = versions
    report = diff_builds(read_build(v1), read_build(v1), tmp_path / "d", 60, "v1", "v1", 0, render_spec=spec(v1))
    assert report["document"]["mode"] == "values"
    tex = (tmp_path / "d/hw4-diff.tex").read_text()
    body = tex[tex.index("\\section*{Problem 1}") :]
    assert not re.search(r"\\hw(chg|new|add|del|fig)\{", body)
    assert "Nothing that this document shows changed." in pdf_text(tmp_path / "d/hw4-diff.pdf")


@pytest.mark.slow
@needs_tex
def test_structure_changes_and_bases_without_templates_fall_back_to_latexdiff_saying_why(versions, tmp_path):
    v1, v2 = versions
    restructured = make_version(tmp_path / "v3", V2, PROBLEM.replace("{lrr}", "{lrl}"))
    report = diff_builds(
        read_build(v1), read_build(restructured), tmp_path / "d1", 60, "v1", "v3", 0, render_spec=spec(restructured)
    )
    doc = report["document"]
    assert doc["mode"] in ("fine", "coarse") and doc["attempts"][0]["mode"] == "values"
    assert not doc["attempts"][0]["ok"]
    text = " ".join(pdf_text(tmp_path / "d1/hw4-diff.pdf").split())
    assert "Value-level marks were not used: the templates differ in structure, not only in words" in text
    assert "(q1.tex.j2 line 7)" in text and "Markup: latexdiff" in text

    bare = make_version(tmp_path / "v0", V1, keep_templates=False)
    report = diff_builds(read_build(bare), read_build(v2), tmp_path / "d2", 60, "v0", "v2", 0, render_spec=spec(v2))
    assert report["document"]["mode"] in ("fine", "coarse")
    assert "keeps no copy of the report's templates" in " ".join(pdf_text(tmp_path / "d2/hw4-diff.pdf").split())
    assert "mode values not used: the base keeps no copy" in (tmp_path / "d2/results-diff.md").read_text()


@pytest.mark.e2e
@pytest.mark.parametrize("document, mode", [("hw4", "submission"), ("hw4_solutions", "solutions")])
def test_marks_never_break_the_real_documents(built_project, tmp_path, monkeypatch, document, mode):
    """Every value the real templates print, marked as changed: the submission and the solutions still render and
    compile (marks in every table cell, formula, caption and heading), and each printed key was marked."""
    monkeypatch.chdir(built_project)  # the templates' listings read the project's modules by relative path
    build = read_build(built_project)
    config = build["config"]
    assert config is not None and config["q1"]["instances"]  # the build records its settings for the diff
    results = {p.stem: str(p) for p in sorted(built_project.glob("build/results/*.json"))}
    render_spec = {"template_dir": "report", "template": "hw4.tex.j2", "mode": mode, "config": config}
    report = diff_builds(
        build,
        read_build(built_project),
        tmp_path / "d",
        60,
        "the build",
        "the build, every value marked",
        0,
        render_spec={**render_spec, "results": results},
        mark_all=True,
    )
    doc = report["document"]
    assert doc["mode"] == "values", doc["attempts"]
    marked = doc["marked"]["values"]
    assert {"front", "q1", "q2", "q3", "q4"} <= set(marked) and sum(len(v) for v in marked.values()) > 350
    tex = (tmp_path / "d/hw4-diff.tex").read_text()
    assert "\\textbackslash{}hwchg" not in tex  # no mark escaped into the text
    text = pdf_text(tmp_path / "d/hw4-diff.pdf")
    assert "Problem 4" in text and "What changed since the base" in text
