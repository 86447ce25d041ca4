"""Problem 3: the sympy derivation and the operation counts."""

import sympy as sp

from hw4.q3 import derive as q3
from hw4.q3.derive import d, h, j, k, m, s


def test_score_gradient_is_softmax_minus_onehot():
    g = q3.score_gradient()["evaluated"]
    # at d = 3, with j = 2, the derivative with respect to s_2 and s_1
    vals = {s[1]: 0.3, s[2]: -1.2, s[3]: 0.5}
    Z = sum(sp.exp(x) for x in vals.values())
    for mm, expect in ((2, sp.exp(-1.2) / Z - 1), (1, sp.exp(0.3) / Z)):
        got = g.subs({m: mm, j: 2, d: 3}).doit().subs(vals)
        assert abs(float(got - expect)) < 1e-12


def test_small_vocabulary_check_passes_and_can_fail():
    ok = q3.check_small_vocabulary(3, 2)
    assert ok == {"d": 3, "h": 2, "derivatives_checked": 24, "mismatches": 0, "parameters": 8}

    def without_minus_uj(V, U, jj):  # a plausible mistake: forgetting the -u_j term
        gv, gU = q3.closed_form(V, U, jj)
        return gv + U.row(jj).T, gU

    bad = q3.check_small_vocabulary(3, 2, closed=without_minus_uj)
    assert bad["mismatches"] == 3 * 2  # every v-component, for every j


def test_op_count_formulas():
    ft, st = q3.totals(q3.full_terms()), q3.totals(q3.sampled_terms())
    assert sp.expand(ft["total"] - (5 * d * h + 2 * d - h)) == 0
    assert sp.expand(st["total"] - (5 * h * k + h + 3 * k - 1)) == 0


def test_formulas_match_counted_operations():
    for dd, hh, kk in ((2, 1, 1), (5, 3, 2), (37, 7, 11), (120, 4, 30)):
        r = q3.count_instance(dd, hh, kk, seed=dd)
        assert r["full_formula"] == r["full_counted"], (dd, hh, kk)
        assert r["sampled_formula"] == r["sampled_counted"], (dd, hh, kk)


def test_scalar_gradients_are_right():
    """The counted plain-Python copies compute the actual gradient (checked against torch's closed form)."""
    import torch

    from hw4.q3.skipgram import full_gradient

    gen = torch.Generator().manual_seed(0)
    U = torch.randn(6, 3, generator=gen, dtype=torch.float64)
    v = torch.randn(3, generator=gen, dtype=torch.float64)
    gv, gU = q3.full_gradient_scalar(U.tolist(), v.tolist(), 2, q3.OpCounter())
    tv, tU = full_gradient(v, U, 2)
    torch.testing.assert_close(torch.tensor(gv, dtype=torch.float64), tv)
    torch.testing.assert_close(torch.tensor(gU, dtype=torch.float64), tU)
    # sampled with q uniform and every word drawn once: the self-normalised weights are exactly p
    q = [1 / 6] * 6
    sv, rows = q3.sampled_gradient_scalar(U.tolist(), v.tolist(), 2, list(range(6)), q, q3.OpCounter())
    torch.testing.assert_close(torch.tensor(sv, dtype=torch.float64), tv)
    dense = torch.zeros(6, 3, dtype=torch.float64)
    for w, g in rows:
        dense[w] += torch.tensor(g, dtype=torch.float64)
    torch.testing.assert_close(dense, tU)


def test_derive_results():
    r = q3.derive({"d": 2, "h": 1}, [{"d": 4, "h": 2, "k": 3}], seed=0)
    assert r["small"]["mismatches"] == 0
    assert r["ops"]["full_big_o"] == "d*h" and r["ops"]["sampled_big_o"] == "h*k"
    assert r["ops"]["full"]["total_tex"] == "5 d h + 2 d - h"
    assert r["vectors"]["grad_v_tex"] == r"- {u}_{j} + \sum_{w=1}^{d} {p}_{w} {u}_{w}"
    assert r["instances"][0]["full_counted"]["total"] == 5 * 4 * 2 + 2 * 4 - 2
