"""Problem 1 (a, b): the sympy formulas against brute-force counting and against the torch module."""

import pytest
import sympy as sp
import torch

from hw4.opcount import OpCounter
from hw4.q1.derive import (
    c,
    conv_parameter_count,
    conv_receptive_field,
    conv_width_for_budget,
    derive,
    flop_counter_count,
    h,
    n,
    parameter_count,
    total_counts,
)
from hw4.q1.rnn import GridRNN2d, flop_counter_flops, rnn2d_scalar

CASES = [(1, 1, 1), (2, 3, 4), (3, 2, 5), (5, 4, 3)]


def test_parameter_formula():
    assert sp.expand(parameter_count() - (h * c + 2 * h**2)) == 0


@pytest.mark.parametrize("nn,cc,hh", CASES)
def test_parameters_match_module(nn, cc, hh):
    module = GridRNN2d(cc, hh)
    assert sum(p.numel() for p in module.parameters()) == parameter_count().subs({c: cc, h: hh})


@pytest.mark.parametrize("nn,cc,hh", CASES)
def test_counted_operations_match_formula(nn, cc, hh):
    torch.manual_seed(0)
    module = GridRNN2d(cc, hh).double()
    x = torch.randn(nn, nn, cc, dtype=torch.float64)
    counter = OpCounter()
    rnn2d_scalar(module, x, counter)
    tot = total_counts()
    subs = {n: nn, c: cc, h: hh}
    assert counter.mults == tot["mults"].subs(subs)
    assert counter.adds == tot["adds"].subs(subs)
    assert counter.tanhs == tot["sigma"].subs(subs)


@pytest.mark.parametrize("order", ["loop", "wavefront"])
def test_flop_counter_matches_its_formula(order):
    torch.manual_seed(0)
    module = GridRNN2d(3, 4).double()
    x = torch.randn(2, 5, 5, 3, dtype=torch.float64)
    assert flop_counter_flops(module, x, order) == flop_counter_count().subs({n: 5, c: 3, h: 4})
    # the convention difference the PDF explains: one extra add per output row per cell
    assert sp.expand(flop_counter_count() - total_counts()["total"]) == n**2 * h


def test_big_o_and_instances():
    out = derive([{"n": 4, "c": 3, "h": 8}])
    assert out["ops"]["big_o"] == "h*n**2*(c + h)"
    inst = out["instances"][0]
    assert inst["params"] == 8 * 3 + 2 * 64
    assert inst["ops"] == 16 * (2 * 8 * 3 + 4 * 64 - 8)


def test_conv_formulas():
    assert conv_parameter_count(2, 3, 5, 4) == 9 * 4 * 5 + 9 * 25
    assert conv_receptive_field(4, 3) == 9
    w = conv_width_for_budget(2144, 3, 4, 3)
    costs = {v: abs(int(conv_parameter_count(4, 3, v, 3)) - 2144) for v in range(1, 20)}
    assert costs[w] == min(costs.values())


@pytest.mark.parametrize("side,kernel,layers", [(128, 3, 127), (9, 5, 4), (2, 3, 1), (10, 7, 3)])
def test_conv_layers_to_cover_matches_receptive_field(side, kernel, layers):
    from hw4.q1.derive import conv_layers_to_cover

    L = int(conv_layers_to_cover(side, kernel))
    assert L == layers
    # smallest L whose receptive field reaches side-1 cells from the centre in one direction
    assert (kernel - 1) * L // 2 >= side - 1 > (kernel - 1) * (L - 1) // 2
