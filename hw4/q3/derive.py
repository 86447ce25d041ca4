"""Problem 3 (a, b): the skip-gram gradient and its cost, derived with sympy and checked by counting.

Notation of the problem: d words, embedding dimension h, an input ("centre") vector v_i and an output
("context") vector u_w for every word w = 1..d.  For one training pair (centre i, context j) the model is
p(w | i) = exp(u_w^T v_i) / sum_w' exp(u_w'^T v_i) and the loss is the cross-entropy L = -log p(j | i).

Three things happen here:
* the gradient is derived for general d through the scores s_w = u_w^T v_i (sympy differentiates the sum);
* for a small vocabulary the loss is written out in scalar components and differentiated component by
  component, and every derivative is checked against the closed form;
* the operations of the full gradient and of the sampled (self-normalised importance sampling) gradient
  are summed with sympy, term by term, and compared with operations counted while plain-Python copies of
  the two computations run.
Counting conventions: a dot product of two h-vectors is h multiplications and h-1 additions; subtractions
count as additions; exp and division are counted on their own; drawing a sample is a binary search on a
precomputed cumulative table (comparisons, no arithmetic), listed separately.
"""

import functools
import math

import sympy as sp

from hw4.opcount import OpCounter
from hw4.symbolic import big_o, big_o_latex, to_latex

d, h, k = sp.symbols("d h k", positive=True, integer=True)  # words, embedding dimension, samples
w, m, j = sp.symbols("w m j", positive=True, integer=True)  # word indices: summed, differentiated, context
s = sp.IndexedBase("s")  # scores s_w = u_w^T v_i


# --------------------------------------------------------------------------------------------------------
# General d: differentiate through the scores.


def loss_in_scores() -> sp.Expr:
    """L = -s_j + log sum_{w=1}^d exp(s_w), the cross-entropy of the softmax for context word j."""
    return -s[j] + sp.log(sp.Sum(sp.exp(s[w]), (w, 1, d)))


def _drop_range_piecewise(expr: sp.Expr) -> sp.Expr:
    """sympy evaluates sum_w exp(s_w) delta_{wm} as Piecewise((exp(s_m), m <= d), (0, True)); m is a word, so
    1 <= m <= d and the first branch holds."""

    def first_branch(pw):
        (val, cond), *_ = pw.args
        if cond != sp.Ge(d, m):
            raise ValueError(f"unexpected condition {cond} in the derivative of the log-sum-exp")
        return val

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), first_branch)


def score_gradient() -> dict[str, sp.Expr]:
    """dL/ds_m, raw (as sympy differentiates the Sum) and evaluated (the delta summed out)."""
    L = loss_in_scores()
    raw = sp.diff(L, s[m])
    done = _drop_range_piecewise(raw.doit())
    p_m = sp.exp(s[m]) / sp.Sum(sp.exp(s[w]), (w, 1, d))
    closed = p_m - sp.KroneckerDelta(m, j)
    if sp.simplify(done - closed) != 0:
        raise AssertionError(f"dL/ds_m = {done} is not p_m - delta_mj")
    return {"raw": raw, "evaluated": done, "closed": closed}


# --------------------------------------------------------------------------------------------------------
# Small d: the loss in scalar components, differentiated component by component.


def component_symbols(d_small: int, h_small: int):
    """v_i as (v_1..v_h) and u_w as (u_{w,1}..u_{w,h}) scalar symbols."""
    V = sp.Matrix(sp.symbols(f"v_1:{h_small + 1}", real=True))
    U = sp.Matrix(d_small, h_small, lambda a, b: sp.Symbol(f"u_{a + 1}_{b + 1}", real=True))
    return V, U


def closed_form(V: sp.Matrix, U: sp.Matrix, jj: int):
    """The closed form: grad_v = -u_j + sum_w p_w u_w, grad_{u_w} = (p_w - [w = j]) v (jj is 0-based)."""
    scores = U * V
    Z = sum(sp.exp(sc) for sc in scores)
    p = [sp.exp(sc) / Z for sc in scores]
    grad_v = -U.row(jj).T + sum((p[a] * U.row(a).T for a in range(U.rows)), sp.zeros(V.rows, 1))
    grad_U = sp.Matrix(U.rows, U.cols, lambda a, b: (p[a] - (1 if a == jj else 0)) * V[b])
    return grad_v, grad_U


def check_small_vocabulary(d_small: int, h_small: int, closed=closed_form) -> dict:
    """Differentiate L for every context word j of a d_small-word vocabulary with respect to every scalar
    parameter, and compare with ``closed`` (a function like :func:`closed_form`)."""
    V, U = component_symbols(d_small, h_small)
    scores = U * V
    checked = mismatches = 0
    for jj in range(d_small):
        L = -scores[jj] + sp.log(sum(sp.exp(sc) for sc in scores))
        grad_v, grad_U = closed(V, U, jj)
        pairs = [(sp.diff(L, V[b]), grad_v[b]) for b in range(h_small)]
        pairs += [(sp.diff(L, U[a, b]), grad_U[a, b]) for a in range(d_small) for b in range(h_small)]
        for auto, formula in pairs:
            checked += 1
            if sp.simplify(auto - formula) != 0:
                mismatches += 1
    return {
        "d": d_small,
        "h": h_small,
        "derivatives_checked": checked,
        "mismatches": mismatches,
        "parameters": d_small * h_small + h_small,
    }


# --------------------------------------------------------------------------------------------------------
# Operation counts.


KINDS = ("mults", "adds", "exps", "divs")  # the columns of the operation tables


def _term(what: str, mults=0, adds=0, exps=0, divs=0) -> dict:
    return {
        "what": what,
        "mults": sp.sympify(mults),
        "adds": sp.sympify(adds),
        "exps": sp.sympify(exps),
        "divs": sp.sympify(divs),
    }


def full_terms() -> list[dict]:
    """Every step of the full gradient for one pair, with its arithmetic."""
    return [
        _term(r"s_w = u_w^{T} v_i,\ w = 1..d", mults=d * h, adds=d * (h - 1)),
        _term(r"Z = \sum_{w} e^{s_w}", adds=d - 1, exps=d),
        _term(r"p_w = e^{s_w} / Z", divs=d),
        _term(r"e_w = p_w - [w = j]", adds=1),
        _term(r"\nabla_{v_i} L = \sum_{w} e_w u_w", mults=d * h, adds=(d - 1) * h),
        _term(r"\nabla_{u_w} L = e_w v_i,\ w = 1..d", mults=d * h),
    ]


def sampled_terms() -> list[dict]:
    """Every step of the sampled gradient (k draws w_1..w_k from the proposal q, self-normalised)."""
    return [
        _term(r"s_{w_t} = u_{w_t}^{T} v_i,\ t = 1..k", mults=k * h, adds=k * (h - 1)),
        _term(r"r_t = e^{s_{w_t}} / q_{w_t}", exps=k, divs=k),
        _term(r"\tilde r_t = r_t / \sum_{t'} r_{t'}", adds=k - 1, divs=k),
        _term(r"\hat\nabla_{v_i} = -u_j + \sum_{t} \tilde r_t u_{w_t}", mults=k * h, adds=(k - 1) * h + h),
        _term(r"\hat\nabla_{u_{w_t}} = \tilde r_t v_i,\ \hat\nabla_{u_j} = -v_i", mults=k * h + h),
    ]


def totals(terms: list[dict]) -> dict[str, sp.Expr]:
    out = {key: sp.expand(sum(t[key] for t in terms)) for key in KINDS}
    out["total"] = sp.expand(sum(out.values()))
    return out


def counted(c: OpCounter) -> dict[str, int]:
    """The counts of a scalar run, in the categories of the operation tables."""
    return {"mults": c.mults, "adds": c.adds, "exps": c.exps, "divs": c.divs, "total": c.total()}


def full_gradient_scalar(U: list[list[float]], v: list[float], jj: int, c: OpCounter):
    """The full gradient in plain Python scalars (jj 0-based): (grad_v, grad_U as d rows)."""
    scores = [c.dot(u, v) for u in U]
    ex = [c.exp(x) for x in scores]
    Z = functools.reduce(c.add, ex)
    e = [c.div(x, Z) for x in ex]
    e[jj] = c.sub(e[jj], 1.0)
    grad_v = c.axpy_sum(e, U)
    grad_U = [[c.mul(ew, x) for x in v] for ew in e]
    return grad_v, grad_U


def sampled_gradient_scalar(U, v, jj: int, samples: list[int], q: list[float], c: OpCounter):
    """The self-normalised importance-sampled gradient in scalars: (grad_v, sparse rows [(word, grad)])."""
    rows = [U[t] for t in samples]
    r = [c.div(c.exp(c.dot(u, v)), q[t]) for u, t in zip(rows, samples, strict=True)]
    R = functools.reduce(c.add, r)
    rt = [c.div(x, R) for x in r]
    avg = c.axpy_sum(rt, rows)
    grad_v = [c.sub(a, b) for a, b in zip(avg, U[jj], strict=True)]
    # Rows of the output gradient, kept sparse: a sampled word twice (or j sampled) is summed at update time.
    grad_rows = [(t, [c.mul(x, y) for y in v]) for t, x in zip(samples, rt, strict=True)]
    grad_rows.append((jj, [c.mul(-1.0, y) for y in v]))
    return grad_v, grad_rows


def count_instance(d_val: int, h_val: int, k_val: int, seed: int) -> dict:
    """Run both scalar computations on a random instance, counting, and evaluate the formulas beside them."""
    import random

    rng = random.Random(seed)
    U = [[rng.gauss(0, 0.3) for _ in range(h_val)] for _ in range(d_val)]
    v = [rng.gauss(0, 0.3) for _ in range(h_val)]
    q = [1.0 / d_val] * d_val
    samples = [rng.randrange(d_val) for _ in range(k_val)]
    cf, cs = OpCounter(), OpCounter()
    full_gradient_scalar(U, v, 0, cf)
    sampled_gradient_scalar(U, v, 0, samples, q, cs)
    subs = {d: d_val, h: h_val, k: k_val}
    ft, st = totals(full_terms()), totals(sampled_terms())
    return {
        "d": d_val,
        "h": h_val,
        "k": k_val,
        "full_formula": {key: int(val.subs(subs)) for key, val in ft.items()},
        "full_counted": counted(cf),
        "sampled_formula": {key: int(val.subs(subs)) for key, val in st.items()},
        "sampled_counted": counted(cs),
        "search_comparisons": k_val * math.ceil(math.log2(d_val)),
    }


# --------------------------------------------------------------------------------------------------------
# Display forms of the vector results (printed by sympy, so the PDF's formulas are sympy's).


class Dot(sp.Function):
    """The inner product a^T b of two vectors, kept unevaluated and printed as a^{T} b."""

    nargs = 2

    def _latex(self, printer):
        a, b = self.args
        return f"{printer._print(a)}^{{T}} {printer._print(b)}"


def vector_forms() -> dict[str, str]:
    """The model, the loss and the gradients in the problem's vector notation (u_w, v_i: h-vectors)."""
    i = sp.Symbol("i", positive=True, integer=True)
    u, v, p = sp.IndexedBase("u"), sp.IndexedBase("v"), sp.IndexedBase("p")
    Z = sp.Sum(sp.exp(Dot(u[w], v[i])), (w, 1, d))
    return {
        "model_tex": to_latex(sp.exp(Dot(u[j], v[i])) / Z),
        "loss_tex": to_latex(-Dot(u[j], v[i]) + sp.log(Z)),
        "grad_v_centered_tex": to_latex(sp.Sum((p[w] - sp.KroneckerDelta(w, j)) * u[w], (w, 1, d))),
        "grad_v_tex": to_latex(-u[j] + sp.Sum(p[w] * u[w], (w, 1, d))),
        "grad_uj_tex": to_latex((p[j] - 1) * v[i]),
        "grad_uw_tex": to_latex(p[w] * v[i]),
        "ds_dv_tex": to_latex(u[w]),
        "ds_du_tex": to_latex(v[i]),
    }


def estimator_forms() -> dict[str, str]:
    """Part (b): the gradient as an expectation, and its three sampled estimators (k draws w_1..w_k)."""
    i = sp.Symbol("i", positive=True, integer=True)
    t = sp.Symbol("t", positive=True, integer=True)
    u, v, p, q, ws, rr = (sp.IndexedBase(x) for x in ("u", "v", "p", "q", "w", "r"))
    E = sp.Function(r"\mathbb{E}_{w \sim p}")
    st = Dot(u[ws[t]], v[i])
    r = sp.exp(st) / q[ws[t]]
    sigma = sp.Function(r"\sigma")
    return {
        "expectation_tex": to_latex(-u[j] + E(u[w])),
        "uniform_tex": to_latex(-u[j] + d / k * sp.Sum(p[ws[t]] * u[ws[t]], (t, 1, k))),
        "importance_weight_tex": to_latex(r),
        "importance_tex": to_latex(-u[j] + sp.Sum(rr[t] * u[ws[t]], (t, 1, k)) / sp.Sum(rr[t], (t, 1, k))),
        "importance_k1_tex": to_latex(-u[j] + sp.Sum(q[w] * u[w], (w, 1, d))),
        "ns_loss_tex": to_latex(-sp.log(sigma(Dot(u[j], v[i]))) - sp.Sum(sp.log(sigma(-st)), (t, 1, k))),
        "ns_grad_tex": to_latex(-(1 - sigma(Dot(u[j], v[i]))) * u[j] + sp.Sum(sigma(st) * u[ws[t]], (t, 1, k))),
    }


def derive(symbolic: dict, count_instances: list[dict], seed: int) -> dict:
    """All results of the derivation (q3_check compares its formulas with the counts and stops on a mismatch)."""
    sg = score_gradient()
    ft, st = totals(full_terms()), totals(sampled_terms())

    def term_rows(terms):
        return [{"what_tex": t["what"], **{f"{key}_tex": to_latex(t[key]) for key in KINDS}} for t in terms]

    return {
        "scores": {
            "loss_tex": to_latex(loss_in_scores()),
            "raw_tex": to_latex(sg["raw"]),
            "evaluated_tex": to_latex(sg["evaluated"]),
            "closed_tex": to_latex(sg["closed"]),
        },
        "vectors": vector_forms(),
        "estimators": estimator_forms(),
        "small": check_small_vocabulary(symbolic["d"], symbolic["h"]),
        "ops": {
            "full_steps": term_rows(full_terms()),
            "sampled_steps": term_rows(sampled_terms()),
            "full": {f"{key}_tex": to_latex(val) for key, val in ft.items()},
            "sampled": {f"{key}_tex": to_latex(val) for key, val in st.items()},
            "full_total": str(ft["total"]),
            "sampled_total": str(st["total"]),
            "full_big_o_tex": big_o_latex(ft["total"], d, h),
            "full_big_o": str(big_o(ft["total"], d, h)),
            "sampled_big_o_tex": big_o_latex(st["total"], k, h),
            "sampled_big_o": str(big_o(st["total"], k, h)),
            "ratio_tex": to_latex(sp.limit(ft["total"] / st["total"], h, sp.oo)),
        },
        "instances": [count_instance(i["d"], i["h"], i["k"], seed) for i in count_instances],
    }
