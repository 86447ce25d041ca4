"""Problem 2: the benchmark's size checks, slope fits and crossover summary, and the checks of q2_check.

No timing is asserted here (speed goals are measured by bench/q2.py and reported): only structure, the
handling of bad configs and readings, and the logic that turns the measurements into the report's statements.
"""

import json
import math

import pytest

from hw4.io import write_json
from hw4.q2.attention import verify_instance
from hw4.q2.bench import benchmark, check_sizes, faster_from, fit_slope, fit_slopes
from hw4.q2.check import agreement, check, exact_mismatches
from hw4.q2.derive import derive


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


def test_faster_from_is_the_start_of_the_final_run_of_wins():
    def row(T, full, **others):
        return {"T": T, "time_s": {"full": full, **others}}

    rows = [
        row(256, 1.0, a=2.0, b=0.5, c=2.0, d=0.5),
        row(512, 1.0, a=0.5, b=2.0, c=2.0, d=0.5),
        row(1024, 1.0, a=0.5, b=0.5, c=2.0, d=0.5),
        {"T": 2048, "time_s": {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0}},  # full attention not run: ignored
    ]
    assert faster_from(rows) == {"a": 512, "b": 1024, "c": None, "d": 256}


def test_benchmark_structure_on_tiny_sizes():
    res = benchmark([16, 32, 64], d=4, batch=2, heads=1, w=4, m=8, repeats=1, full_max_T=32, fit_min_T=16)
    assert [r["T"] for r in res["rows"]] == [16, 32, 64]
    assert "full" not in res["rows"][2]["time_s"] and "linear" in res["rows"][2]["time_s"]
    assert res["at_largest_full"]["T"] == 32 and res["batch"] == 2
    assert set(res["faster_from_T"]) == {"sdpa", "window", "linear", "performer"}
    assert all(v is None or v in (16, 32) for v in res["faster_from_T"].values())
    for key, v in res["slopes"].items():
        assert (v is None and key in res["slope_notes"]) or math.isfinite(v)
    with pytest.raises(ValueError, match="full_max_T"):
        benchmark([16, 32], d=4, batch=1, heads=1, w=4, m=8, repeats=1, full_max_T=8, fit_min_T=16)


INSTANCES = [{"T": 12, "d": 4, "w": 3, "m": 6}]


@pytest.fixture(scope="module")
def derived_and_verified():
    d = derive(INSTANCES, {"T": 64, "d": 4, "w": 3, "m": 6})
    v = {"instances": [verify_instance(**i, seed=0) for i in INSTANCES]}
    return d, v


def test_check_passes_on_the_real_formulas_and_counts(derived_and_verified):
    d, v = derived_and_verified
    res = check(d, v)
    assert res["counts_match"] and res["instances_checked"] == 1
    assert res["scalar_agrees"] and res["window_agrees"] and res["linear_agrees"]


def test_check_stops_on_a_count_that_differs(derived_and_verified):
    d, v = derived_and_verified
    bad = json.loads(json.dumps(v))
    bad["instances"][0]["methods"]["performer"]["counted_adds"] += 1
    bad["instances"][0]["methods"]["window"]["flop_counter"] -= 2
    lines = exact_mismatches(d, bad)
    assert len(lines) == 2
    assert any("performer: counted adds" in line and "T=12" in line for line in lines)
    assert any("window: torch flop counter" in line for line in lines)
    with pytest.raises(RuntimeError, match="disagree with the sympy formulas"):
        check(d, bad)


def test_agreement_flags_follow_the_differences(derived_and_verified):
    _, v = derived_and_verified
    off = json.loads(json.dumps(v))
    off["instances"][0]["linear_vs_quadratic"] = 1e-3
    flags = agreement(off)
    assert flags["window_agrees"] and flags["scalar_agrees"] and not flags["linear_agrees"]
    assert flags["largest"]["linear_vs_quadratic"] == 1e-3
