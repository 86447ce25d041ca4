"""Problem 3: the closed-form gradient against autograd, and the sampled estimators' stated properties."""

import pytest
import torch

from hw4.q3 import skipgram as sg
from hw4.q3.check import BIAS_RESOLVED_OVER_NOISE, bias_and_variance_slopes


@pytest.mark.parametrize("d,h,j", [(2, 1, 0), (7, 3, 6), (50, 16, 13), (1000, 64, 999)])
def test_closed_form_equals_autograd(d, h, j):
    gen = torch.Generator().manual_seed(d + h)
    U = torch.randn(d, h, generator=gen, dtype=torch.float64)
    v = torch.randn(h, generator=gen, dtype=torch.float64)
    gv, gU = sg.full_gradient(v, U, j)
    av, aU = sg.autograd_gradient(v, U, j)
    torch.testing.assert_close(gv, av, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(gU, aU, rtol=1e-12, atol=1e-14)
    # every output vector gets a gradient, and row j is the only one with a negative coefficient
    p = torch.softmax(U @ v, 0)
    torch.testing.assert_close(gU[j], (p[j] - 1) * v)


def test_verify_autograd_reports_machine_precision():
    rows = sg.verify_autograd([{"d": 30, "h": 5}, {"d": 500, "h": 40}], pairs=3, seed=1)
    assert [r["d"] for r in rows] == [30, 500]
    for r in rows:
        assert 0 <= r["max_rel_err_v"] < 1e-13 and 0 <= r["max_rel_err_U"] < 1e-13


def test_instance_with_scores_hits_the_requested_scores():
    gen = torch.Generator().manual_seed(0)
    scores = torch.linspace(-3, 2, 40, dtype=torch.float64)
    v, U = sg.instance_with_scores(scores, 8, gen)
    torch.testing.assert_close(U @ v, scores)


def test_draw_follows_the_distribution():
    gen = torch.Generator().manual_seed(0)
    q = sg.proposal(sg.zipf_unigram(20, 1.0), 0.75)
    idx = sg.draw(torch.cumsum(q, 0), (200_000,), gen)
    freq = torch.bincount(idx, minlength=20).double() / 200_000
    assert idx.min() >= 0 and idx.max() < 20
    torch.testing.assert_close(freq, q, atol=4e-3, rtol=0)


def _instance(d=200, h=6, seed=3):
    gen = torch.Generator().manual_seed(seed)
    unigram = sg.zipf_unigram(d, 1.0)
    v, U = sg.realistic_instance(d, h, unigram, 1.0, gen)
    return gen, unigram, v, U


def test_uniform_estimator_is_unbiased():
    """Mean of N draws of k=5 within 5 standard errors (per coordinate) of the true gradient."""
    gen, _, v, U = _instance()
    d, j, N = U.shape[0], 4, 200_000
    p = torch.softmax(U @ v, 0)
    true = sg.full_gradient(v, U, j)[0]
    est = sg.grad_v_uniform(v, U, j, p, torch.randint(d, (N, 5), generator=gen))
    mean, se = est.mean(0), est.std(0) / N**0.5
    assert torch.all((mean - true).abs() < 5 * se), (mean - true) / se
    # and the check can fail: the same draws without the factor d are detected as biased
    unscaled = (est + U[j]) / d - U[j]
    assert not torch.all((unscaled.mean(0) - true).abs() < 5 * se)


def test_importance_estimator_at_k1_averages_under_q_not_p():
    """The stated bias: with one draw the self-normalised weight is 1, so E[g_hat] = sum_w q_w u_w - u_j."""
    gen, unigram, v, U = _instance()
    j, N = 4, 200_000
    q = sg.proposal(unigram, 0.75)
    est = sg.grad_v_importance(v, U, j, q.log(), sg.draw(torch.cumsum(q, 0), (N, 1), gen))
    mean, se = est.mean(0), est.std(0) / N**0.5
    assert torch.all((mean - (q @ U - U[j])).abs() < 5 * se)
    true = sg.full_gradient(v, U, j)[0]
    assert (mean - true).norm() > 10 * se.norm()  # biased at k = 1


def test_importance_estimator_converges_with_k():
    gen, unigram, v, U = _instance()
    j = 4
    q = sg.proposal(unigram, 0.75)
    true = sg.full_gradient(v, U, j)[0]
    est = sg.grad_v_importance(v, U, j, q.log(), sg.draw(torch.cumsum(q, 0), (200, 20_000), gen))
    assert float((est.mean(0) - true).norm() / true.norm()) < 0.01


def test_negative_sampling_gradient_is_the_gradient_of_its_objective():
    """grad_v_negative, and the timed step's grad_v and touched rows of grad_U summed into U's shape, equal
    autograd's gradient of the negative-sampling objective."""
    gen, unigram, v, U = _instance()
    j, cdf = 7, torch.cumsum(sg.proposal(unigram, 0.75), 0)
    state = gen.get_state()
    grad_v, rows, grad_rows = sg.negative_sampling_gradient(v, U, j, cdf, 12, gen)
    gen.set_state(state)
    idx = sg.draw(cdf, (12,), gen)
    assert rows.tolist() == idx.tolist() + [j]
    vv, UU = v.clone().requires_grad_(True), U.clone().requires_grad_(True)
    sg.negative_sampling_loss(vv, UU, j, idx).backward()
    torch.testing.assert_close(sg.grad_v_negative(v, U, j, idx), vv.grad)
    torch.testing.assert_close(torch.zeros_like(U).index_add_(0, rows, grad_rows), UU.grad)
    torch.testing.assert_close(grad_v, sg.grad_v_negative(v, U, j, idx))


def test_sampled_gradient_matches_the_estimator_and_touches_k_plus_1_rows():
    gen, unigram, v, U = _instance()
    q = sg.proposal(unigram, 0.75)
    cdf = torch.cumsum(q, 0)
    state = gen.get_state()
    grad_v, rows, grad_rows = sg.sampled_gradient(v, U, 5, cdf, q.log(), 9, gen)
    gen.set_state(state)
    idx = sg.draw(cdf, (9,), gen)
    torch.testing.assert_close(grad_v, sg.grad_v_importance(v, U, 5, q.log(), idx))
    assert rows.tolist() == idx.tolist() + [5]
    assert grad_rows.shape == (10, U.shape[1])
    torch.testing.assert_close(grad_rows[-1], -v)
    # the weights of the sampled rows sum to one: sum of their coefficients times v
    torch.testing.assert_close(grad_rows[:-1].sum(0), v)


def test_estimator_stats_orders_the_estimators():
    r = sg.estimator_stats(2000, 8, 1.0, 0.75, 1.0, [1, 10, 100], 300, 100, 0)
    rows = {row["k"]: row for row in r["rows"]}
    slopes = {name: bias_and_variance_slopes(r["rows"], name) for name in ("uniform", "importance")}
    # uniform: unbiased, its measured bias is noise; importance: far smaller variance, bias falling with k
    assert slopes["uniform"]["bias_over_noise_max"] < 4
    assert all(row["uniform_var"] > 10 * row["importance_var"] for row in r["rows"])
    assert rows[100]["importance_bias"] < rows[1]["importance_bias"] / 10
    assert rows[100]["importance_var"] < rows[1]["importance_var"] / 10
    # negative sampling does not approach the softmax gradient
    assert rows[100]["negative_bias"] > rows[1]["negative_bias"]
    assert slopes["importance"]["var_slope"] < -0.5 and slopes["uniform"]["var_slope"] < -0.5


def test_bias_and_variance_slopes_follow_the_data():
    """Variance 2/k^0.8 and bias 0.5/k^0.75 over a noise floor of 0.005: the slopes are the exponents, the bias is
    fitted only where it stands above the noise, and the floor starts where it stays within it."""
    ks = [1, 3, 10, 30, 100, 300, 1000]
    rows = []
    for k in ks:
        bias = 0.5 * k**-0.75
        rows.append({"k": k, "importance_var": 2 * k**-0.8, "importance_bias": bias, "importance_noise_floor": 0.005})
    out = bias_and_variance_slopes(rows, "importance")
    assert out["var_slope"] == pytest.approx(-0.8) and out["var_slope_large_k"] == pytest.approx(-0.8)
    assert out["large_k_from"] == 30
    resolved = [k for k in ks if 0.5 * k**-0.75 > BIAS_RESOLVED_OVER_NOISE * 0.005]
    assert out["bias_resolved_k"] == resolved == [1, 3, 10, 30, 100]
    assert out["bias_slope"] == pytest.approx(-0.75)
    assert out["floor_k"] == 300
    # a bias that never leaves the noise: no slope, and the floor from the first k
    flat = [dict(r, importance_bias=0.006) for r in rows]
    out = bias_and_variance_slopes(flat, "importance")
    assert out["bias_slope"] is None and out["bias_resolved_k"] == [] and out["floor_k"] == 1
    # a bias that returns above the noise at the largest k: no floor
    back = [*flat[:-1], dict(flat[-1], importance_bias=0.5)]
    assert bias_and_variance_slopes(back, "importance")["floor_k"] is None
