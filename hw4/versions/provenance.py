"""Provenance of this build for the audit (build/hw4_audit.pdf): commit, config, package versions, device,
Problem 4's data and model, per-rule wall times, and which rule and script made each figure.

Everything is read from what the build wrote (results files, Snakemake's benchmark files) or from the rule's
params; the date comes from SOURCE_DATE_EPOCH. Re-rendering therefore gives the same pages, byte for byte.
"""

import csv
import json
import platform
import re
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from hw4.runtime import cpu_model

PACKAGES = ["torch", "transformers", "sympy", "snakemake", "numpy", "matplotlib", "jinja2"]
SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")


def package_versions(packages=PACKAGES) -> dict:
    """Python's version and each package's installed version (from its metadata: nothing is imported)."""
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def tex_version() -> str | None:
    """First line of `pdflatex --version` (the engine that typesets the PDF)."""
    try:
        proc = subprocess.run(["pdflatex", "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return proc.stdout.splitlines()[0].strip() if proc.stdout else None


def read_benchmark(path: str | Path) -> dict | None:
    """Wall time (s), CPU time (s) and peak RSS (MB) from a Snakemake benchmark TSV; mean over its rows
    (more than one with `repeat()`). None when the file is missing or unreadable."""
    try:
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError:
        return None

    def mean(col):
        vals = []
        for row in rows:
            try:
                vals.append(float(row[col]))
            except (KeyError, TypeError, ValueError):  # "NA" for jobs too short to sample
                pass
        return sum(vals) / len(vals) if vals else None

    if not rows or mean("s") is None:
        return None
    return {"wall_s": mean("s"), "cpu_s": mean("cpu_time"), "max_rss_mb": mean("max_rss"), "runs": len(rows)}


def rule_timings(rules: dict, results: list[str]) -> list[dict]:
    """The benchmarked rules that wrote one of ``results``, with their measured times, in rule-name order."""
    wanted = {str(Path(r)) for r in results}
    rows = []
    for name, info in sorted(rules.items()):
        bench = info.get("benchmark")
        if not bench or "{" in bench or not wanted & {str(Path(o)) for o in info.get("outputs", [])}:
            continue
        rows.append({"rule": name, "script": info.get("script"), "benchmark": bench, **(read_benchmark(bench) or {})})
    return rows


def figure_sources(rules: dict, figures: list[str] | None = None) -> dict:
    """figure stem -> {path, rule, script} for every figure a rule makes under figures/ (the audit's table).

    An output with wildcards (one rule for several figures) is matched against ``figures``, the figures the
    build makes.
    """
    out = {}
    for name, info in sorted(rules.items()):
        for o in info.get("outputs", []):
            if Path(o).parts[:1] != ("figures",):
                continue
            pattern = "[^/]+".join(re.escape(p) for p in re.split(r"\{[^}]*\}", o)) + r"\Z"  # {wildcards} as regex
            made = [f for f in figures or [] if re.match(pattern, f)] if "{" in o else [o]
            for f in made:
                out[Path(f).stem] = {"path": f, "rule": name, "script": info.get("script")}
    return out


def _walk(obj, path=()):
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(v, (*path, str(k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, (*path, str(i)))


def devices(results: dict[str, dict]) -> list[dict]:
    """The distinct machines that results files record (``machine`` entries, see common.machine_info)."""
    seen: dict[tuple, dict] = {}
    for name, data in sorted(results.items()):
        for path, obj in _walk(data):
            if path and path[-1] == "machine" and isinstance(obj, dict) and "cpu" in obj:
                key = (obj.get("cpu"), obj.get("gpu"), obj.get("logical_cpus"))
                entry = seen.setdefault(key, {"cpu": key[0], "gpu": key[1], "logical_cpus": key[2], "used_by": []})
                if name not in entry["used_by"]:
                    entry["used_by"].append(name)
    return list(seen.values())


_ROW_KEYS = ("rows_in_file", "rows_kept", "n_samples", "rows", "rows_read", "n_rows", "num_rows")


def q4_identity(results: dict[str, dict]) -> dict | None:
    """Problem 4's dataset(s) and model(s), from whatever q4* results declare them; None without q4 results.

    Tolerant on purpose: a dataset is any object with a sha256 (its file, source and row count beside it), a
    model any ``model`` object with a name, or a ``model_name`` string.
    """
    q4 = {k: v for k, v in sorted(results.items()) if k.startswith("q4")}
    if not q4:
        return None
    datasets, models = [], []
    for name, data in q4.items():
        for path, obj in _walk(data):
            if isinstance(obj, dict) and isinstance(obj.get("sha256"), str) and SHA256_RE.fullmatch(obj["sha256"]):
                rows = next((obj[k] for k in _ROW_KEYS if isinstance(obj.get(k), int)), None)
                ds = {"file": obj.get("file"), "source": obj.get("source"), "sha256": obj["sha256"], "rows": rows}
                if ds not in [{k: d[k] for k in ds} for d in datasets]:
                    datasets.append({**ds, "from": name})
            model = None
            if path and path[-1] == "model" and isinstance(obj, dict) and isinstance(obj.get("name"), str):
                model = {"name": obj["name"], "parameters": obj.get("encoder_params")}
                model.update({k: obj.get(k) for k in ("layers", "hidden_size")})
            elif path and path[-1] == "model_name" and isinstance(obj, str):
                model = {"name": obj, "parameters": None, "layers": None, "hidden_size": None}
            if model and model["name"] not in [m["name"] for m in models]:
                models.append({**model, "from": name})
    return {"datasets": datasets, "models": models}


def provenance(
    *,
    git: dict,
    config_hash: str,
    profiles: dict,
    source_date_epoch: int,
    rules: dict,
    results: dict[str, str],
    figures: list[str] | None = None,
    config_values: dict | None = None,
) -> dict:
    """The provenance's content. ``results``: name -> path of the results files this build wrote; ``figures``:
    the figures it made; ``config_values``: the settings the build used (a diff against it marks those that
    changed where the report prints them)."""
    loaded = {name: json.loads(Path(path).read_text(encoding="utf-8")) for name, path in results.items()}
    timings = rule_timings(rules, list(results.values()))
    devs = devices(loaded) or [{"cpu": cpu_model(), "gpu": None, "logical_cpus": None, "used_by": []}]
    sha, sources = git.get("sha"), figure_sources(rules, figures)
    return {
        "git": {"sha": sha, "short": sha[:12] if sha else None, "dirty": git.get("dirty")},
        "config": {**profiles, "hash": config_hash, "hash_short": config_hash[:12], "values": config_values},
        "source_date_epoch": int(source_date_epoch),
        "date": datetime.fromtimestamp(int(source_date_epoch), UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "versions": {**package_versions(), "tex": tex_version()},
        "devices": devs,
        "several_devices": len(devs) > 1,
        "q4": q4_identity(loaded),
        "rules": timings,
        "total_wall_s": sum(r.get("wall_s") or 0.0 for r in timings),
        "figure_sources": sources,
        "figure_rows": [f for _, f in sorted(sources.items())],
    }
