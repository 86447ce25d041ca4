"""Untrusted text goes through the real render and compile path and comes out literally, doing nothing.

Security cases: TeX commands that read, write or run things arrive escaped, so they appear as text; the compile
runs with shell escape off and openin_any/openout_any = paranoid, so even unescaped they could not reach outside
the build directory (see test_compile.py::test_tex_cannot_write_outside_its_directory).
"""

import glob
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, pdf_text
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

PWNED = ["/tmp/hw4-pwned-write18", "/tmp/hw4-pwned-id", "/tmp/hw4-pwned.tex"]


@pytest.fixture(scope="module")
def corpus_pdf(tmp_path_factory):
    for p in PWNED:
        Path(p).unlink(missing_ok=True)
    build = tmp_path_factory.mktemp("hostile")
    tex = build / "hostile.tex"
    tex.write_text(make_env(ROOT / "report").from_string(TEMPLATE).render(cases=CASES), encoding="utf-8")
    work, pdf, pages = compile_tex(tex, [], 0)
    out = build / "hostile.pdf"
    shutil.copyfile(pdf, out)
    shutil.rmtree(work)
    text = pdf_text(out)
    return text, pages


def normalise(s: str) -> str:
    """pdftotext breaks lines and uses ligature-free text; compare without whitespace and soft breaks."""
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("name,text,expect", CASES, ids=[c[0] for c in CASES])
def test_case_appears_literally(corpus_pdf, name, text, expect):
    pdf_text, _ = corpus_pdf
    assert f"case {name}" in pdf_text
    assert normalise(expect) in normalise(pdf_text), f"{name}: {expect!r} not shown literally"


def test_nothing_was_read_written_or_run(corpus_pdf):
    pdf_text, _ = corpus_pdf
    for p in PWNED:
        assert not Path(p).exists(), p
    assert "root:x:0:0" not in pdf_text
    if HOSTNAME and len(HOSTNAME) > 3:
        assert normalise(pdf_text).count(HOSTNAME) == 0
    assert not glob.glob("/tmp/hw4-pwned*")


def test_every_case_compiled_into_the_document(corpus_pdf):
    pdf_text, pages = corpus_pdf
    assert pdf_text.count("case ") >= len(CASES)
    assert pages["page_count"] >= 1
