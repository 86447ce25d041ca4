"""Problem 2: operation counts of full, sliding-window, linear and Performer attention, derived with sympy.

Conventions (one head, T tokens, head size d, values of size d): an inner product of two k-vectors costs k
multiplications and k - 1 additions; a sum of n terms costs n - 1 additions; exp, the feature map phi = elu + 1
and divisions are counted in their own columns and each counts as one operation in the total.  Softmax
normalisation is deferred (divide the d output entries, not the T weights), as the scalar reference does.
The max-subtraction that the torch code does for floating-point safety changes no value and is not counted.

Softmax attention over any pattern of P (query, key) pairs costs the same terms; full attention has P = T^2,
the sliding window of half-width w has P = T(2w+1) - w(w+1) (for T >= w).  Kernel attention with r features
costs the feature map plus the associativity terms; linear attention has r = d, Performer r = m.
"""

import sympy as sp

from hw4.symbolic import big_o, big_o_latex, to_latex

T, d, w, m = sp.symbols("T d w m", positive=True, integer=True)
P, r = sp.symbols("P r", positive=True, integer=True)  # pairs used; features per token

KINDS = ("mults", "adds", "divs", "nonlin")  # nonlin: exp or phi evaluations


def _term(what, mults=0, adds=0, divs=0, nonlin=0) -> dict:
    return {
        "what": what,
        "mults": sp.sympify(mults),
        "adds": sp.sympify(adds),
        "divs": sp.sympify(divs),
        "nonlin": sp.sympify(nonlin),
    }


def softmax_terms() -> list[dict]:
    """Softmax attention restricted to P pairs (every query has at least one key)."""
    return [
        _term(r"\text{scale the } T \text{ queries by } d^{-1/2}", mults=T * d),
        _term(r"\text{scores } q_i \cdot k_j \text{ for the } P \text{ pairs}", mults=P * d, adds=P * (d - 1)),
        _term(r"e_{ij} = \exp(\text{score})", nonlin=P),
        _term(r"\textstyle\sum_j e_{ij} v_j", mults=P * d, adds=(P - T) * d),
        _term(r"\textstyle\sum_j e_{ij}", adds=P - T),
        _term(r"\text{divide the } T d \text{ outputs}", divs=T * d),
    ]


def kernel_terms() -> list[dict]:
    """Kernel attention given r features per token: phi(Q) (phi(K)^T V) / phi(Q) (phi(K)^T 1)."""
    return [
        _term(r"S = \textstyle\sum_j \phi(k_j) v_j^{\top}\ (r \times d)", mults=r * d * T, adds=r * d * (T - 1)),
        _term(r"z = \textstyle\sum_j \phi(k_j)", adds=r * (T - 1)),
        _term(r"\phi(q_i)^{\top} S \text{ for all } i", mults=T * r * d, adds=T * d * (r - 1)),
        _term(r"\phi(q_i)^{\top} z \text{ for all } i", mults=T * r, adds=T * (r - 1)),
        _term(r"\text{divide the } T d \text{ outputs}", divs=T * d),
    ]


def linear_feature_terms() -> list[dict]:
    return [_term(r"\phi = \mathrm{elu} + 1 \text{ on all } q_i, k_j", nonlin=2 * T * d)]


def performer_feature_terms() -> list[dict]:
    """FAVOR+ features exp(omega_a . x - |x|^2 / 2) of x = q d^{-1/4} and x = k d^{-1/4}, a = 1..m."""
    return [
        _term(r"x = q d^{-1/4},\ k d^{-1/4}", mults=2 * T * d),
        _term(r"\omega_a \cdot x,\ a = 1..m", mults=2 * T * m * d, adds=2 * T * m * (d - 1)),
        _term(r"|x|^2 / 2", mults=2 * T * (d + 1), adds=2 * T * (d - 1)),
        _term(r"\exp(\omega_a \cdot x - |x|^2/2)", adds=2 * T * m, nonlin=2 * T * m),
    ]


def window_pairs(T_=T, w_=w) -> sp.Expr:
    """Pairs with |i - j| <= w among T tokens: T(2w+1) minus the w(w+1)/2 missing at each end (T >= w)."""
    return T_ * (2 * w_ + 1) - w_ * (w_ + 1)


def totals(terms: list[dict], subs: dict) -> dict[str, sp.Expr]:
    out = {kind: sp.expand(sum(t[kind] for t in terms).subs(subs)) for kind in KINDS}
    out["total"] = sp.expand(sum(out[kind] for kind in KINDS))
    return out


# The operation counts, by the formula key that each method of the registry (hw4/q2/methods.py) names: their
# terms, what P or r is, and the FLOPs torch's flop counter attributes to the torch code (2 per multiply-add of
# each matmul, nothing else).  The blocked window computes 3w scores per query.  (This module stays torch-free;
# q2_check stops the build if the registry and these keys disagree.)
FORMULAS = {
    "full": {"terms": softmax_terms, "subs": {P: T**2}, "flop_counter": 4 * T**2 * d},
    "window": {"terms": softmax_terms, "subs": {P: window_pairs()}, "flop_counter": 12 * d * w**2 * sp.ceiling(T / w)},
    "linear": {
        "terms": lambda: linear_feature_terms() + kernel_terms(),
        "subs": {r: d},
        "flop_counter": 4 * T * d**2 + 2 * T * d,
    },
    "performer": {
        "terms": lambda: performer_feature_terms() + kernel_terms(),
        "subs": {r: m},
        "flop_counter": 8 * T * m * d + 2 * T * m,
    },
}


def method_totals(formula: str) -> dict[str, sp.Expr]:
    spec = FORMULAS[formula]
    return totals(spec["terms"](), spec["subs"])


def evaluate(expr: sp.Expr, **values) -> int:
    return int(expr.subs({T: values["T"], d: values["d"], w: values["w"], m: values["m"]}))


def steps_tex(terms: list[dict]) -> list[dict]:
    return [{"what_tex": t["what"], **{f"{k}_tex": to_latex(t[k]) for k in KINDS}} for t in terms]


def derive(instances: list[dict], at: dict) -> dict:
    soft = totals(softmax_terms(), {})
    kern = totals(kernel_terms(), {})
    methods = {}
    for key, spec in FORMULAS.items():
        tot = method_totals(key)
        symbols = [s for s in (T, d, w, m) if s in tot["total"].free_symbols]
        methods[key] = {
            "total_tex": to_latex(sp.factor(tot["total"]) if key != "window" else tot["total"]),
            "total": str(tot["total"]),
            "big_o_tex": big_o_latex(tot["total"], *symbols),
            "big_o": str(big_o(tot["total"], *symbols)),
            "degree_in_T": int(sp.degree(tot["total"], T)),
            "flop_counter_tex": to_latex(spec["flop_counter"]),
            **{f"{k}_tex": to_latex(tot[k]) for k in KINDS},
            "at": evaluate(tot["total"], **at),
        }
    return {
        "conventions": list(KINDS),
        "softmax": {
            "steps": steps_tex(softmax_terms()),
            "total_tex": to_latex(sp.collect(soft["total"], [P, T])),
            "full_pairs_tex": to_latex(T**2),
            "window_pairs_tex": to_latex(window_pairs()),
            "window_pairs_factored_tex": to_latex(sp.factor(window_pairs())),
        },
        "kernel": {
            "steps": steps_tex(kernel_terms()),
            "total_tex": to_latex(sp.collect(kern["total"], [T, r])),
            "linear_features": steps_tex(linear_feature_terms()),
            "performer_features": steps_tex(performer_feature_terms()),
        },
        "methods": methods,
        "at": at,
        "instances": [
            {
                **inst,
                "methods": {
                    key: {
                        "ops": evaluate(method_totals(key)["total"], **inst),
                        **{k: evaluate(method_totals(key)[k], **inst) for k in KINDS},
                        "flop_counter": evaluate(FORMULAS[key]["flop_counter"], **inst),
                    }
                    for key in FORMULAS
                },
                # the window-pair formula and a direct count of the pairs |i - j| <= w (q2_check compares them)
                "window_pairs": {
                    "formula": evaluate(window_pairs(), **inst),
                    "direct": sum(
                        min(t + inst["w"], inst["T"] - 1) - max(t - inst["w"], 0) + 1 for t in range(inst["T"])
                    ),
                },
            }
            for inst in instances
        ],
    }
