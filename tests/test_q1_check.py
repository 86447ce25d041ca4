"""Problem 1: the check step stops the build on a wrong count, and the claims follow the numbers they state."""

import copy
import re
from pathlib import Path

import pytest
from conftest import default_marking, render_problem

from hw4.checks import CheckError
from hw4.latex import mark_raw
from hw4.q1.check import ORDERS_TOLERANCE, check, claims
from hw4.q1.compare import compare
from hw4.q1.derive import derive
from hw4.q1.fields import fields
from hw4.q1.rnn import verify_instance
from hw4.render import build_context

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = [{"n": 3, "c": 2, "h": 4}, {"n": 5, "c": 3, "h": 6}]


@pytest.fixture(scope="module")
def results():
    """Small but real derive, verify, fields and compare results (the comparison times one call per model)."""
    return {
        "q1_derive": derive(INSTANCES),
        "q1_verify": {"instances": [verify_instance(i["n"], i["c"], i["h"], 0, 10**6) for i in INSTANCES]},
        "q1_fields": fields([4, 8, 16], 2, 4, 2, 3, 0),
        "q1_compare": compare([4, 8, 16], 2, 4, 2, 3, 1, 1, 0),
    }


def run_check(res, verify=None, fields=None):
    return check(res["q1_derive"], verify or res["q1_verify"], fields or res["q1_fields"])


def test_real_results_pass_with_their_claims(results):
    out = run_check(results)
    assert out["instances_checked"] == 2
    assert out["orders"]["agrees"] and out["orders"]["largest"] < ORDERS_TOLERANCE
    assert out["scalar"]["agrees"]
    assert out["sigma_counted"] == [{"n": 3, "h": 4, "counted_sigma": 36}, {"n": 5, "h": 6, "counted_sigma": 150}]
    cc = out["compare"]
    assert cc["first"]["n"] == 4 and cc["last"]["n"] == 16
    assert cc["rf_conv_centre_max"] == 25  # two 3x3 layers: a 5x5 window
    assert cc["centre_share"] == 81 / 256 and not cc["centre_share_about_a_quarter"]
    assert cc["rnn_context_grows"] and cc["conv_context_capped"]
    row = results["q1_compare"]["rows"][-1]
    assert claims(results["q1_compare"])["timing"]["last_ms"]["loop"] == row["time_loop_s"] * 1000
    assert "timing" not in out  # the exact check reads no timing


@pytest.mark.parametrize(
    "path,delta,match",
    [
        *(
            (("q1_verify", "instances", 1, key), d, rf"\(n, c, h\) = \(5, 3, 6\): {key} = ")
            for key, d in (("counted_adds", 1), ("counted_mults", -1), ("counted_sigma", 1), ("params_module", 1))
        ),
        (("q1_verify", "instances", 0, "flop_counter_wavefront"), 2, "flop_counter_wavefront"),
        (("q1_fields", "rows", 0, "rf_rnn_centre"), 1, "n=4: rf_rnn_centre"),
        (("q1_fields", "params_conv"), -1, "conv net has"),
    ],
)
def test_a_count_or_a_receptive_field_off_stops_the_build(results, path, delta, match):
    res = target = copy.deepcopy(results)
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] += delta
    with pytest.raises(CheckError, match=match):
        run_check(res)


def test_float_disagreement_is_recorded_not_hidden(results):
    verify = copy.deepcopy(results["q1_verify"])
    verify["instances"][0]["orders_max_abs_diff"] = 1e-6
    out = run_check(results, verify=verify)
    assert out["orders"] == {"largest": 1e-6, "tolerance": ORDERS_TOLERANCE, "agrees": False, "exact": False}


def test_claims_flip_with_the_numbers(results):
    cmp = copy.deepcopy(results["q1_compare"])
    last = cmp["rows"][-1]
    last["time_conv_s"] = 10 * last["time_loop_s"]
    assert not claims(cmp)["timing"]["conv_faster_at_last"]
    last["time_conv_s"] = last["time_wavefront_s"] / 10
    assert claims(cmp)["timing"]["conv_faster_at_last"]


def test_no_counted_instance_is_a_claim(results):
    verify = copy.deepcopy(results["q1_verify"])
    for r in verify["instances"]:
        r.update(counted_mults=None, counted_adds=None, counted_ops=None, counted_sigma=None)
        del r["scalar_max_abs_diff"]
    out = run_check(results, verify=verify)
    assert out["sigma_counted_none"] and out["sigma_counted"] == [] and out["scalar"]["agrees"] is None


def render_q1(res, monkeypatch, mode: str = "solutions") -> str:
    monkeypatch.chdir(ROOT)  # the template excerpts hw4/q1/rnn.py
    results = {name: mark_raw(value) for name, value in res.items()}
    results["q1_check"] = mark_raw(run_check(res))
    results["q1_claims"] = mark_raw(claims(res["q1_compare"]))
    results["marking"] = default_marking()
    results["q1_compare"]["machine"] = {"cpu": "test cpu", "torch_threads": 1, "torch": "0"}
    context = {**build_context({"q1": {"instances": INSTANCES}}, mode, {}), "q": "q1", "results": results}
    return re.sub(r"\s+", " ", render_problem("q1", context))


def test_the_prose_follows_the_claims(results, monkeypatch):
    fast = copy.deepcopy(results)
    fast["q1_compare"]["rows"][-1].update(time_loop_s=3.0, time_wavefront_s=2.0, time_conv_s=1.0)
    fast["q1_verify"]["instances"][0]["orders_max_abs_diff"] = 2e-16  # summed in another order: rounding
    text = render_q1(fast, monkeypatch)
    assert "they agree to rounding" in text and "not the fastest" not in text
    assert (
        r"timed below, which sees only" in text and r"takes 1\,000 ms against the wavefront RNN's 2\,000 ms" in text
    )  # 1c box
    assert "36 for $n=3, h=4$; 150 for $n=5, h=6$." in text
    assert "about a quarter" not in text  # 81 of 256 cells
    slow = copy.deepcopy(fast)
    slow["q1_compare"]["rows"][-1]["time_conv_s"] = 4.0
    slow["q1_verify"]["instances"][0]["orders_max_abs_diff"] = 1e-6
    text = render_q1(slow, monkeypatch)
    assert "not the fastest of the three" in text and r"\emph{disagree}" in text
    assert "timed here" not in text
    exact = copy.deepcopy(fast)
    for row in exact["q1_verify"]["instances"]:
        row["orders_max_abs_diff"] = 0.0  # a small variant: both orders add the same numbers in the same order
    text = render_q1(exact, monkeypatch)
    assert "they agree exactly" in text and "agree to rounding" not in text and "at most 0" not in text


@pytest.mark.parametrize("conv_s,boxed", [(1.0, True), (4.0, False)])
def test_the_submission_box_follows_the_claims(results, monkeypatch, conv_s, boxed):
    res = copy.deepcopy(results)
    res["q1_compare"]["rows"][-1].update(time_loop_s=3.0, time_wavefront_s=2.0, time_conv_s=conv_s)
    text = render_q1(res, monkeypatch, mode="submission")
    box = text.split(r"\subsection*{1c.", 1)[1].split(r"\textbf{Set-up.}", 1)[0]
    assert (r"against the wavefront RNN's 2\,000 ms" in box) is boxed
    assert ("not the fastest of the three" in text) is not boxed
    # the submission carries no check table and no listing
    assert "lstlisting" not in text and "flop counter" not in text
