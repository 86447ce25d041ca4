"""Problem 1: the 2D RNN (derivation, verification, comparison with a conv net)."""
