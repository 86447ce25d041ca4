"""Problem 3: the check step stops the build on a wrong count, and its claims follow the numbers they state."""

import copy
import re
from pathlib import Path

import pytest
from conftest import default_marking, render_problem

from hw4.checks import CheckError
from hw4.latex import mark_raw
from hw4.q3.check import AGREEMENT_ROUNDOFFS, UNIT_ROUNDOFF, check, claims, exact_mismatches, full_time_regimes
from hw4.q3.derive import derive
from hw4.q3.skipgram import estimator_stats, verify_autograd
from hw4.render import build_context

ROOT = Path(__file__).resolve().parents[1]


def timing_result(full_s, sampled_s, slope_full=1.6, slope_sampled=0.03):
    """A q3_timing result with the given seconds per gradient (no timing is run)."""
    rows = [
        {"d": d, "h": 8, "k": 5, "time_full_s": f, "time_sampled_s": s}
        for d, f, s in zip((100, 1000), full_s, sampled_s, strict=True)
    ]
    return {
        "h": 8,
        "k": 5,
        "repeats": 1,
        "dtype": "float32",
        "slope_full": slope_full,
        "slope_sampled": slope_sampled,
        "rows": rows,
        "machine": {"cpu": "test cpu", "torch_threads": 1, "torch": "0"},
    }


@pytest.fixture(scope="module")
def results():
    """Small but real derive, verify and estimator results, and made-up timings."""
    return {
        "q3_derive": derive({"d": 2, "h": 1}, [{"d": 4, "h": 2, "k": 3}, {"d": 9, "h": 3, "k": 2}], seed=0),
        "q3_verify": {"instances": verify_autograd([{"d": 10, "h": 4}, {"d": 100, "h": 8}], 2, 0)},
        "q3_estimators": estimator_stats(500, 8, 1.0, 0.75, 1.0, [1, 10, 100], 200, 100, 0),
        "q3_timing": timing_result([1e-4, 2e-3], [2e-5, 2.1e-5]),
    }


def run_check(res, **replace):
    """The exact check's and the claims' results together (each reads only its own inputs)."""
    given = {arg: replace.get(arg, res[f"q3_{arg}"]) for arg in ("derive", "verify", "estimators", "timing")}
    return {
        **check(given["derive"], given["verify"]),
        **claims(given["estimators"], given["timing"]),
    }


def test_real_results_pass_with_their_claims(results):
    out = run_check(results)
    assert out["instances_checked"] == 2
    ag = out["autograd"]
    assert ag["agrees"] and ag["tolerance"] == AGREEMENT_ROUNDOFFS * UNIT_ROUNDOFF and UNIT_ROUNDOFF == 2.0**-53
    est, rows = out["estimators"], results["q3_estimators"]["rows"]
    assert est["first"]["k"] == 1 and est["last"]["k"] == 100
    assert est["uniform"]["var_over_importance_first"] == rows[0]["uniform_var"] / rows[0]["importance_var"]
    assert est["importance"]["var_fall_factor"] == rows[0]["importance_var"] / rows[-1]["importance_var"]
    assert est["negative"]["grows"] and est["negative"]["points_elsewhere"]
    tc = out["timing"]
    assert tc["rows"][1] == {"d": 1000, "full_ms": 2.0, "sampled_ms": 2.1e-5 * 1000, "speedup": 2e-3 / 2.1e-5}
    assert tc["largest"] == tc["rows"][-1] and tc["sampled_faster_at_largest"]
    assert tc["full_faster_than_linear"] and not tc["full_slower_than_linear"] and tc["sampled_flat"]


@pytest.mark.parametrize(
    "spoil,line",
    [
        (
            lambda d: d["instances"][0]["sampled_counted"].update(
                adds=d["instances"][0]["sampled_counted"]["adds"] + 1
            ),
            "sampled gradient at d=4, h=2, k=3: sympy formula {'mults': 20, 'adds': 11, 'exps': 3, 'divs': 6, "
            "'total': 40} but counted {'mults': 20, 'adds': 12, 'exps': 3, 'divs': 6, 'total': 40}",
        ),
        (
            lambda d: d["small"].update(mismatches=2),
            "2 of 6 symbolic derivatives (d=2, h=1) differ from the closed-form gradient",
        ),
    ],
)
def test_a_count_or_a_derivative_that_differs_stops_the_build(results, spoil, line):
    assert exact_mismatches(results["q3_derive"]) == []
    bad = copy.deepcopy(results["q3_derive"])
    spoil(bad)
    assert exact_mismatches(bad) == [line]
    with pytest.raises(CheckError, match="fix hw4/q3/derive.py"):
        run_check(results, derive=bad)


def test_an_autograd_error_above_tolerance_turns_the_agreement_off(results):
    verify = copy.deepcopy(results["q3_verify"])
    verify["instances"][1]["max_rel_err_U"] = 1e-9
    ag = run_check(results, verify=verify)["autograd"]
    assert not ag["agrees"] and ag["largest"] == 1e-9


def test_timing_claims_flip_with_the_times(results):
    slow = timing_result([1e-4, 2e-5], [2e-5, 4e-5], slope_full=0.4, slope_sampled=0.6)
    tc = run_check(results, timing=slow)["timing"]
    assert not tc["sampled_faster_at_largest"] and tc["largest"]["speedup"] == 0.5
    assert tc["full_slower_than_linear"] and not tc["full_faster_than_linear"] and not tc["sampled_flat"]
    # read as whole powers of d: 1.3 and 0.7 are linear, 0.4 is nearer flat than linear
    for slope in (0.7, 1.02, 1.3):
        tc = run_check(results, timing=timing_result([1e-4, 1e-3], [2e-5, 2e-5], slope_full=slope))["timing"]
        assert not tc["full_faster_than_linear"] and not tc["full_slower_than_linear"]
    assert run_check(results, timing=timing_result([1e-4, 1e-3], [2e-5, 2e-5], slope_sampled=0.4))["timing"][
        "sampled_flat"
    ]


def estimator_rows(var_exponents, bias_exponent, noise=1e-4):
    """Rows with variances c k^e (e by estimator) and importance bias 0.5 k^bias_exponent over a fixed noise."""
    rows = []
    for k in (1, 3, 10, 30, 100, 300, 1000):
        row = {"k": k}
        for name, e in var_exponents.items():
            row.update({f"{name}_var": 2 * k**e, f"{name}_bias": 1e-5, f"{name}_noise_floor": noise})
            row[f"{name}_cosine"] = 0.5
        row["importance_bias"] = 0.5 * k**bias_exponent
        row["negative_bias"] = k
        rows.append(row)
    return {"rows": rows}


def test_slope_claims_against_the_expected_rates(results):
    exps = {"uniform": -0.5, "importance": -1.0, "negative": 0.0}
    est = run_check(results, estimators=estimator_rows(exps, -1.0))["estimators"]
    imp = est["importance"]
    assert imp["bias_falls_like_one_over_k"] and imp["var_one_over_k"] and not imp["var_one_over_k_only_at_large_k"]
    assert imp["last_resolved_k"] == 1000 and imp["bias_at_last_resolved"] == pytest.approx(0.5e-3)
    assert est["uniform"]["unbiased"]  # a bias of 1e-5 under a noise of 1e-4
    # a bias falling like k^-0.7 is not 1/k; a variance whose slope is -1 only over the larger k
    rows = estimator_rows(exps, -0.7)
    for r in rows["rows"]:
        k = r["k"]
        r["importance_var"] = 2 * k**-0.5 if k < 30 else 2 * 30**0.5 / k  # k^-0.5, then k^-1 from k = 30
    imp = run_check(results, estimators=rows)["estimators"]["importance"]
    assert not imp["bias_falls_like_one_over_k"] and imp["var_one_over_k_only_at_large_k"]
    # a uniform estimator whose bias stands above its noise is not called unbiased
    for r in rows["rows"]:
        r["uniform_bias"] = 10 * r["uniform_noise_floor"]
    assert not run_check(results, estimators=rows)["estimators"]["uniform"]["unbiased"]


def render_q3(res, monkeypatch, mode="solutions", **replace) -> str:
    monkeypatch.chdir(ROOT)  # the template excerpts hw4/q3/skipgram.py
    results = {name: mark_raw(value) for name, value in res.items()}
    both = run_check(res, **replace)
    results["q3_check"] = mark_raw({key: both[key] for key in ("instances_checked", "autograd")})
    results["q3_claims"] = mark_raw({key: both[key] for key in ("estimators", "timing")})
    if "timing" in replace:
        results["q3_timing"] = replace["timing"]
    results["marking"] = default_marking()
    config = {"q3": {"count_instances": [{k: r[k] for k in "dhk"} for r in res["q3_derive"]["instances"]]}}
    return re.sub(
        r"\s+",
        " ",
        render_problem("q3", {**build_context(config, mode, {}), "q": "q3", "results": results}),
    )


def test_the_prose_follows_the_claims(results, monkeypatch):
    text = render_q3(results, monkeypatch)
    assert (
        "agree to rounding" in text
        and "times faster." in text
        and "The sampled gradient's time stays nearly flat (slope 0.03)" in text
    )
    assert "the time grows faster than that count" in text
    slow = timing_result([1e-4, 2e-5], [2e-5, 4e-5], slope_full=0.4, slope_sampled=0.6)
    verify = copy.deepcopy(results["q3_verify"])
    verify["instances"][0]["max_rel_err_v"] = 1e-9
    text = render_q3(results, monkeypatch, timing=slow, verify=verify)
    assert (
        "no faster." in text and "time is not flat (slope 0.60)" in text and "grows more slowly than that count" in text
    )
    assert r"\emph{disagree}" in text


def test_a_jump_in_the_full_gradients_time_is_found_and_the_slope_above_it_fitted():
    ds = [1000, 3000, 10000, 30000, 100000]
    linear = [1e-4 * d / 1000 for d in ds]
    timing = {"h": 300, "rows": [{"d": d, "time_full_s": t} for d, t in zip(ds, linear, strict=True)]}
    smooth = full_time_regimes(timing)
    assert not smooth["jump"] and abs(smooth["steepest"]["local_slope"] - 1) < 1e-9
    jumped = [t * (10 if d >= 30000 else 1) for d, t in zip(ds, linear, strict=True)]  # 10x at 10^4 -> 3*10^4
    timing["rows"] = [{"d": d, "time_full_s": t} for d, t in zip(ds, jumped, strict=True)]
    r = full_time_regimes(timing)
    assert r["jump"] and (r["steepest"]["d_from"], r["steepest"]["d_to"]) == (10000, 30000)
    assert abs(r["steepest"]["time_ratio"] - 30) < 1e-9 and abs(r["slope_above"] - 1) < 1e-9 and r["fitted_above"]
    assert r["u_mib_to"] == 30000 * 300 * 4 / 2**20


@pytest.mark.parametrize("mode", ["submission", "solutions"])
def test_the_boxes_and_the_bias_sentence_follow_the_claims(results, monkeypatch, mode):
    def box_3b(text):
        return text.split(r"\subsection*{3b.", 1)[1].split(r"\textbf{The weighted average.}", 1)[0]

    fast = timing_result([1e-4, 2e-3], [2e-5, 2e-5], slope_full=1.3, slope_sampled=0.0)
    text = render_q3(results, monkeypatch, mode, timing=fast)
    assert r"100 times faster than the full gradient at $d=1\,000$" in box_3b(text)
    assert "100 times faster." in text
    slow = timing_result([1e-4, 2e-5], [2e-5, 4e-5], slope_full=0.9, slope_sampled=0.3)
    text = render_q3(results, monkeypatch, mode, timing=slow)
    assert "faster than the full gradient" not in box_3b(text) and "no faster." in text
    # the importance-sampling bias: the measured slope is said to be, or not to be, the 1/k of the theory
    est = copy.deepcopy(results["q3_estimators"])
    for r in est["rows"]:  # a bias falling exactly like 1/k, far above its noise
        r["importance_bias"] = 1.0 / r["k"]
        r["importance_noise_floor"] = 1e-6 / r["k"]
    text = render_q3(results, monkeypatch, mode, estimators=est)
    assert "the $1/k$ of the theory" in text and "not the $-1$" not in text
    for r in est["rows"]:  # falling like k^(-1/2)
        r["importance_bias"] = r["k"] ** -0.5
    text = render_q3(results, monkeypatch, mode, estimators=est)
    assert "not the $-1$ of the asymptotic $1/k$ over these $k$" in text and "of the theory)" not in text


def test_a_smooth_power_law_steeper_than_linear_is_no_jump():
    ds = [1000, 3000, 10000, 30000, 100000, 300000, 1000000]
    for p in (1.2, 1.3, 1.45, 2.0):  # each would raise the cost per word more than twofold between two regimes
        r = full_time_regimes({"h": 300, "rows": [{"d": d, "time_full_s": 1e-10 * d**p} for d in ds]})
        assert r["cost_ratio"] > 2 and not r["jump"], p
    # two sizes cannot tell a jump from a power law
    two = full_time_regimes({"h": 300, "rows": [{"d": d, "time_full_s": t} for d, t in ((1000, 1e-4), (3000, 3e-3))]})
    assert not two["jump"]


def test_a_jump_at_the_last_measured_size_leaves_no_slope_above_it(results, monkeypatch):
    ds = [1000, 3000, 10000]
    timing = {"h": 8, "rows": [{"d": d, "time_full_s": t} for d, t in zip(ds, [1e-4, 3e-4, 1e-2], strict=True)]}
    r = full_time_regimes(timing)
    assert r["jump"] and r["steepest"]["d_to"] == 10000 and not r["fitted_above"] and r["slope_above"] is None
    jumped = timing_result([1e-4, 1e-2], [2e-5, 2e-5], slope_full=2.0, slope_sampled=0.0)
    jumped["rows"] = [
        {**jumped["rows"][0], "d": d, "time_full_s": t} for d, t in zip(ds, [1e-4, 3e-4, 1e-2], strict=True)
    ]
    text = render_q3(results, monkeypatch, "submission", timing=jumped)
    assert r"Above the jump only $d=10\,000$ was measured, too few sizes to fit a slope there" in text
