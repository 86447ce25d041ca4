"""The compile step: first TeX error with file and line, nothing half-written, the page map from the aux."""

from pathlib import Path

import pytest

from hw4.tex import INSTALL_HINT, TexError, compile_tex, first_tex_error, page_map

GOOD = r"""\documentclass{article}
\newcommand{\gsstart}[1]{\label{gs:#1:start}}\newcommand{\gsend}[1]{\label{gs:#1:end}}
\begin{document}
\gsstart{p1}one\clearpage two\gsend{p1}\clearpage\gsstart{p2}three\gsend{p2}
\end{document}
"""


def test_compiles_and_maps_pages(tmp_path):
    tex = tmp_path / "doc.tex"
    tex.write_text(GOOD)
    _, pdf, pages = compile_tex(tex, [], 0)  # the PDF in a temp dir beside the .tex: under tmp_path
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pages == {"page_count": 3, "parts": {"p1": [1, 2], "p2": [3]}}


REFS = r"""\documentclass{article}
\usepackage[hidelinks]{hyperref}
\pdftrailerid{}
\begin{document}
\section{First}\label{first} See page \pageref{last} and section \ref{first}.
@FILL@\section{Last}\label{last} Back to page \pageref{first}.
\end{document}
"""


def test_a_kept_state_saves_a_pass_and_never_changes_the_pdf(tmp_path):
    """The latexmk state of the last run (aux, bookmarks, checksums) makes an unchanged-references compile one
    pdflatex pass; when the references moved (a stale state, or another document's), latexmk reruns and the PDF
    is byte for byte the one a fresh compile makes."""
    state, log = tmp_path / "state", tmp_path / "run.log"
    state.mkdir()

    def compile_(text, name, **kw):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "doc.tex").write_text(text)
        _, pdf, _ = compile_tex(folder / "doc.tex", [], 0, log, **kw)
        return pdf.read_bytes(), log.read_text().count("Run number")

    short, long = REFS.replace("@FILL@", ""), REFS.replace("@FILL@", "\\clearpage\n" * 3)
    fresh_short, runs = compile_(short, "a", state=state)
    assert runs >= 2 and {p.name for p in state.iterdir()} == {"doc.aux", "doc.out", "doc.fdb_latexmk"}
    again, runs = compile_(short.replace("See page", "See  page"), "b", state=state)
    assert runs == 1 and again == fresh_short  # same references: one pass, the same PDF
    moved, runs = compile_(long, "c", state=state)  # the last section moved to page 4: a stale state
    fresh_long, _ = compile_(long, "d")
    assert runs >= 2 and moved == fresh_long


def test_error_names_file_line_and_leaves_nothing(tmp_path):
    tex = tmp_path / "doc.tex"
    tex.write_text("\\documentclass{article}\n\\begin{document}\nfine\n\\undefinedmacro here\n\\end{document}\n")
    with pytest.raises(TexError) as err:
        compile_tex(tex, [], 0)
    msg = str(err.value)
    assert "doc.tex:4" in msg and "Undefined control sequence" in msg and "\\undefinedmacro" in msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.tex"]  # no PDF, no temp dir


def test_missing_tex_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    tex = tmp_path / "doc.tex"
    tex.write_text(GOOD)
    with pytest.raises(TexError) as err:
        compile_tex(tex, [], 0)
    assert str(err.value) == INSTALL_HINT and "apt-get install" in INSTALL_HINT


def test_tex_cannot_write_outside_its_directory(tmp_path):
    target = tmp_path / "outside.txt"
    sub = tmp_path / "build"
    sub.mkdir()
    tex = sub / "doc.tex"
    tex.write_text(
        "\\documentclass{article}\\begin{document}\\newwrite\\f"
        f"\\immediate\\openout\\f={target}\\immediate\\write\\f{{x}}\\immediate\\closeout\\f ok\\end{{document}}\n"
    )
    with pytest.raises(TexError):
        compile_tex(tex, [], 0)
    assert not target.exists()


def test_first_error_of_plain_log():
    log = "noise\n! LaTeX Error: File `nope.sty' not found.\n\nl.3 \\usepackage\n"
    assert first_tex_error(log).startswith("?: LaTeX Error: File `nope.sty' not found.")


def test_page_map_reads_hyperref_labels_and_ignores_other_labels():
    aux = "\\newlabel{gs:q1.a:start}{{}{2}{Title {x}}{section*.1}{}}\n\\newlabel{gs:q1.a:end}{{}{4}{}{a}{}}\n"
    assert page_map(aux + "\\newlabel{eq:1}{{1}{2}{}{a}{}}\n", 5) == {"page_count": 5, "parts": {"q1.a": [2, 3, 4]}}
    assert page_map("\\newlabel{eq:1}{{1}{2}{}{a}{}}\n", 1)["parts"] == {}
    with pytest.raises(TexError):
        page_map("\\newlabel{gs:x:start}{{}{2}{}{a}{}}\n", 3)


def test_readme_points_to_two_commands():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "make test" in readme and "\nmake\n" in readme
