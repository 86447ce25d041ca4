"""Problem 3 in the end-to-end build: its rules run and its numbers reach the PDF."""

import json
import re

import pytest
from conftest import pdf_text

from hw4.latex import sci


def shown(latex: str) -> str:
    """What pdftotext prints (whitespace removed) for a number the template formatted as ``latex``."""
    text = latex.replace(r"\ensuremath{", "").replace(r"\times 10^{", "×10").replace(r"\,", "").replace("}", "")
    return text.replace("-", "\u2212")


@pytest.mark.e2e
def test_q3_in_the_default_build(built_project):
    res = built_project / "build" / "results"
    q3 = json.loads((res / "q3_derive.json").read_text())
    verify = json.loads((res / "q3_verify.json").read_text())
    timing = json.loads((res / "q3_timing.json").read_text())
    est = json.loads((res / "q3_estimators.json").read_text())
    ck = json.loads((res / "q3_check.json").read_text())
    cl = json.loads((res / "q3_claims.json").read_text())
    for name in ("q3_estimators.pdf", "q3_timing.pdf"):
        assert (built_project / "figures" / name).stat().st_size > 1000
    ag = ck["autograd"]
    assert ag["agrees"] and ag["largest"] < ag["tolerance"] < 1e-13
    # structure only (no timed tests): one positive time per d and method, on a recorded machine
    assert timing["machine"]["cpu"] and len(timing["rows"]) == len(set(r["d"] for r in timing["rows"]))
    assert all(r["time_full_s"] > 0 and r["time_sampled_s"] > 0 for r in timing["rows"])
    assert len(est["rows"]) >= 2

    pages = json.loads((built_project / "build" / "hw4_pages.json").read_text())["parts"]
    assert pages["q3.a"] and pages["q3.b"] and pages["q3.a"][0] <= pages["q3.b"][0]

    # the checks and their tables: the audit, in the order TeX wrote it (the default reading order once took
    # a table's exponent into the row above, depending on where the table fell on its page)
    text = pdf_text(built_project / "build" / "hw4_audit.pdf", raw=True)
    start = text.index("Problem 3")
    flat = re.sub(r"\s+", "", text[start : text.index("Problem 4", start)])
    # 3a: the symbolic check, the autograd comparison and its verdict, the counted operation totals
    assert f"{q3['small']['derivatives_checked']}derivatives,{q3['small']['mismatches']}mismatches" in flat
    for r in verify["instances"]:
        assert shown(sci(r["max_rel_err_v"], 2)) in flat and shown(sci(r["max_rel_err_U"], 2)) in flat
    assert f"Thelargesterroris{shown(sci(ag['largest'], 2))},sotheclosedformandautogradagreetorounding" in flat
    # the table of totals, row by row: d, h, k, then sympy and counted, full then sampled
    for inst in q3["instances"]:
        full, sampled = inst["full_counted"]["total"], inst["sampled_counted"]["total"]
        assert f"{inst['d']}{inst['h']}{inst['k']}{full}{full}{sampled}{sampled}" in flat
    # 3b: the measured slopes of bias and variance, and where the bias meets the noise of the mean: the solutions
    text = pdf_text(built_project / "build" / "hw4_solutions.pdf", raw=True)
    start = text.index("3a. The gradient")  # past page 1's table of points
    flat = re.sub(r"\s+", "", text[start : text.index("Problem 4", text.index("Problem 3: the evidence"))])
    isl, usl = cl["estimators"]["importance"], cl["estimators"]["uniform"]
    last = est["rows"][-1]
    assert f"slopeof{isl['bias_slope']:.2f}".replace("-", "\u2212") in flat
    assert f"From k={isl['floor_k']} on,".replace(" ", "") in flat
    assert (
        f"{shown(sci(last['importance_bias'], 3))}againstanoiseof{shown(sci(last['importance_noise_floor'], 3))}"
        in flat
    )
    assert f"afactorof{shown(sci(isl['var_fall_factor'], 3))}" in flat
    for x in (isl["var_slope"], isl["var_slope_large_k"], usl["var_slope"], usl["var_slope_large_k"]):
        assert f"{x:.2f}".replace("-", "\u2212") in flat
    # the submission opens each part with its boxed answer: the order of the cost and the measured speed-up
    sub = re.sub(r"\s+", "", pdf_text(built_project / "build" / "hw4.pdf"))
    assert "Answer.With" in sub and "Answer." in sub[sub.index("3b.") :]
    assert f"{shown(sci(cl['timing']['largest']['speedup'], 3))}timesfaster" in sub  # three figures
