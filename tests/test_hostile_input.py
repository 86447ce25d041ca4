"""Untrusted text goes through the real render and compile path and comes out literally, doing nothing.

Security cases: TeX commands that read, write or run things arrive escaped, so they appear as text; the compile
runs with shell escape off and openin_any/openout_any = paranoid, so even unescaped they could not reach outside
the build directory (see test_compile.py::test_tex_cannot_write_outside_its_directory).
"""

import glob
from pathlib import Path

import pytest
from conftest import ROOT, pdf_text, squash
from hostile.corpus import CASES, HOSTNAME

from hw4.latex import make_env
from hw4.tex import compile_tex

TEMPLATE = r"""%% include "preamble.tex.j2"
\begin{document}
%% for name, text, expect in cases
\subsection*{case \VAR{name}}
\VAR{text}

%% endfor
\end{document}
"""

PWNED = "/tmp/hw4-pwned*"  # what the write18, id and openout cases would make


@pytest.fixture(scope="module")
def corpus_pdf(tmp_path_factory):
    for p in glob.glob(PWNED):
        Path(p).unlink()
    tex = tmp_path_factory.mktemp("hostile") / "hostile.tex"
    tex.write_text(make_env(ROOT / "report").from_string(TEMPLATE).render(cases=CASES), encoding="utf-8")
    _, pdf, pages = compile_tex(tex, [], 0)
    return pdf_text(pdf), pages


@pytest.mark.parametrize("name,text,expect", CASES, ids=[c[0] for c in CASES])
def test_case_appears_literally(corpus_pdf, name, text, expect):
    shown, _ = corpus_pdf
    assert f"case {name}" in shown
    assert squash(expect) in squash(shown), f"{name}: {expect!r} not shown literally"


def test_nothing_was_read_written_or_run(corpus_pdf):
    shown, pages = corpus_pdf
    assert not glob.glob(PWNED) and "root:x:0:0" not in shown
    if len(HOSTNAME) > 3:
        assert HOSTNAME not in squash(shown)
    assert pages["page_count"] >= 1 and shown.count("case ") >= len(CASES)  # every case compiled into it
