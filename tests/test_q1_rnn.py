"""Problem 1 (b, c): the two evaluation orders agree; receptive fields are what the recurrence implies."""

import pytest
import torch

from hw4.q1.fields import ConvNet, receptive_field
from hw4.q1.rnn import GridRNN2d, sequential_steps


@pytest.mark.parametrize("n,c,h", [(1, 2, 3), (4, 3, 8), (7, 1, 5)])
def test_loop_equals_wavefront(n, c, h):
    torch.manual_seed(1)
    module = GridRNN2d(c, h).double()
    x = torch.randn(3, n, n, c, dtype=torch.float64)
    a, b = module(x, order="loop"), module(x, order="wavefront")
    assert a.shape == (3, n, n, h)
    torch.testing.assert_close(a, b, rtol=0, atol=1e-13)


def test_recurrence_definition():
    """h^{i,j} from the equation, by hand, for one cell with both neighbours."""
    torch.manual_seed(2)
    m = GridRNN2d(2, 3).double()
    x = torch.randn(1, 3, 3, 2, dtype=torch.float64)
    H = m(x, order="wavefront")[0]
    i, j = 2, 1
    expect = torch.tanh(m.W_in @ x[0, i, j] + m.W_left @ H[i - 1, j] + m.W_top @ H[i, j - 1])
    torch.testing.assert_close(H[i, j], expect)
    torch.testing.assert_close(H[0, 0], torch.tanh(m.W_in @ x[0, 0, 0]))


def test_unknown_order_rejected():
    with pytest.raises(ValueError, match="loop"):
        GridRNN2d(1, 1)(torch.zeros(1, 2, 2, 1), order="diagonal")


def test_sequential_steps():
    assert sequential_steps(10, "loop") == 100 and sequential_steps(10, "wavefront") == 19


def test_receptive_fields():
    torch.manual_seed(0)
    rnn = GridRNN2d(2, 4).double()
    assert receptive_field(rnn, 6, 2, (5, 5)) == 36  # bottom-right: the whole grid
    assert receptive_field(rnn, 6, 2, (2, 3)) == 3 * 4  # cells above and left, inclusive
    conv = ConvNet(2, 3, layers=2, kernel=3).double()
    assert receptive_field(conv, 9, 2, (4, 4)) == 25  # (2*2+1)^2
