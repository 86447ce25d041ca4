"""Project-wide sympy printing settings, and big-O at infinity printed the way a reader expects."""

import sympy as sp

LATEX_SETTINGS = {"mul_symbol": None, "order": "grlex"}


def to_latex(expr) -> str:
    """LaTeX for ``expr`` with the project's settings (one place to change how formulas look)."""
    return sp.latex(sp.sympify(expr), **LATEX_SETTINGS)


def big_o(expr, *symbols) -> sp.Expr:
    """The dominant terms of ``expr`` as all ``symbols`` grow (sympy's Order at infinity), factored."""
    return sp.factor(sp.O(expr, *[(s, sp.oo) for s in symbols]).expr)


def big_o_latex(expr, *symbols) -> str:
    return r"\mathcal{O}\!\left(" + to_latex(big_o(expr, *symbols)) + r"\right)"
