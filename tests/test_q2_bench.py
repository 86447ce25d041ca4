"""Problem 2: the benchmark's size checks, slope fits and the structure of its results (its claims: test_q2_check).

No timing is asserted here (speed goals are measured by bench/q2.py and reported): only structure, the
handling of bad configs and readings, and the logic that turns the measurements into the report's statements.
"""

import json
import math

import pytest

from hw4.io import write_json
from hw4.q2.bench import benchmark, check_sizes, fit_slope, fit_slopes
from hw4.q2.check import timing_claims
from hw4.q2.methods import METHODS


def test_check_sizes_names_the_key_to_fix():
    check_sizes([256, 512, 1024], full_max_T=1024, fit_min_T=256)
    with pytest.raises(
        ValueError, match=r"q2\.bench\.full_max_T = 128 is below every q2\.bench\.T_values.*at least 256"
    ):
        check_sizes([256, 512], full_max_T=128, fit_min_T=256)
    with pytest.raises(ValueError, match=r"fit_min_T.*at least two"):
        check_sizes([256, 512, 1024], full_max_T=512, fit_min_T=512)
    with pytest.raises(ValueError, match="strictly increasing"):
        check_sizes([512, 256], full_max_T=512, fit_min_T=1)


def test_fit_slope_skips_non_positive_readings():
    assert fit_slope([(100, 1.0), (1000, 100.0)]) == (pytest.approx(2.0), None)
    # a zero reading is skipped, not turned into -inf / NaN
    assert fit_slope([(10, 0), (100, 1.0), (1000, 100.0)]) == (pytest.approx(2.0), None)
    slope, why = fit_slope([(10, 0), (100, 0), (1000, 5.0)])
    assert slope is None and "1 usable point(s) of 3 (2 not positive)" == why


def test_fit_slopes_with_a_zero_memory_reading_writes_valid_json(tmp_path):
    rows = [
        {"T": T, "time_s": {"full": T**2 * 1e-9, "linear": T * 1e-6}, "peak_bytes": {"full": 8 * T**2, "linear": 0}}
        for T in (256, 512, 1024)
    ]
    slopes, fit_range, notes = fit_slopes(rows, ["full", "linear"], fit_min_T=512)
    assert slopes["full"] == pytest.approx(2.0) and slopes["linear"] == pytest.approx(1.0)
    assert slopes["full_memory"] == pytest.approx(2.0) and slopes["linear_memory"] is None
    assert set(notes) == {"linear_memory"} and fit_range == {"full": [512, 1024], "linear": [512, 1024]}
    write_json(tmp_path / "s.json", {"slopes": slopes, "notes": notes})  # allow_nan=False would reject a NaN
    assert json.loads((tmp_path / "s.json").read_text())["slopes"]["linear_memory"] is None


def test_benchmark_structure_on_tiny_sizes():
    res = benchmark([16, 32, 64], d=4, batch=2, heads=1, w=4, m=8, repeats=1, full_max_T=32, fit_min_T=16)
    assert [r["T"] for r in res["rows"]] == [16, 32, 64]
    assert "full" not in res["rows"][2]["time_s"] and "linear" in res["rows"][2]["time_s"]
    assert res["batch"] == 2 and "time_median_s" not in res["rows"][0]  # one statistic: the minimum
    assert set(res["rows"][0]["time_s"]) == {m.key for m in METHODS}
    for key, v in res["slopes"].items():
        assert (v is None and key in res["slope_notes"]) or math.isfinite(v)
    res["machine"] = {"torch_threads": 1}
    claims = timing_claims(res)  # what bench/q2.py prints
    assert claims["at_T"] == 32 and claims["first_T"] == 16 and claims["beyond_full"]
    assert set(claims["faster_from_T"]) == {"sdpa", "window", "linear", "performer"}
    assert all(v is None or v in (16, 32) for v in claims["faster_from_T"].values())
    with pytest.raises(ValueError, match="full_max_T"):
        benchmark([16, 32], d=4, batch=1, heads=1, w=4, m=8, repeats=1, full_max_T=8, fit_min_T=16)
