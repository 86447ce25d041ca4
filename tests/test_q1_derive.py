"""Problem 1 (a, b): the sympy formulas against brute-force counting and against the torch module."""

import pytest
import sympy as sp
import torch

from hw4.opcount import OpCounter
from hw4.q1 import derive as q1
from hw4.q1.derive import c, h, n
from hw4.q1.rnn import GridRNN2d, flop_counter_flops, rnn2d_scalar


def test_parameter_formula():
    assert sp.expand(q1.parameter_count() - (h * c + 2 * h**2)) == 0


@pytest.mark.parametrize("nn,cc,hh", [(1, 1, 1), (2, 3, 4), (3, 2, 5), (5, 4, 3)])
def test_parameters_and_counted_operations_match_the_formulas(nn, cc, hh):
    torch.manual_seed(0)
    module = GridRNN2d(cc, hh).double()
    assert sum(p.numel() for p in module.parameters()) == q1.parameter_count().subs({c: cc, h: hh})
    counter = OpCounter()
    rnn2d_scalar(module, torch.randn(nn, nn, cc, dtype=torch.float64), counter)
    tot, subs = q1.total_counts(), {n: nn, c: cc, h: hh}
    assert (counter.mults, counter.adds, counter.tanhs) == tuple(tot[k].subs(subs) for k in ("mults", "adds", "sigma"))


@pytest.mark.parametrize("order", ["loop", "wavefront"])
def test_flop_counter_matches_its_formula(order):
    torch.manual_seed(0)
    module = GridRNN2d(3, 4).double()
    x = torch.randn(2, 5, 5, 3, dtype=torch.float64)
    assert flop_counter_flops(module, x, order) == q1.flop_counter_count().subs({n: 5, c: 3, h: 4})
    # the convention difference the PDF explains: one extra add per output row per cell
    assert sp.expand(q1.flop_counter_count() - q1.total_counts()["total"]) == n**2 * h


def test_big_o_and_instances():
    out = q1.derive([{"n": 4, "c": 3, "h": 8}])
    assert out["ops"]["big_o"] == "h*n**2*(c + h)"
    inst = out["instances"][0]
    assert inst["params"] == 8 * 3 + 2 * 64
    assert inst["ops"] == 16 * (2 * 8 * 3 + 4 * 64 - 8)


def test_conv_formulas():
    assert q1.conv_parameter_count(2, 3, 5, 4) == 9 * 4 * 5 + 9 * 25
    assert q1.conv_receptive_field(4, 3) == 9
    w = q1.conv_width_for_budget(2144, 3, 4, 3)
    costs = {v: abs(int(q1.conv_parameter_count(4, 3, v, 3)) - 2144) for v in range(1, 20)}
    assert costs[w] == min(costs.values())


@pytest.mark.parametrize("side,kernel,layers", [(128, 3, 127), (9, 5, 4), (2, 3, 1), (10, 7, 3)])
def test_conv_layers_to_cover_matches_receptive_field(side, kernel, layers):
    L = int(q1.conv_layers_to_cover(side, kernel))
    assert L == layers
    # smallest L whose receptive field reaches side-1 cells from the centre in one direction
    assert (kernel - 1) * L // 2 >= side - 1 > (kernel - 1) * (L - 1) // 2
