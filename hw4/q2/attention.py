"""Problem 2: self-attention in O(T^2) and three O(T) replacements, in torch, plus the checks the PDF reports.

Tensors are laid out as (..., T, d): any leading batch/head dimensions, T tokens, head size d (values have the
same size d).  Every method returns the (..., T, d) outputs of all T queries (non-causal self-attention).

- ``full_attention``: softmax(q k^T / sqrt(d)) v, the reference; builds the T x T score matrix.
- ``sliding_window_attention``: query i uses keys j with |i - j| <= w.  Computed in blocks of w queries, each
  against the 3w keys around it, so the largest tensor is (T/w) x w x 3w = 3wT scores, never T x T.
- ``block_local_attention``: fixed, non-overlapping blocks of w tokens (query and key in the same block).
- ``linear_attention``: kernelised attention with phi = elu + 1; associativity turns (phi(Q) phi(K)^T) V into
  phi(Q) (phi(K)^T V), O(T d^2).
- ``performer_attention``: the same associativity with positive random features (FAVOR+), whose inner products
  estimate exp(q.k / sqrt(d)), i.e. an unbiased stand-in for the softmax kernel, O(T m d) with m features.

Plain-Python copies of the algorithms (``*_scalar``) count every operation they perform; hw4/q2/verify.py
(rule q2_verify) runs them against the torch code, and ``patterns`` exports the (query, key) pairs for the
figure.  Which methods exist, and which copy belongs to which torch function, is said once, in hw4/q2/methods.py.
"""

import functools

import torch
import torch.nn.functional as F

from hw4.opcount import OpCounter

# --------------------------------------------------------------------------------------------------------------
# Which (query, key) pairs each method uses.  The blocked methods build their index layouts here and the
# pattern figure is drawn from the same layouts (pairs_used), so the figure shows what the code computes.


def causal_mask(T: int, device=None) -> torch.Tensor:
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()


def band_mask(T: int, w: int, device=None) -> torch.Tensor:
    """|i - j| <= w: the pairs a sliding window of half-width w should use (the reference for the tests)."""
    i = torch.arange(T, device=device)
    return (i[:, None] - i[None, :]).abs() <= w


# region: window_layout
def window_layout(T: int, w: int, device=None):
    """Blocks of w queries; block b reads the 3w keys [b*w - w, b*w + 2w), a band of half-width w around it.

    Returns key_idx (nb, 3w), clamped into [0, T), and valid (nb, w, 3w): query b*w+r may use key slot s.
    """
    nb = -(-T // w)  # ceil(T / w) blocks; the last one is padded with dummy queries
    start = torch.arange(nb, device=device) * w
    keys = start[:, None] - w + torch.arange(3 * w, device=device)  # (nb, 3w) key positions
    queries = start[:, None] + torch.arange(w, device=device)  # (nb, w) query positions
    in_band = (queries[:, :, None] - keys[:, None, :]).abs() <= w
    valid = in_band & ((keys >= 0) & (keys < T))[:, None, :]
    return keys.clamp(0, T - 1), valid


# endregion


def block_layout(T: int, w: int, device=None):
    """Fixed blocks: block b holds tokens [b*w, b*w + w); a query uses only the keys of its own block."""
    nb = -(-T // w)
    keys = torch.arange(nb, device=device)[:, None] * w + torch.arange(w, device=device)  # (nb, w)
    valid = (keys < T)[:, None, :].expand(nb, w, w)
    return keys.clamp(0, T - 1), valid


def pairs_used(T: int, key_idx: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(T, T) bool: the (query, key) pairs that a blocked layout lets the attention use."""
    nb, w, _ = valid.shape
    mask = torch.zeros(nb * w, T, dtype=torch.bool)
    rows = torch.arange(nb * w).view(nb, w, 1).expand_as(valid)
    cols = key_idx[:, None, :].expand_as(valid)
    mask[rows[valid], cols[valid]] = True
    return mask[:T]


# --------------------------------------------------------------------------------------------------------------
# The methods.


# region: full
def full_attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d)) v; ``mask`` (T, T) bool, True where query i may use key j."""
    scores = (q * q.shape[-1] ** -0.5) @ k.transpose(-1, -2)  # (..., T, T): T^2 d multiply-adds
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v  # another T^2 d


# endregion


@functools.lru_cache(maxsize=32)
def _layout_tensors(kind: str, T: int, w: int, device, dtype):
    """Key indices and the additive mask (0 where a pair is used, -inf where not) of a layout, built once per
    (T, w): like a causal mask, they depend on the shapes only, not on the data."""
    key_idx, valid = (window_layout if kind == "window" else block_layout)(T, w, device)
    bias = torch.zeros(valid.shape, device=device, dtype=dtype).masked_fill(~valid, float("-inf"))
    return key_idx, bias


# region: gathered
def _gathered_attention(q, k, v, key_idx, bias):
    """Each block of w queries against its own S key slots (key_idx (nb, S), bias (nb, w, S) from a layout)."""
    T, d = q.shape[-2:]
    nb, w, _ = bias.shape
    if nb * w != T:  # pad the last block with dummy queries; their outputs are dropped below
        q = F.pad(q, (0, 0, 0, nb * w - T))
    qb = q.unflatten(-2, (nb, w)) * d**-0.5  # (..., nb, w, d)
    kb, vb = k[..., key_idx, :], v[..., key_idx, :]  # (..., nb, S, d): S = 3w (window) or w (blocks)
    scores = (qb @ kb.transpose(-1, -2)).add_(bias)  # (..., nb, w, S): T*S scores, not T^2
    out = torch.softmax(scores, dim=-1) @ vb  # (..., nb, w, d)
    return out.flatten(-3, -2)[..., :T, :]


# endregion


# region: window
def sliding_window_attention(q, k, v, w: int):
    """Query i attends to keys |i - j| <= w.  Largest tensor: (T/w) x w x 3w scores, O(T w) not O(T^2)."""
    return _gathered_attention(q, k, v, *_layout_tensors("window", q.shape[-2], w, q.device, q.dtype))


# endregion


def block_local_attention(q, k, v, w: int):
    """Fixed non-overlapping blocks of w tokens: a query sees only its own block (no overlap between blocks)."""
    return _gathered_attention(q, k, v, *_layout_tensors("blocks", q.shape[-2], w, q.device, q.dtype))


def elu_feature_map(x):
    return F.elu(x) + 1  # positive, so the normaliser phi(q) . sum_j phi(k_j) is never zero


# region: linear
def linear_attention(q, k, v, feature_map=elu_feature_map):
    """sum_j phi(q_i).phi(k_j) v_j / sum_j phi(q_i).phi(k_j), evaluated right to left: O(T r d), no T x T."""
    phi_q, phi_k = feature_map(q), feature_map(k)  # (..., T, r)
    kv = phi_k.transpose(-1, -2) @ v  # (..., r, d) = sum_j phi(k_j) v_j^T, computed once for all queries
    z = phi_k.sum(dim=-2, keepdim=True).transpose(-1, -2)  # (..., r, 1) = sum_j phi(k_j)
    return (phi_q @ kv) / (phi_q @ z)


# endregion


def linear_attention_quadratic(q, k, v, feature_map=elu_feature_map):
    """The same weights written out as a T x T matrix (the left-to-right order): the test's reference."""
    a = feature_map(q) @ feature_map(k).transpose(-1, -2)
    return (a / a.sum(dim=-1, keepdim=True)) @ v


def orthogonal_gaussian(m: int, d: int, generator=None, dtype=torch.float32) -> torch.Tensor:
    """m x d projection for FAVOR+: orthogonal blocks of d rows, each row scaled to a chi(d)-distributed norm."""
    blocks = []
    for _ in range(-(-m // d)):
        g = torch.randn(d, d, generator=generator, dtype=torch.float64)
        qm, rm = torch.linalg.qr(g)
        # Signs fixed so that R has a positive diagonal: only then is Q uniformly (Haar) distributed, and the
        # features unbiased (without it, the estimate of exp(q.k / sqrt(d)) was off by some 10 per cent).
        blocks.append((qm * torch.sign(torch.diagonal(rm))).T)
    norms = torch.randn(m, d, generator=generator, dtype=torch.float64).norm(dim=1, keepdim=True)
    return (torch.cat(blocks)[:m] * norms).to(dtype)


# region: performer
def performer_features(x, proj, stabilise: str):
    """Positive random features: E[phi(q).phi(k)] = exp(q.k / sqrt(d)) for proj rows ~ N(0, I)."""
    x = x * x.shape[-1] ** -0.25
    logits = x @ proj.T - (x * x).sum(dim=-1, keepdim=True) / 2  # (..., T, m)
    # Subtracting a maximum changes no attention weight: per query row it cancels in the ratio, and for keys one
    # shared constant is used.  It only keeps exp() finite.
    shift = logits.amax(dim=-1, keepdim=True) if stabilise == "row" else logits.amax(dim=(-1, -2), keepdim=True)
    return torch.exp(logits - shift)


def performer_attention(q, k, v, proj):
    """Linear attention with the random features above (row-stabilised for queries, shared shift for keys)."""
    phi_q, phi_k = performer_features(q, proj, "row"), performer_features(k, proj, "all")
    kv = phi_k.transpose(-1, -2) @ v  # (..., m, d)
    z = phi_k.sum(dim=-2, keepdim=True).transpose(-1, -2)  # (..., m, 1)
    return (phi_q @ kv) / (phi_q @ z)


# endregion


def relative_error(approx: torch.Tensor, exact: torch.Tensor) -> float:
    """||approx - exact||_F / ||exact||_F."""
    return float((approx - exact).double().norm() / exact.double().norm())


# --------------------------------------------------------------------------------------------------------------
# Scalar copies of the algorithms, counting every operation they perform (small inputs only).


def softmax_attention_scalar(Q, K, V, keys_of, c: OpCounter):
    """Softmax attention of each query i over the keys in keys_of(i), with deferred normalisation."""
    scale = len(Q[0]) ** -0.5
    out = []
    for i, q in enumerate([[c.mul(x, scale) for x in q] for q in Q]):
        num = den = None
        for j in keys_of(i):
            e = c.exp(c.dot(q, K[j]))
            term = [c.mul(e, x) for x in V[j]]
            if num is None:
                num, den = term, e
            else:
                num, den = [c.add(a, b) for a, b in zip(num, term, strict=True)], c.add(den, e)
        out.append([c.div(a, den) for a in num])
    return out


def kernel_attention_scalar(PhiQ, PhiK, V, c: OpCounter):
    """sum_j phi(q_i).phi(k_j) v_j / sum_j phi(q_i).phi(k_j), right to left (S and z once, then per query)."""
    r, dv = len(PhiK[0]), len(V[0])
    S = [[c.dot([pk[a] for pk in PhiK], [v[col] for v in V]) for col in range(dv)] for a in range(r)]
    z = [functools.reduce(c.add, [pk[a] for pk in PhiK]) for a in range(r)]
    out = []
    for pq in PhiQ:
        den = c.dot(pq, z)
        out.append([c.div(c.dot(pq, [S[a][col] for a in range(r)]), den) for col in range(dv)])
    return out


def performer_features_scalar(X, proj, c: OpCounter):
    """exp(omega_a . x - |x|^2/2) for x = row * d^{-1/4} (no max-shift: it changes no attention weight)."""
    scale = len(X[0]) ** -0.25
    feats = []
    for row in X:
        x = [c.mul(v, scale) for v in row]
        half = c.mul(c.dot(x, x), 0.5)
        feats.append([c.exp(c.add(c.dot(om, x), -half)) for om in proj])
    return feats


# The scalar copies of the methods, each with the arguments it needs (the registry in hw4/q2/methods.py calls them).
def full_attention_scalar(Q, K, V, c: OpCounter):
    return softmax_attention_scalar(Q, K, V, lambda i: range(len(Q)), c)


def sliding_window_attention_scalar(Q, K, V, w: int, c: OpCounter):
    T = len(Q)
    return softmax_attention_scalar(Q, K, V, lambda i: range(max(0, i - w), min(T, i + w + 1)), c)


def linear_attention_scalar(Q, K, V, c: OpCounter):
    return kernel_attention_scalar([[c.phi(x) for x in r] for r in Q], [[c.phi(x) for x in r] for r in K], V, c)


def performer_attention_scalar(Q, K, V, P, c: OpCounter):
    return kernel_attention_scalar(performer_features_scalar(Q, P, c), performer_features_scalar(K, P, c), V, c)


def patterns(T: int, w: int) -> dict:
    """The (query, key) pairs each method uses, as 0/1 rows, taken from the masks and layouts the code uses."""
    window = pairs_used(T, *window_layout(T, w))
    blocks = pairs_used(T, *block_layout(T, w))
    i = torch.arange(T)
    return {
        "T": T,
        "w": w,
        "full": [[1] * T for _ in range(T)],
        "causal": causal_mask(T).int().tolist(),
        "window": window.int().tolist(),
        "blocks": blocks.int().tolist(),
        "window_is_band": bool((window == band_mask(T, w)).all()),
        "blocks_are_diagonal_blocks": bool((blocks == (i[:, None] // w == i[None, :] // w)).all()),
        "pairs": {
            "full": T * T,
            "causal": int(causal_mask(T).sum()),
            "window": int(window.sum()),
            "blocks": int(blocks.sum()),
        },
    }
