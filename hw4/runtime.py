"""Where a step runs: the machine it was measured on, the torch device it uses, and its seeds."""

import os
import platform
import random
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(threads: int | None = None) -> dict:
    """What a timing was measured on, so the PDF can label it."""
    import torch

    return {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "torch_threads": threads if threads is not None else torch.get_num_threads(),
        "torch": torch.__version__.split("+")[0],
        "python": platform.python_version(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


def pick_device(requested: str = "auto", key: str = "device"):
    """The torch device for a config value: 'auto' is CUDA if torch sees a GPU, else CPU; 'cpu'/'cuda' force one.

    ``key`` names the config key in the error, so that asking for a GPU that is not there says what to change.
    """
    import torch

    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(
            f"{key} is {requested!r} but torch sees no GPU. Fix: set {key}: auto or cpu, or run on a GPU machine."
        )
    return torch.device(requested)


def seed_everything(seed: int, threads: int | None = None) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)
