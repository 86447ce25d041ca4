"""Problem 2: the fast attention forms against their references, and the op-count formulas against counts."""

import math

import pytest
import torch

from hw4.q2.attention import (
    band_mask,
    block_layout,
    block_local_attention,
    causal_mask,
    full_attention,
    linear_attention,
    linear_attention_quadratic,
    orthogonal_gaussian,
    pairs_used,
    patterns,
    performer_attention,
    sliding_window_attention,
    window_layout,
)
from hw4.q2.derive import FORMULAS, KINDS, derive, evaluate, method_totals, window_pairs
from hw4.q2.methods import COUNTED, METHODS
from hw4.q2.retrieval import needle_task, retrieval_accuracy, run_retrieval
from hw4.q2.verify import verify_instance


def qkv(T, d, shape=(), seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, T, d, generator=g, dtype=torch.float64) for _ in range(3))


@pytest.mark.parametrize("T,w", [(1, 1), (5, 1), (7, 3), (16, 4), (17, 4), (30, 7), (9, 20)])
def test_sliding_window_equals_masked_full_attention(T, w):
    q, k, v = qkv(T, 5, shape=(2, 3))
    got = sliding_window_attention(q, k, v, w)
    want = full_attention(q, k, v, band_mask(T, w))
    assert got.shape == want.shape == (2, 3, T, 5)
    torch.testing.assert_close(got, want, rtol=0, atol=1e-12)


def test_sliding_window_differs_from_full_attention_when_the_window_is_short():
    q, k, v = qkv(40, 4)
    assert (sliding_window_attention(q, k, v, 3) - full_attention(q, k, v)).abs().max() > 1e-3
    torch.testing.assert_close(sliding_window_attention(q, k, v, 39), full_attention(q, k, v), rtol=0, atol=1e-12)


@pytest.mark.parametrize("T,w", [(8, 4), (10, 4), (3, 5)])
def test_block_local_equals_block_diagonal_masked_attention(T, w):
    q, k, v = qkv(T, 3)
    i = torch.arange(T)
    mask = i[:, None] // w == i[None, :] // w
    torch.testing.assert_close(block_local_attention(q, k, v, w), full_attention(q, k, v, mask), rtol=0, atol=1e-12)


@pytest.mark.parametrize("T,w", [(12, 3), (13, 3), (32, 4), (5, 8)])
def test_layouts_use_exactly_the_intended_pairs(T, w):
    assert torch.equal(pairs_used(T, *window_layout(T, w)), band_mask(T, w))
    i = torch.arange(T)
    assert torch.equal(pairs_used(T, *block_layout(T, w)), i[:, None] // w == i[None, :] // w)


def test_window_never_builds_a_T_by_T_score_tensor():
    _, valid = window_layout(4096, 16)
    assert valid.numel() == 4096 * 3 * 16  # 3wT scores, not T^2 = 16.7 million


def test_linear_attention_equals_its_quadratic_form():
    q, k, v = qkv(50, 6, shape=(2,))
    torch.testing.assert_close(linear_attention(q, k, v), linear_attention_quadratic(q, k, v), rtol=1e-12, atol=1e-12)


def test_linear_attention_is_not_softmax_attention():
    q, k, v = qkv(50, 6)
    assert (linear_attention(q, k, v) - full_attention(q, k, v)).abs().max() > 1e-2


def test_performer_converges_to_softmax_attention_with_more_features():
    q, k, v = qkv(64, 8)
    q, k = q * 0.5, k * 0.5  # moderate scores, where a few thousand features suffice
    full = full_attention(q, k, v)
    errs = []
    for m in (16, 4096):
        proj = orthogonal_gaussian(m, 8, torch.Generator().manual_seed(1), dtype=torch.float64)
        errs.append(float((performer_attention(q, k, v, proj) - full).norm() / full.norm()))
    # error ~ 1/sqrt(m): 16x more features, about 1/4 of the error; a biased estimator would level off instead
    assert errs[1] < 0.06
    assert errs[1] < errs[0] / 4


def test_performer_features_are_stable_for_large_scores():
    q, k, v = qkv(32, 8)
    proj = orthogonal_gaussian(16, 8, torch.Generator().manual_seed(1), dtype=torch.float64)
    out = performer_attention(q * 30, k * 30, v, proj)  # exp() of the unshifted logits would overflow
    assert torch.isfinite(out).all()


def test_masks():
    assert causal_mask(4).sum() == 10
    assert band_mask(6, 1).sum() == 6 + 2 * 5


@pytest.mark.parametrize("T,w", [(5, 1), (12, 3), (20, 4), (7, 7), (30, 29)])
def test_window_pair_formula(T, w):
    assert int(window_pairs(T, w)) == int(band_mask(T, w).sum())


@pytest.mark.parametrize("T,d,w,m", [(12, 4, 3, 6), (9, 3, 2, 5), (6, 2, 6, 3), (16, 4, 4, 8)])
def test_counted_operations_and_flops_match_the_formulas(T, d, w, m):
    inst = {"T": T, "d": d, "w": w, "m": m}
    row = verify_instance(**inst, seed=0)
    assert row["window_vs_masked_full"] < 1e-12 and row["linear_vs_quadratic"] < 1e-12
    for meth in COUNTED:
        got, tot = row["methods"][meth.key], method_totals(meth.formula)
        assert {k: got[f"counted_{k}"] for k in KINDS} == {k: evaluate(tot[k], **inst) for k in KINDS}, meth.key
        assert got["counted_ops"] == evaluate(tot["total"], **inst) and got["scalar_vs_torch"] < 1e-10
        assert got["flop_counter"] == evaluate(FORMULAS[meth.formula]["flop_counter"], **inst)


def test_full_attention_count_by_hand():
    # T=2, d=1: scale 2 mults; 4 scores of 1 mult; 4 exp; 4 weighted values; adds: 2 rows x (1 + 1); 2 divisions.
    inst = {"T": 2, "d": 1, "w": 1, "m": 1}
    tot = method_totals("full")
    assert [evaluate(tot[k], **inst) for k in ("mults", "adds", "divs", "nonlin")] == [2 + 4 + 4, 4, 2, 4]


def test_registry_names_each_method_once_and_its_formulas_exist():
    assert len({m.key for m in METHODS}) == len(METHODS)
    assert {m.formula for m in METHODS if m.formula} == set(FORMULAS)
    assert all((m.scalar_fn is None) == (m.formula is None) for m in METHODS)


def test_every_torch_function_of_the_registry_runs_on_batched_heads():
    q, k, v = qkv(16, 4, shape=(2, 3))
    proj = orthogonal_gaussian(8, 4, torch.Generator().manual_seed(1), dtype=torch.float64)
    for m in METHODS:
        assert m.torch_fn(q, k, v, 4, proj).shape == (2, 3, 16, 4), m.key


def test_derive_orders_and_bench_point():
    res = derive([{"T": 12, "d": 4, "w": 3, "m": 6}], {"T": 8192, "d": 64, "w": 64, "m": 128})
    assert res["methods"]["full"]["big_o"] == "T**2*d"
    assert res["methods"]["linear"]["big_o"] == "T*d**2"
    assert res["methods"]["performer"]["big_o"] == "T*d*m"
    assert {k: v["degree_in_T"] for k, v in res["methods"].items()} == {
        "full": 2,
        "window": 1,
        "linear": 1,
        "performer": 1,
    }
    assert res["instances"][0]["window_pairs"] == {"formula": 12 * 7 - 12, "direct": 12 * 7 - 12}
    # roughly T / (2w) fewer operations for the window, T / d for linear attention
    full = res["methods"]["full"]["at"]
    assert 50 < full / res["methods"]["window"]["at"] < 70
    assert 100 < full / res["methods"]["linear"]["at"] < 140


def test_patterns_for_the_figure():
    p = patterns(16, 3)
    assert p["window_is_band"] and p["blocks_are_diagonal_blocks"]
    assert p["pairs"] == {"full": 256, "causal": 136, "window": 16 * 7 - 12, "blocks": 5 * 9 + 1}


def test_needle_task_full_attention_finds_the_needle_and_window_cannot_beyond_w():
    g = torch.Generator().manual_seed(0)
    q, k, v = needle_task(256, 32, 100, 10.0, g)
    assert retrieval_accuracy(full_attention(q, k, v), v, 100) > 0.95
    assert retrieval_accuracy(sliding_window_attention(q, k, v, 16), v, 100) < 0.05
    q, k, v = needle_task(256, 32, 10, 10.0, g)
    assert retrieval_accuracy(sliding_window_attention(q, k, v, 16), v, 10) > 0.95


def test_run_retrieval_summaries():
    res = run_retrieval(128, 16, 8, 16, [2, 8, 9, 40], 10.0, 1, 0)
    assert res["mean_within_window"]["window"] == pytest.approx(1.0)
    assert res["mean_beyond_window"]["window"] < 0.1
    assert res["mean_beyond_window"]["full"] > 0.9
    assert math.isclose(res["chance"], 1 / 128)
