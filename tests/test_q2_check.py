"""Problem 2: q2_check stops the build on exact mismatches; q2_claims turns the measurements into the report's claims.

Each test feeds the check a wrong or a changed value (a counted operation off by one, a float disagreement above
tolerance, a timing that flips a comparison, a retrieval accuracy that flips a verdict) and asserts that it is
caught or that the claim follows.  No timing is measured here: the benchmark results are made up.
"""

import copy
from pathlib import Path

import pytest
from conftest import default_marking, render_problem

from hw4.q2.check import (
    SLOPE_TOLERANCE,
    agreements,
    check,
    claims,
    exact_mismatches,
    faster_from,
    retrieval_claims,
    timing_claims,
)
from hw4.q2.derive import derive
from hw4.q2.methods import APPROXIMATIONS, METHODS
from hw4.q2.verify import verify_instance

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = [{"T": 12, "d": 4, "w": 3, "m": 6}]


@pytest.fixture(scope="module")
def derived_and_verified():
    d = derive(INSTANCES, {"T": 1024, "d": 4, "w": 3, "m": 6})
    v = {"instances": [verify_instance(**i, seed=0) for i in INSTANCES]}
    return d, v


def fake_bench(scale=None) -> dict:
    """Made-up readings at T = 256, 512, 1024: full attention quadratic, the others linear, all faster from 512."""
    scale = scale or {}
    order = {m.key: m.time_order for m in METHODS}
    base = {"full": 1e-8, "sdpa": 5e-9, "window": 4e-6, "linear": 3e-6, "performer": 3.5e-6}
    rows = []
    for T in (256, 512, 1024):
        time_s = {n: base[n] * scale.get((n, T), 1.0) * T ** order[n] for n in base}
        rows.append(
            {
                "T": T,
                "time_s": time_s,
                "peak_bytes": {n: (8 * T * T if n == "full" else 64 * T) for n in base},
                "rel_error": {"sdpa": 1e-7, "window": 0.5 * T / 256, "linear": 0.8, "performer": 3.0},
                "full_scores_bytes": 8 * T * T,
            }
        )
    slopes = {k: float(v) for m in METHODS for k, v in ((m.key, m.time_order), (f"{m.key}_memory", m.memory_order))}
    return {
        "device": "cpu",
        "batch": 1,
        "heads": 1,
        "full_max_T": 1024,
        "fit_min_T": 256,
        "machine": {"torch_threads": 1},
        "rows": rows,
        "slopes": slopes,
    }


def fake_retrieval(**far) -> dict:
    near = {"full": 1.0, "window": 1.0, "linear": 0.002, "performer": 0.09}
    return {"mean_within_window": near, "mean_beyond_window": {**near, "window": 0.0, **far}}


# -- exact checks: stop the build -------------------------------------------------------------------------------


def test_check_passes_on_the_real_formulas_and_counts(derived_and_verified):
    d, v = derived_and_verified
    res = check(d, v)
    assert res["instances_checked"] == 1 and "counts_match" not in res
    assert res["scalar"]["agrees"] and res["window"]["agrees"] and res["linear"]["agrees"]
    assert res["counted_methods"] == ["full", "window", "linear", "performer"]
    assert res["methods"]["performer"]["short"] == "Performer"


def test_check_stops_on_a_count_that_differs(derived_and_verified):
    d, v = derived_and_verified
    bad = copy.deepcopy(v)
    bad["instances"][0]["methods"]["performer"]["counted_adds"] += 1
    bad["instances"][0]["methods"]["window"]["flop_counter"] -= 2
    lines = exact_mismatches(d, bad)
    assert len(lines) == 2
    assert any("performer: counted adds" in line and "T=12" in line for line in lines)
    assert any("window: torch flop counter" in line for line in lines)
    with pytest.raises(RuntimeError, match="disagree with the sympy formulas"):
        check(d, bad)


@pytest.mark.parametrize(
    "spoil,line",
    [  # a window-pair formula off by one, a formula not of the registry's order, a method the registry lacks
        (
            lambda d: d["instances"][0]["window_pairs"].update(formula=73),
            "T=12, d=4, w=3, m=6: window-pair formula 73 != direct count 72 of |i - j| <= w",
        ),
        (
            lambda d: d["methods"]["linear"].update(degree_in_T=2),
            "linear: the formula's degree in T is 2, the registry says its time grows as T^1",
        ),
        (
            lambda d: d["methods"].update(block=d["methods"]["window"]),
            "formula keys of the registry ['full', 'linear', 'performer', 'window'] != methods derived ['block', "
            "'full', 'linear', 'performer', 'window'] (hw4/q2/methods.py against hw4/q2/derive.py FORMULAS)",
        ),
    ],
)
def test_check_stops_on_a_formula_that_differs(derived_and_verified, spoil, line):
    d, v = derived_and_verified
    bad = copy.deepcopy(d)
    spoil(bad)
    assert exact_mismatches(bad, v) == [line]


# -- float agreements: flags ------------------------------------------------------------------------------------


def test_agreement_flags_follow_the_differences(derived_and_verified):
    _, v = derived_and_verified
    off = copy.deepcopy(v)
    off["instances"][0]["linear_vs_quadratic"] = 1e-3
    flags = agreements(off)
    assert flags["window"]["agrees"] and flags["scalar"]["agrees"] and not flags["linear"]["agrees"]
    assert flags["linear"]["largest"] == 1e-3 and flags["linear"]["tolerance"] == 1e-9


# -- timing claims ----------------------------------------------------------------------------------------------


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


def test_timing_claims_in_display_units_and_crossovers(derived_and_verified):
    claims = timing_claims(fake_bench(), derived_and_verified[0])
    at = claims["at"]
    assert claims["at_T"] == 1024 and claims["first_T"] == 256 and not claims["beyond_full"]
    assert at["full"]["time_ms"] == pytest.approx(1e-8 * 1024**2 * 1000)
    assert at["linear"]["speedup"] == pytest.approx(1e-8 * 1024 / 3e-6)
    assert at["full"]["speedup"] is None and at["full"]["peak_mib"] == pytest.approx(8 * 1024**2 / 2**20)
    assert at["window"]["memory_ratio"] == pytest.approx(8 * 1024 * 1024 / (64 * 1024))
    assert [c["category"] for c in claims["crossovers"]] == ["from", "from", "from"]
    assert claims["some_late"] and len(claims["late_labels"]) == 3
    assert [row["key"] for row in claims["table"]] == [m.key for m in METHODS]
    assert claims["time_slopes_as_expected"] and claims["memory_slopes_as_expected"]
    assert claims["sdpa_memory_not_time"] and claims["prediction_at_timed_T"]


def test_a_slower_timing_flips_the_crossover_claims():
    # the window 10x slower at the largest T: not faster there; linear 100x faster at T=256: faster throughout
    bench = fake_bench({("window", 1024): 10.0, ("linear", 256): 0.01})
    cross = {c["key"]: c for c in timing_claims(bench)["crossovers"]}
    assert cross["window"]["category"] == "never" and cross["window"]["T"] is None
    assert cross["linear"]["category"] == "always" and cross["performer"]["category"] == "from"
    fast = fake_bench({(m.key, 256): 0.001 for m in APPROXIMATIONS})
    claims = timing_claims(fast)
    assert not claims["some_late"] and not claims["late_labels"]


def test_time_is_read_side_by_side_as_a_whole_power_of_T():
    claims = timing_claims(fake_bench())
    assert {k: r["expected"] for k, r in claims["relative"].items()} == {
        "sdpa": 0,
        "window": 1,
        "linear": 1,
        "performer": 1,
    }
    assert claims["relative"]["linear"]["slope"] == pytest.approx(1.0)
    # the window's time growing as T^1.6: full attention's over it as T^0.4, nearer 0 than 1
    bench = fake_bench({("window", T): (T / 256) ** 0.6 for T in (256, 512, 1024)})
    claims = timing_claims(bench)
    assert claims["relative"]["window"]["slope"] == pytest.approx(0.4)
    assert claims["relative"]["window"]["as_expected"] is False and not claims["time_slopes_as_expected"]
    # as T^1.4: still nearer one power less than full attention
    bench = fake_bench({("window", T): (T / 256) ** 0.4 for T in (256, 512, 1024)})
    assert timing_claims(bench)["time_slopes_as_expected"]
    # the absolute slopes the bench fitted are printed, but choose nothing: a row the load slowed moves them
    bench = fake_bench()
    bench["slopes"]["window"] = 1.6
    assert timing_claims(bench)["time_slopes_as_expected"]


def test_a_memory_slope_off_by_more_than_the_tolerance_flips_the_verdict():
    bench = fake_bench()
    bench["slopes"]["window_memory"] = 1 + SLOPE_TOLERANCE + 0.05
    claims = timing_claims(bench)
    assert claims["slopes"]["window"]["memory_as_expected"] is False and not claims["memory_slopes_as_expected"]
    bench = fake_bench()
    bench["slopes"]["sdpa_memory"] = 2.0  # the fused kernel holding T x T after all
    assert not timing_claims(bench)["sdpa_memory_not_time"]
    # the fused kernel's time one power of T below full attention's: not "the same time, less memory"
    bench = fake_bench({("sdpa", T): 256 / T for T in (256, 512, 1024)})
    assert not timing_claims(bench)["sdpa_memory_not_time"]


def test_predicted_savings_against_measured_speedups(derived_and_verified):
    d, _ = derived_and_verified
    claims = timing_claims(fake_bench(), d)
    s = claims["savings"]["linear"]
    full_ops, linear_ops = d["methods"]["full"]["at"], d["methods"]["linear"]["at"]
    assert s["predicted"] == pytest.approx(full_ops / linear_ops)
    assert s["measured_over_predicted"] == pytest.approx(s["measured"] / s["predicted"])
    # make every measured speed-up equal to its prediction: the "close" sentence is chosen
    bench = fake_bench()
    at = bench["rows"][-1]["time_s"]
    for m in APPROXIMATIONS:
        at[m.key] = at["full"] / claims["savings"][m.key]["predicted"]
    assert timing_claims(bench, d)["savings_vs_prediction"] == "close"
    assert claims["savings_vs_prediction"] == "differ"


def test_prediction_at_another_T_is_said_so(derived_and_verified):
    d = copy.deepcopy(derived_and_verified[0])
    d["at"]["T"] = 4096
    assert not timing_claims(fake_bench(), d)["prediction_at_timed_T"]


# -- retrieval and error verdicts -------------------------------------------------------------------------------


def test_retrieval_verdicts_follow_the_accuracies():
    found = retrieval_claims(fake_retrieval())
    assert found["window_near_as_full"] and found["window_blind_beyond"] and found["linear_misses"]
    assert found["performer_below_full"]
    found = retrieval_claims(fake_retrieval(window=0.5, linear=0.9))
    assert not found["window_blind_beyond"] and not found["linear_misses"]


def test_error_verdicts(derived_and_verified):
    d, v = derived_and_verified
    res = claims(d, fake_bench(), fake_retrieval())
    assert res["errors"]["window_error_grows"] and res["retrieval"]["performer_noisy"]
    bench = fake_bench()
    for row in bench["rows"]:
        row["rel_error"]["window"] = 0.5
        row["rel_error"]["performer"] = 0.01
    res = claims(d, bench, fake_retrieval())
    assert not res["errors"]["window_error_grows"] and not res["retrieval"]["performer_noisy"]


def test_the_count_against_the_speedups_and_why_they_differ(derived_and_verified):
    d, _ = derived_and_verified
    bench = fake_bench()
    at = bench["rows"][-1]["time_s"]
    predicted = timing_claims(bench, d)["savings"]
    at["linear"] = at["full"] / (2.9 * predicted["linear"]["predicted"])  # 2.9 times the predicted speed-up
    at["window"] = at["full"] / (predicted["window"]["predicted"] / 2.9)  # 1/2.9 of it
    at["performer"] = at["full"] / predicted["performer"]["predicted"]  # as predicted
    claims = timing_claims(bench, d)
    assert claims["savings_vs_prediction"] == "close" and claims["some_short_of_prediction"]
    assert claims["savings_within_factor"] == 3.0
    at["window"] = at["full"] / (predicted["window"]["predicted"] / 3.1)  # beyond a factor 3 below
    assert timing_claims(bench, d)["savings_vs_prediction"] == "differ"
    at["window"] = at["full"] / predicted["window"]["predicted"]
    assert not timing_claims(bench, d)["some_short_of_prediction"]
    # the fused exact kernel, side by side at the same T, twice as fast as the explicit one: the matrices cost it
    assert claims["full_pays_for_its_matrices"]
    at["sdpa"] = at["full"] / 1.4
    assert not timing_claims(bench, d)["full_pays_for_its_matrices"]


# -- the prose follows the claims, in the submission and in the instructor's solutions ---------------------------


def render_q2(derived_and_verified, monkeypatch, mode: str, bench=None, retrieval=None) -> str:
    """q2.tex.j2 rendered from made-up measurements, through the real check (the sentences are chosen by it)."""
    import re

    from hw4.latex import mark_raw
    from hw4.render import build_context

    monkeypatch.chdir(ROOT)  # the instructor's solutions excerpt hw4/q2/*.py
    d, v = derived_and_verified
    bench = bench or fake_bench()
    bench = {
        **bench,
        "d": 4,
        "w": 3,
        "m": 6,
        "repeats": 3,
        "fit_min_T": 256,
        "device_name": None,
        "slope_notes": {},
        "machine": {"cpu": "test cpu", "torch": "0", "torch_threads": 1},
    }
    retrieval = {**(retrieval or fake_retrieval()), "T": 1024, "chance": 1 / 1024, "logit_gap": 10.0, "trials": 2}
    v = {**v, "patterns": {"T": 12, "w": 3}}
    count_instances = [{k: inst[k] for k in ("T", "d", "w", "m")} for inst in d["instances"]]
    context = build_context({"q2": {"count_instances": count_instances}}, mode, {})
    context["results"] = {
        "q2_derive": mark_raw(d),
        "q2_verify": mark_raw(v),
        "q2_bench": mark_raw(bench),
        "q2_retrieval": mark_raw(retrieval),
        "q2_check": mark_raw(check(d, v)),
        "q2_claims": mark_raw(claims(d, bench, retrieval)),
        "marking": default_marking(),
    }
    return re.sub(r"\s+", " ", render_problem("q2", {**context, "q": "q2"}))


@pytest.mark.parametrize("mode", ["submission", "solutions"])
def test_the_prose_follows_the_claims(derived_and_verified, monkeypatch, mode):
    text = render_q2(derived_and_verified, monkeypatch, mode)
    box = text.split(r"\answerbox{Pro:", 1)[1].split(r"\textbf{Set-up.}", 1)[0]
    # the default made-up run: the window blind beyond w, linear attention missing the needle, Performer noisy
    assert (
        "the window is blind beyond $w$" in box
        and "linear attention misses the needle of the retrieval test below" in box
    )
    assert "Performer is noisy" in box
    assert "Slower on short sequences" in text and "no penalty" not in text
    # one sentence for the three, grouped by reading: all three faster from T = 512 on
    assert "The sliding window, linear (elu+1) and Performer (FAVOR+) methods are faster from $T = 512$ on." in text
    several = len(derived_and_verified[0]["instances"]) > 1
    checked = "in all 2 cases below" if several else "in the case below"
    assert (checked in text) == (mode == "solutions")  # the check paragraph is the instructor's
    # a run in which the window is as good beyond w, linear attention finds the needle, Performer is exact, and
    # every approximation is faster already at the shortest T: every one of those sentences turns
    fast = fake_bench({(m.key, 256): 0.001 for m in APPROXIMATIONS})
    for row in fast["rows"]:
        row["rel_error"]["performer"] = 0.01
    near_perfect = {"window": 1.0, "linear": 1.0, "performer": 1.0}
    retrieval = fake_retrieval(**near_perfect)
    retrieval["mean_within_window"].update(near_perfect)
    text = render_q2(derived_and_verified, monkeypatch, mode, bench=fast, retrieval=retrieval)
    box = text.split(r"\answerbox{Pro:", 1)[1].split(r"\textbf{Set-up.}", 1)[0]
    assert "the window is no worse beyond $w$" in box
    assert "misses the needle" not in box and "Performer is noisy" not in box
    assert "Short sequences: no penalty" in text and "Slower on short sequences" not in text
    assert "The sliding window, linear (elu+1) and Performer (FAVOR+) methods are faster at every measured $T$." in text
    mixed = fake_bench({("window", 1024): 10.0, ("linear", 256): 0.01})
    text = render_q2(derived_and_verified, monkeypatch, mode, bench=mixed)
    assert (
        "The linear (elu+1) method is faster at every measured $T$; the Performer (FAVOR+) method is faster from "
        "$T = 512$ on; the sliding window method is not faster than full attention at $T = 1\\,024$." in text
    )


@pytest.mark.parametrize("mode", ["submission", "solutions"])
def test_the_count_against_the_speedups_and_why_follows_the_times(derived_and_verified, monkeypatch, mode):
    d, _ = derived_and_verified
    bench = fake_bench()
    at = bench["rows"][-1]["time_s"]
    predicted = timing_claims(bench, d)["savings"]
    at["linear"] = at["full"] / (2 * predicted["linear"]["predicted"])
    at["window"] = at["full"] / (predicted["window"]["predicted"] / 2)
    at["performer"] = at["full"] / predicted["performer"]["predicted"]
    text = render_q2(derived_and_verified, monkeypatch, mode, bench=bench)
    assert "the measured speed-ups are 0.50, 2.00 and 1.00 times these, within a factor 2" in text
    assert "storing the $T\\times T$ matrices (8.00 MiB), is 2.00 times as fast at this $T$." in text
    assert "Where a speed-up falls below the count" in text
    at["sdpa"] = at["full"]  # the fused kernel no faster: the memory-traffic explanation is not offered
    at["window"] = at["full"] / (predicted["window"]["predicted"] / 4)
    text = render_q2(derived_and_verified, monkeypatch, mode, bench=bench)
    assert "0.25, 2.00 and 1.00 times these: not all within a factor 3 of the count." in text
    assert "storing the" not in text
    at["window"] = at["full"] / predicted["window"]["predicted"]
    assert "Where a speed-up falls below" not in render_q2(derived_and_verified, monkeypatch, mode, bench=bench)


@pytest.mark.parametrize("mode", ["submission", "solutions"])
def test_the_growth_of_time_is_stated_as_the_side_by_side_ratio_shows(derived_and_verified, monkeypatch, mode):
    text = render_q2(derived_and_verified, monkeypatch, mode)
    assert (
        "grows as $T^{1.00}$, $T^{1.00}$ and $T^{1.00}$: roughly one power of $T$ more, where the operation counts say exactly one."
        in text
    )
    assert (
        "its time grows nearly as fast (full attention's over it only as $T^{0.00}$), so if memory is the problem"
        in text
    )
    slow_window = fake_bench({("window", T): (T / 256) ** 0.6 for T in (256, 512, 1024)})
    text = render_q2(derived_and_verified, monkeypatch, mode, bench=slow_window)
    assert "grows as $T^{0.40}$, $T^{1.00}$ and $T^{1.00}$: not one power of $T$ more for each of them" in text
    assert "roughly one power" not in text
