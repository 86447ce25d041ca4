"""The Jinja environment: escaping by default, Raw as the only bypass, loud failures on missing values."""

import subprocess

import pytest
from conftest import pdf_text

from hw4.latex import UNBROKEN_LINES, Raw, code_excerpt, escape_latex, finalize, mark_raw, sci
from hw4.render import RenderError, render


@pytest.mark.parametrize(
    ("text", "typeset"),
    [
        (
            r"a & b % c $ d # e _ f { g } h ~ i ^ j \ k",
            r"a \& b \% c \$ d \# e \_ f \{ g \} h \textasciitilde{} i \textasciicircum{} j \textbackslash{} k",
        ),
        # commands from data are inert
        (
            r"\input{/etc/hostname}\write18{rm -rf /}",
            r"\textbackslash{}input\{/etc/hostname\}\textbackslash{}write18\{rm -{}rf /\}",
        ),
        # non-Latin characters by code point; control characters and bidi overrides dropped
        ("caf\u00e9 \U0001f600 \u202eRTL\x00\x07 done", r"café \unichar{1F600} RTL done"),
        ("x" * 500, ("x" * 60 + r"\allowbreak{}") * 8 + "x" * 20),  # long words get break points
    ],
)
def test_text_is_typeset_literally(text, typeset):
    assert escape_latex(text) == typeset


def test_finalize_numbers_and_raw():
    assert finalize(1234567) == r"1\,234\,567"
    assert finalize(Raw(r"\frac{a}{b}")) == r"\frac{a}{b}"
    assert finalize("a_b") == r"a\_b"
    assert finalize(0.000123) == sci(0.000123, 4)
    with pytest.raises(ValueError):
        finalize(None)


def test_mark_raw_only_marks_tex_keys():
    d = mark_raw({"formula_tex": r"\alpha", "name": r"\alpha", "rows": [{"x_tex": "y"}]})
    assert isinstance(d["formula_tex"], Raw)
    assert not isinstance(d["name"], Raw)
    assert isinstance(d["rows"][0]["x_tex"], Raw)


def test_template_values_escaped_by_default(tmp_path):
    (tmp_path / "t.tex.j2").write_text(r"\VAR{a} \VAR{b}" + "\n%% if flag\nyes\n%% endif\n")
    out = render(tmp_path, "t.tex.j2", {"a": "50% & $5", "b": Raw(r"\textbf{x}"), "flag": True})
    assert out == "50\\% \\& \\$5 \\textbf{x}\nyes\n"


def test_undefined_value_names_template_and_variable(tmp_path):
    (tmp_path / "t.tex.j2").write_text("line one\n\\VAR{results.q9.missing_key}\n")
    with pytest.raises(RenderError) as err:
        render(tmp_path, "t.tex.j2", {"results": {"q9": {}}})
    msg = str(err.value)
    assert "t.tex.j2:2" in msg and "missing_key" in msg


def test_code_excerpt_reads_marked_region(tmp_path):
    src = tmp_path / "s.py"
    src.write_text("a = 1\n# region: demo\n    def f():\n        return 2\n# endregion\n")
    out = code_excerpt(src, "demo")
    assert "def f():\n    return 2" in out and out.startswith("\\begin{unbroken}\n\\begin{lstlisting}\n")
    assert "s.py" not in out and "caption" not in out  # the code alone: no file name or lines (build vocabulary)
    # a listing too long for one page may be split: it is not wrapped
    src.write_text("# region: long\n" + "x = 1\n" * (UNBROKEN_LINES + 1) + "# endregion\n")
    assert code_excerpt(src, "long").startswith("\\begin{lstlisting}")
    with pytest.raises(KeyError):
        code_excerpt(src, "nope")


def test_escaped_hostile_text_compiles(tmp_path):
    hostile = [r"\input{/etc/hostname}", r"\write18{touch pwned}", "100% {unbalanced", "^^5c", "~#_&$", "\U0001f525"]
    body = "\n\n".join(escape_latex(h) for h in hostile)
    tex = tmp_path / "t.tex"
    tex.write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}\\usepackage{lmodern}"
        "\\newcommand{\\unichar}[1]{U+#1}\\begin{document}\n" + body + "\n\\end{document}\n"
    )
    cmd = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert not (tmp_path / "pwned").exists()
    text = pdf_text(tmp_path / "t.pdf")
    assert "\\input{/etc/hostname}" in text and "100% {unbalanced" in text


def test_regions_nest_and_their_markers_are_not_shown(tmp_path):
    src = tmp_path / "m.py"
    src.write_text(
        "# region: whole\ndef f(x):\n    # region: core\n    y = x + 1\n    # endregion\n    return y\n# endregion\n"
        "z = 0\n"
    )
    whole, core = str(code_excerpt(src, "whole")), str(code_excerpt(src, "core"))
    assert "def f(x):\n    y = x + 1\n    return y\n\\end{lstlisting}" in whole and "region" not in whole
    assert "y = x + 1\n\\end{lstlisting}" in core and "return" not in core and "z = 0" not in whole
    src.write_text("# region: open\nx = 1\n# region: inner\ny = 2\n# endregion\n")
    with pytest.raises(KeyError, match="no closing"):
        code_excerpt(src, "open")
