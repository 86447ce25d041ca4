"""Problem 3: the skip-gram gradient (derivation, autograd check, sampled estimators, timing)."""
