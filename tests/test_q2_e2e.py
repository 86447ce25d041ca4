"""Problem 2 end to end: the default build runs the q2 rules and the PDF shows their numbers."""

import json
import subprocess

import pytest

pytestmark = pytest.mark.e2e


def test_q2_results_figures_and_pdf(built_project):
    res = built_project / "build" / "results"
    bench = json.loads((res / "q2_bench.json").read_text())
    verify = json.loads((res / "q2_verify.json").read_text())
    derive = json.loads((res / "q2.json").read_text())
    retrieval = json.loads((res / "q2_retrieval.json").read_text())
    for fig in ("q2_patterns", "q2_scaling", "q2_cost"):
        assert (built_project / "figures" / f"{fig}.pdf").stat().st_size > 1000
    # the counted operations equal the formulas, in the build's own instances
    for inst, vi in zip(derive["instances"], verify["instances"], strict=True):
        for key, m in inst["methods"].items():
            assert vi["methods"][key]["counted_ops"] == m["ops"]
            assert vi["methods"][key]["flop_counter"] == m["flop_counter"]
    assert verify["patterns"]["window_is_band"]
    # quadratic against linear growth (loose: a loaded machine adds noise, but not a factor of T)
    assert bench["slopes"]["full"] > 1.5
    for key in ("window", "linear", "performer"):
        assert bench["slopes"][f"{key}_memory"] < 1.3
        assert bench["at_largest_full"]["speedup"][key] > 1
    assert retrieval["mean_beyond_window"]["window"] < 0.05 < 0.95 < retrieval["mean_beyond_window"]["full"]

    text = subprocess.run(
        ["pdftotext", "-layout", str(built_project / "build" / "hw4.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    q2 = text[text.index("Problem 2") : text.index("Problem 3")]
    assert "Not yet answered" not in q2
    at = bench["at_largest_full"]
    assert f"{at['speedup']['linear']:.1f}" in q2
    assert f"{bench['slopes']['full']:.2f}" in q2
    assert f"{derive['instances'][0]['methods']['window']['ops']:,}".replace(",", "\u2009") in q2 or str(
        derive["instances"][0]["methods"]["window"]["ops"]
    ) in q2.replace(" ", "").replace("\u2009", "")
