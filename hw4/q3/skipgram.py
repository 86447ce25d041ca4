"""Problem 3: the skip-gram gradient in torch, checked against autograd, and its sampled estimators.

Notation of the problem: d words, embedding dimension h; U is the (d, h) matrix of output ("context")
vectors u_w, v = v_i is the input ("centre") vector of the centre word i, j is the context word.  Word
indices here are 0-based.

The gradient with respect to v_i is -u_j + E_{w ~ p}[u_w], an average of the d output vectors weighted by
the softmax p(w | i).  Three estimators replace the average by k samples:
* uniform: w_t uniform on the d words, (d/k) sum_t p_{w_t} u_{w_t}.  Unbiased, but it needs the weights p_w
  and so the normaliser Z (all d scores); it shows the weighted-average view, not a speed-up;
* importance: w_t from a proposal q (the unigram distribution to the power 0.75), weights e^{s_w}/q_w
  normalised over the k samples (self-normalised).  Needs no Z, so it costs O(kh); biased by O(1/k);
* negative sampling: the exact gradient of a different objective (word2vec's), one logistic term for the
  true context word and one for each of k "negative" words from q; it does not converge to the softmax
  gradient as k grows.
"""

import torch

# --------------------------------------------------------------------------------------------------------
# The loss and its closed-form gradient.


def softmax_loss(v: torch.Tensor, U: torch.Tensor, j: int) -> torch.Tensor:
    """L = -log p(j | i) = -u_j^T v_i + log sum_w exp(u_w^T v_i)."""
    scores = U @ v
    return torch.logsumexp(scores, 0) - scores[j]


# region: full_gradient
def full_gradient(v, U, j):
    """Closed form: dL/dv_i = -u_j + sum_w p_w u_w, dL/du_w = (p_w - [w = j]) v_i.  O(dh)."""
    e = torch.softmax(U @ v, 0)  # p_w for all d words: d dot products of length h
    e[j] -= 1.0  # p_w - [w = j]
    grad_v = e @ U  # a weighted sum of the d output vectors
    grad_U = torch.outer(e, v)  # every output vector gets a gradient: d x h numbers
    return grad_v, grad_U


# endregion


def autograd_gradient(v, U, j):
    v = v.detach().clone().requires_grad_(True)
    U = U.detach().clone().requires_grad_(True)
    softmax_loss(v, U, j).backward()
    return v.grad, U.grad


def max_relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    """max |a - b| over max |b|: the error relative to the gradient's scale (elementwise ratios of tiny
    entries would measure cancellation, not correctness)."""
    return float((a - b).abs().max() / b.abs().max())


def verify_autograd(instances: list[dict], pairs: int, seed: int) -> list[dict]:
    """Closed form against autograd in float64, for random (v, U) and random training pairs."""
    gen = torch.Generator().manual_seed(seed)
    rows = []
    for inst in instances:
        dd, hh = inst["d"], inst["h"]
        err_v = err_U = 0.0
        for _ in range(pairs):
            U = torch.randn(dd, hh, generator=gen, dtype=torch.float64) / hh**0.5
            v = torch.randn(hh, generator=gen, dtype=torch.float64)
            j = int(torch.randint(dd, (1,), generator=gen))
            gv, gU = full_gradient(v, U, j)
            av, aU = autograd_gradient(v, U, j)
            err_v = max(err_v, max_relative_error(gv, av))
            err_U = max(err_U, max_relative_error(gU, aU))
        rows.append({"d": dd, "h": hh, "pairs": pairs, "max_rel_err_v": err_v, "max_rel_err_U": err_U})
    return rows


# --------------------------------------------------------------------------------------------------------
# A test instance whose softmax looks like a trained model's: heavy-tailed, tracking word frequency.


def zipf_unigram(d: int, exponent: float, dtype=torch.float64) -> torch.Tensor:
    """Word frequencies by Zipf's law, f_w proportional to 1/rank^exponent (rank = w + 1)."""
    f = torch.arange(1, d + 1, dtype=dtype).pow(-exponent)
    return f / f.sum()


def proposal(unigram: torch.Tensor, power: float) -> torch.Tensor:
    """The sampling distribution q_w proportional to f_w^power (word2vec's unigram^0.75)."""
    q = unigram.pow(power)
    return q / q.sum()


def instance_with_scores(scores: torch.Tensor, h: int, gen: torch.Generator):
    """(v, U) with u_w^T v = scores[w] exactly: each u_w is random noise orthogonal to v plus the right
    multiple of v."""
    dtype = scores.dtype
    v = torch.randn(h, generator=gen, dtype=dtype)
    noise = torch.randn(len(scores), h, generator=gen, dtype=dtype) / h**0.5
    vv = v @ v
    noise -= torch.outer(noise @ v / vv, v)
    U = noise + torch.outer(scores / vv, v)
    return v, U


def realistic_instance(d, h, unigram, score_noise, gen):
    """Scores log f_w + Gaussian noise: the context distribution follows word frequency, with scatter."""
    scores = unigram.log() + score_noise * torch.randn(d, generator=gen, dtype=unigram.dtype)
    return instance_with_scores(scores - scores.mean(), h, gen)


# --------------------------------------------------------------------------------------------------------
# The estimators of grad_v.  `idx` holds the sampled words, shape (..., k): a batch of independent draws.


def draw(cdf: torch.Tensor, shape, gen: torch.Generator) -> torch.Tensor:
    """Words drawn from the distribution whose cumulative table is ``cdf``: a binary search per draw,
    O(log d), so drawing k words costs the same for any vocabulary size once the table exists."""
    r = torch.rand(shape, generator=gen, dtype=cdf.dtype) * cdf[-1]
    return torch.searchsorted(cdf, r, right=True).clamp_(max=len(cdf) - 1)


# region: estimators
def grad_v_uniform(v, U, j, p, idx):
    """Uniform draws: (d/k) sum_t p_{w_t} u_{w_t} - u_j.  Unbiased, but p needs all d scores."""
    d, k = U.shape[0], idx.shape[-1]
    return (d / k) * (p[idx].unsqueeze(-1) * U[idx]).sum(-2) - U[j]


def grad_v_importance(v, U, j, log_q, idx):
    """Draws from q, weights e^{s_w} / q_w normalised over the k draws.  O(kh); biased by O(1/k)."""
    Us = U[idx]  # (..., k, h): only the k sampled output vectors are read
    r = torch.softmax(Us @ v - log_q[idx], -1)  # self-normalised weights, they sum to 1
    return (r.unsqueeze(-1) * Us).sum(-2) - U[j]


def grad_v_negative(v, U, j, idx):
    """Negative sampling: -(1 - sigma(s_j)) u_j + sum_t sigma(s_{w_t}) u_{w_t}.  O(kh), but the
    gradient of -log sigma(s_j) - sum_t log sigma(-s_{w_t}), not of the softmax cross-entropy."""
    Us = U[idx]
    pos = torch.sigmoid(U[j] @ v)
    return (torch.sigmoid(Us @ v).unsqueeze(-1) * Us).sum(-2) - (1 - pos) * U[j]


# endregion


def negative_sampling_gradient(v, U, j, cdf_q, k, gen):
    """Negative sampling with k negatives drawn from q: grad_v (grad_v_negative) and the k+1 touched rows of
    grad_U, sigma(s_{w_t}) v for each negative and (sigma(s_j) - 1) v for the true context word j.  O(k(h + log d))."""
    idx = draw(cdf_q, (k,), gen)
    grad_v = grad_v_negative(v, U, j, idx)
    coef = torch.cat([torch.sigmoid(U.index_select(0, idx) @ v), (torch.sigmoid(U[j] @ v) - 1).unsqueeze(0)])
    return grad_v, torch.cat([idx, idx.new_tensor([j])]), torch.outer(coef, v)


def negative_sampling_loss(v, U, j, idx):
    """The objective whose exact gradient grad_v_negative is (for one draw, idx of shape (k,))."""
    return -torch.nn.functional.logsigmoid(U[j] @ v) - torch.nn.functional.logsigmoid(-(U[idx] @ v)).sum()


def estimator_stats(d, h, zipf_exponent, proposal_power, score_noise, k_values, replicates, chunk, seed) -> dict:
    """Bias and variance of each estimator of grad_v against k, over `replicates` independent draws."""
    gen = torch.Generator().manual_seed(seed)
    unigram = zipf_unigram(d, zipf_exponent)
    q = proposal(unigram, proposal_power)
    v, U = realistic_instance(d, h, unigram, score_noise, gen)
    j = int(draw(torch.cumsum(unigram, 0), (), gen))  # a context word, drawn by frequency
    p = torch.softmax(U @ v, 0)
    true = full_gradient(v, U, j)[0]
    scale2 = float(true @ true)
    cdf_uniform = torch.arange(1, d + 1, dtype=torch.float64)
    cdf_q, log_q = torch.cumsum(q, 0), q.log()
    estimators = {
        "uniform": (cdf_uniform, lambda idx: grad_v_uniform(v, U, j, p, idx)),
        "importance": (cdf_q, lambda idx: grad_v_importance(v, U, j, log_q, idx)),
        "negative": (cdf_q, lambda idx: grad_v_negative(v, U, j, idx)),
    }
    rows = []
    for kk in k_values:
        row = {"k": kk}
        for name, (cdf, fn) in estimators.items():
            total, total_sq, done = torch.zeros(h, dtype=torch.float64), 0.0, 0
            while done < replicates:
                n = min(chunk, replicates - done)
                est = fn(draw(cdf, (n, kk), gen))
                total += est.sum(0)
                total_sq += float((est * est).sum())
                done += n
            mean = total / replicates
            # mean squared distance from the sample mean (unbiased), relative to |true gradient|^2
            var = (total_sq - replicates * float(mean @ mean)) / (replicates - 1) / scale2
            row[f"{name}_bias"] = float((mean - true).norm()) / scale2**0.5
            row[f"{name}_cosine"] = float(mean @ true) / (float(mean.norm()) * scale2**0.5)
            row[f"{name}_var"] = var
            # the bias a perfectly unbiased estimator would still show from averaging `replicates` draws
            row[f"{name}_noise_floor"] = (var / replicates) ** 0.5
        rows.append(row)
    return {
        "d": d,
        "h": h,
        "zipf_exponent": zipf_exponent,
        "proposal_power": proposal_power,
        "score_noise": score_noise,
        "replicates": replicates,
        "context_word": j,
        "p_max": float(p.max()),
        "p_entropy_nats": float(-(p * p.log()).sum()),
        "effective_words": float(torch.exp(-(p * p.log()).sum())),
        "rows": rows,
    }


# --------------------------------------------------------------------------------------------------------
# Time per gradient against d.


# region: sampled_gradient
def sampled_gradient(v, U, j, cdf_q, log_q, k, gen):
    """Importance-sampled grad_v and the k+1 touched rows of grad_U.  O(k(h + log d))."""
    idx = draw(cdf_q, (k,), gen)  # k binary searches in the cumulative table of q
    Us = U.index_select(0, idx)  # read k of the d output vectors
    # self-normalised weights e^{s_w} / q_w
    r = torch.softmax(Us @ v - log_q.index_select(0, idx), 0)
    grad_v = r @ Us - U[j]
    rows = torch.cat([idx, idx.new_tensor([j])])
    # sparse rows of grad_U, added into U's rows at update time
    grad_rows = torch.cat([torch.outer(r, v), -v.unsqueeze(0)])
    return grad_v, rows, grad_rows


# endregion
