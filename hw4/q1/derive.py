"""Problem 1 (a, b): parameter and operation counts of the 2D RNN, derived with sympy.

The counts are built from the shapes of the weight matrices, term by term, so the PDF can show every step.
Conventions: a matrix-vector product of an (r x k) matrix with a k-vector takes r*k multiplications and
r*(k-1) additions (each dot product is a sum of k products); adding two h-vectors takes h additions; the
nonlinearity sigma is applied h times per cell and counted separately (it is neither an add nor a multiply).
Zero padding means every cell does all three products, including those with the zero vectors at the border.
"""

import sympy as sp

from hw4.symbolic import big_o, big_o_latex, to_latex

n, c, h = sp.symbols("n c h", positive=True, integer=True)
k, L, w = sp.symbols("k L w", positive=True, integer=True)  # conv kernel size, depth, width

SHAPES = {"W_in": (h, c), "W_left": (h, h), "W_top": (h, h)}
TEX_NAMES = {"W_in": r"W_{in}", "W_left": r"W_{left}", "W_top": r"W_{top}"}
INPUT_OF = {"W_in": r"x^{i,j}", "W_left": r"h^{i-1,j}", "W_top": r"h^{i,j-1}"}


def parameter_terms() -> dict[str, sp.Expr]:
    """Trainable scalars in each weight matrix (no biases): rows times columns."""
    return {name: rows * cols for name, (rows, cols) in SHAPES.items()}


def parameter_count() -> sp.Expr:
    return sp.factor(sum(parameter_terms().values()))


def matvec_ops(rows, cols) -> tuple[sp.Expr, sp.Expr]:
    """(multiplications, additions) of an (rows x cols) matrix times a cols-vector."""
    return rows * cols, rows * (cols - 1)


def per_cell_terms() -> list[dict]:
    """Each operation of one hidden-state update, with its multiplications and additions."""
    terms = []
    for name, (rows, cols) in SHAPES.items():
        mults, adds = matvec_ops(rows, cols)
        terms.append({"what": f"{TEX_NAMES[name]} {INPUT_OF[name]}", "mults": mults, "adds": adds})
    # The three h-vectors are summed: two vector additions of h scalars each.
    terms.append({"what": r"\text{sum of the three vectors}", "mults": sp.Integer(0), "adds": 2 * h})
    return terms


def per_cell_counts() -> tuple[sp.Expr, sp.Expr]:
    terms = per_cell_terms()
    return tuple(sp.expand(sum(t[key] for t in terms)) for key in ("mults", "adds"))


def total_counts() -> dict[str, sp.Expr]:
    """All n*n hidden states: per-cell counts times n^2 (every cell does the same work under zero padding)."""
    mults, adds = per_cell_counts()
    return {
        "mults": sp.factor(n**2 * mults),
        "adds": sp.factor(n**2 * adds),
        "total": sp.factor(n**2 * (mults + adds)),
        "sigma": n**2 * h,
    }


def flop_counter_count() -> sp.Expr:
    """What torch.utils.flop_counter reports: 2*r*k per (r x k) product (one multiply-add = 2 FLOPs,
    each dot product's k additions counted from a zero accumulator), and nothing for vector additions."""
    return sp.factor(n**2 * sum(2 * rows * cols for rows, cols in SHAPES.values()))


def conv_parameter_count(layers=L, kernel=k, width=w, channels=c) -> sp.Expr:
    """A plain conv net: kernel x kernel convolutions, channels -> width, then width -> width, no biases."""
    return kernel**2 * channels * width + (layers - 1) * kernel**2 * width**2


def conv_receptive_field(layers=L, kernel=k) -> sp.Expr:
    """Side length of the receptive field of one output of `layers` stacked stride-1 convolutions."""
    return (kernel - 1) * layers + 1


def conv_layers_to_cover(side=n, kernel=k) -> sp.Expr:
    """Stride-1 k x k layers a corner output needs to see the opposite corner of a side x side grid:
    its receptive field reaches (k-1)/2 cells per layer, and the corner is side-1 cells away."""
    return sp.ceiling(2 * (side - 1) / (kernel - 1))


def conv_width_for_budget(budget: int, channels: int, layers: int, kernel: int) -> int:
    """The conv width whose parameter count is closest to ``budget`` (the 2D RNN's), solved with sympy."""
    x = sp.Symbol("x", positive=True)
    roots = sp.solve(sp.Eq(conv_parameter_count(layers, kernel, x, channels), budget), x)
    x = float(roots[0])
    cands = {max(1, int(sp.floor(x))), int(sp.ceiling(x))}
    return min(cands, key=lambda v: (abs(int(conv_parameter_count(layers, kernel, v, channels)) - budget), v))


def evaluate(expr: sp.Expr, **values) -> int:
    return int(expr.subs({n: values["n"], c: values["c"], h: values["h"]}))


def derive(instances: list[dict]) -> dict:
    params = parameter_terms()
    P = parameter_count()
    cell_mults, cell_adds = per_cell_counts()
    tot = total_counts()
    fc = flop_counter_count()
    steps = [
        {"what_tex": t["what"], "mults_tex": to_latex(t["mults"]), "adds_tex": to_latex(t["adds"])}
        for t in per_cell_terms()
    ]
    # each instance's counts: the formulas evaluated at its (n, c, h)
    at = dict(params=P, mults=tot["mults"], adds=tot["adds"], ops=tot["total"], sigma=tot["sigma"], flop_counter=fc)
    return {
        "symbols": ["n", "c", "h"],
        "params": {
            "terms": [
                {
                    "name_tex": TEX_NAMES[name],
                    "shape_tex": to_latex(rows) + r" \times " + to_latex(cols),
                    "count_tex": to_latex(params[name]),
                }
                for name, (rows, cols) in SHAPES.items()
            ],
            "sum_tex": " + ".join(to_latex(v) for v in params.values()),
            "expanded_tex": to_latex(sp.expand(P)),
            "formula_tex": to_latex(P),
            "formula": str(P),
        },
        "ops": {
            "steps": steps,
            "cell_mults_tex": to_latex(cell_mults),
            "cell_adds_tex": to_latex(cell_adds),
            "cell_total_tex": to_latex(sp.factor(cell_mults + cell_adds)),
            "mults_tex": to_latex(tot["mults"]),
            "adds_tex": to_latex(tot["adds"]),
            "total_tex": to_latex(tot["total"]),
            "total_expanded_tex": to_latex(sp.expand(tot["total"])),
            "total": str(tot["total"]),
            "sigma_tex": to_latex(tot["sigma"]),
            "big_o_tex": big_o_latex(tot["total"], n, c, h),
            "big_o": str(big_o(tot["total"], n, c, h)),
            "flop_counter_tex": to_latex(fc),
            "flop_counter_minus_exact_tex": to_latex(sp.factor(fc - tot["total"])),
        },
        "conv": {
            "params_tex": to_latex(conv_parameter_count()),
            "receptive_field_tex": to_latex(conv_receptive_field()),
            "layers_to_cover_tex": to_latex(conv_layers_to_cover()),
        },
        "instances": [
            {"n": i["n"], "c": i["c"], "h": i["h"], **{key: evaluate(f, **i) for key, f in at.items()}}
            for i in instances
        ],
    }
