"""Counting the scalar operations an algorithm actually performs, to check sympy's operation counts.

The scalar copies of Problems 1-3 (a 2D RNN cell, attention, the skip-gram gradient) do their arithmetic through
one OpCounter, so "counted" in the PDF always means the same thing: one call here is one executed operation.
"""

import math


class OpCounter:
    """Counts multiplications, additions (subtractions included), divisions and nonlinear evaluations."""

    def __init__(self):
        self.mults = self.adds = self.divs = self.exps = self.tanhs = self.phis = 0

    # scalars
    def mul(self, a, b):
        self.mults += 1
        return a * b

    def add(self, a, b):
        self.adds += 1
        return a + b

    def sub(self, a, b):
        self.adds += 1
        return a - b

    def div(self, a, b):
        self.divs += 1
        return a / b

    def exp(self, a):
        self.exps += 1
        return math.exp(a)

    def tanh(self, a):
        self.tanhs += 1
        return math.tanh(a)

    def phi(self, a):
        """elu(a) + 1, the linear-attention feature map."""
        self.phis += 1
        return a + 1 if a > 0 else math.exp(a)

    # vectors, built from the scalar operations above
    def dot(self, x, y):
        """k multiplications and k - 1 additions: the sum starts from the first product."""
        acc = self.mul(x[0], y[0])
        for a, b in zip(x[1:], y[1:], strict=True):
            acc = self.add(acc, self.mul(a, b))
        return acc

    def matvec(self, W, v):
        return [self.dot(row, v) for row in W]

    def vadd(self, a, b):
        return [self.add(x, y) for x, y in zip(a, b, strict=True)]

    def axpy_sum(self, coeffs, rows):
        """sum_t coeffs[t] * rows[t]: len*h multiplications and (len-1)*h additions."""
        acc = [self.mul(coeffs[0], x) for x in rows[0]]
        for c, row in zip(coeffs[1:], rows[1:], strict=True):
            acc = [self.add(a, self.mul(c, x)) for a, x in zip(acc, row, strict=True)]
        return acc

    @property
    def nonlin(self) -> int:
        return self.exps + self.tanhs + self.phis

    def total(self) -> int:
        return self.mults + self.adds + self.divs + self.nonlin
