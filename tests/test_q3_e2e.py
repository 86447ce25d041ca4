"""Problem 3 in the end-to-end build: its rules run and its numbers reach the PDF."""

import json
import re
import shutil
import subprocess

import pytest


@pytest.mark.e2e
def test_q3_in_the_default_build(built_project):
    res = built_project / "build" / "results"
    q3 = json.loads((res / "q3.json").read_text())
    verify = json.loads((res / "q3_verify.json").read_text())
    timing = json.loads((res / "q3_timing.json").read_text())
    est = json.loads((res / "q3_estimators.json").read_text())
    for name in ("q3_estimators.pdf", "q3_timing.pdf"):
        assert (built_project / "figures" / name).stat().st_size > 1000
    assert q3["small"]["mismatches"] == 0
    for inst in q3["instances"]:
        assert inst["full_formula"] == inst["full_counted"]
        assert inst["sampled_formula"] == inst["sampled_counted"]
    assert all(r["max_rel_err_v"] < 1e-13 and r["max_rel_err_U"] < 1e-13 for r in verify["instances"])
    assert timing["machine"]["cpu"] and len(timing["rows"]) == len(set(r["d"] for r in timing["rows"]))
    assert len(est["rows"]) >= 2

    pages = json.loads((built_project / "build" / "hw4_pages.json").read_text())["parts"]
    assert pages["q3.a"] and pages["q3.b"] and pages["q3.a"][0] <= pages["q3.b"][0]

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    text = subprocess.run(
        ["pdftotext", str(built_project / "build" / "hw4.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Not yet answered" not in text.split("Problem 3")[1].split("Problem 4")[0]
    flat = re.sub(r"\s+", "", text)
    # the counted operation totals and the measured speed-up at the largest d appear in the PDF
    big = timing["rows"][-1]
    assert f"{big['speedup']:,.0f}".replace(",", "") in flat.replace("\u2009", "") or f"{big['speedup']:.3g}" in flat
    assert f"{q3['instances'][-1]['full_counted']['total']:,}".replace(",", "") in flat.replace("\u2009", "")
    assert f"{q3['small']['derivatives_checked']}derivatives,{q3['small']['mismatches']}mismatches" in flat
