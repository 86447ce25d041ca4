"""In every document the statements are the homework's own words (../shared/seed/homework4.md), word for word.

The templates mark the homework's text with \\begin{statement} ... \\end{statement}; anything else (the redrawn
picture, a variant's numbers, Problem 4's list of notebook items) lies outside.  Both sides are reduced to their
words and symbols: markup (Markdown emphasis and bullets, LaTeX list and emphasis commands, quote ligatures,
display-math delimiters) and all whitespace are dropped, and the rest must be equal.
"""

import re

import pytest
from conftest import ROOT

from hw4.config import load_config
from hw4.render import build_context, render

SHARED, KEPT = ROOT.parent / "shared" / "seed" / "homework4.md", ROOT / "tests" / "data" / "homework4.md"
HOMEWORK = SHARED if SHARED.exists() else KEPT  # KEPT: in a clone outside the workplace, the copy kept with the tests


def homework_statements(md: str) -> list[str]:
    """The intro, then problems 1-4, as the homework states them (headers such as **(3 points)** aside)."""
    intro = md[md.index("**Please upload") : md.index("* * * * *")]
    problems = re.split(r"^(?=\d\. \*\*\()", md[md.index("* * * * *") :], flags=re.M)[1:]
    out = [intro]
    for p in problems:
        body = re.sub(r"^\d\. \*\*\([^)]*\)\*\*( \*[^*]+\*\.?)?", "", p)  # "1. **(3 points)** *RNNs for images*."
        body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)  # the picture (redrawn in the PDF, outside the statement)
        body = re.sub(r"^\s*[a-c]\. ", "", body, flags=re.M)  # sub-part labels (the PDF's list numbers them)
        out.append(body)
    return out


def reduce_markdown(text: str) -> str:
    text = re.sub(r"^\s*\* ", "", text, flags=re.M)  # bullets
    text = text.replace("**", "").replace("$$", "")
    text = re.sub(r"(?<![\w$])\*([^*]+)\*", r"\1", text)  # *emphasis*
    return re.sub(r"\s+", "", text)


def reduce_latex(text: str) -> str:
    text = re.sub(r"\\begin\{(enumerate|itemize)\}(\[[^\]]*\])?|\\end\{(enumerate|itemize)\}|\\item\b", "", text)
    text = re.sub(r"\\(textbf|emph)\{([^{}]*)\}", r"\2", text)
    text = text.replace("``", '"').replace("''", '"').replace(r"\[", "").replace(r"\]", "")
    return re.sub(r"\s+", "", text)


def statements_of(tex: str) -> list[str]:
    return re.findall(r"\\begin\{statement\}(.*?)\\end\{statement\}", tex, flags=re.S)


def handout_statements() -> list[str]:
    config = load_config()
    return statements_of(render(ROOT / "report", "hw4.tex.j2", build_context(config, "handout", {})))


def grouped(blocks: list[str]) -> list[str]:
    """The statement blocks as intro + one per problem (Problem 1's text is split around its picture)."""
    assert len(blocks) == 6, f"expected the intro, two blocks of Problem 1 and one per other problem: {len(blocks)}"
    return [blocks[0], blocks[1] + blocks[2], *blocks[3:]]


def test_the_handout_states_the_homework_word_for_word():
    want = [reduce_markdown(s) for s in homework_statements(HOMEWORK.read_text(encoding="utf-8"))]
    got = [reduce_latex(s) for s in grouped(handout_statements())]
    for name, w, g in zip(("intro", "problem 1", "problem 2", "problem 3", "problem 4"), want, got, strict=True):
        assert g == w, f"{name}:\n homework: {w}\n     PDF: {g}"


@pytest.mark.e2e
@pytest.mark.parametrize("doc", ["hw4", "hw4_solutions", "hw4_problems"])
def test_every_document_has_the_same_statements(built_project, doc):
    """The problems' words in every document; the homework's instructions (upload by, collaborators, Gradescope)
    in the handout and the submission, not in the solutions an instructor posts."""
    tex = (built_project / "build" / "tex" / f"{doc}.tex").read_text(encoding="utf-8")
    want = handout_statements()
    assert statements_of(tex) == (want[1:] if doc == "hw4_solutions" else want)


def test_the_comparison_catches_an_added_sentence():
    blocks = grouped(handout_statements())
    md = homework_statements(HOMEWORK.read_text(encoding="utf-8"))
    assert reduce_latex(blocks[1] + " Give your answers for general $(n, c, h)$.") != reduce_markdown(md[1])


def test_the_kept_copy_is_the_homework():
    if not SHARED.exists():
        pytest.skip("the workplace's copy of the homework is not beside this checkout")
    assert KEPT.read_bytes() == SHARED.read_bytes()
