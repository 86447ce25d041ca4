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
    work, pdf, pages = compile_tex(tex, [], 0)
    try:
        assert pdf.read_bytes().startswith(b"%PDF")
        assert pages == {"page_count": 3, "parts": {"p1": [1, 2], "p2": [3]}}
    finally:
        import shutil

        shutil.rmtree(work)


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


def test_page_map_reads_hyperref_labels():
    aux = "\\newlabel{gs:q1.a:start}{{}{2}{Title {x}}{section*.1}{}}\n\\newlabel{gs:q1.a:end}{{}{4}{}{a}{}}\n"
    assert page_map(aux, 5) == {"page_count": 5, "parts": {"q1.a": [2, 3, 4]}}
    with pytest.raises(TexError):
        page_map("\\newlabel{gs:x:start}{{}{2}{}{a}{}}\n", 3)


def test_page_map_ignores_other_labels():
    assert page_map("\\newlabel{eq:1}{{1}{2}{}{a}{}}\n", 1)["parts"] == {}


def test_readme_points_to_two_commands():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "make test" in readme and "\nmake\n" in readme
