"""The results of two builds compared key by key: every value that changed, was added or removed, timings flagged.

Key paths spell dict keys joined by '.' and list items as [i] (``instances[2].h``); the value marks of the diff
document (hw4/versions/marks.py) name the values they print the same way.
"""

import math
import re

# Which keys of each results file are measurements of the machine (times, speeds, memory, the machine itself): they
# change from run to run, so a diff files them apart and the determinism test leaves them out. Declared for every
# results file that has any (the determinism test fails on an undeclared one, whose value differs between two
# builds), as key-path prefixes with list indices written [] ("rows[].time_s" covers "rows[3].time_s.full").
MEASURED = {
    "q1_compare": ("machine", "rows[].time_loop_s", "rows[].time_wavefront_s", "rows[].time_conv_s", "slopes"),
    "q1_claims": ("timing",),
    "q2_bench": ("machine", "device_name", "rows[].time_s", "rows[].peak_bytes", "slopes"),
    "q2_claims": ("timing",),
    "q3_timing": ("machine", "rows[].time_full_s", "rows[].time_sampled_s", "slope_full", "slope_sampled"),
    "q3_claims": ("timing",),
    "q4_train": ("machine", "fit_seconds", "item_seconds", "train_examples_per_s"),
    "provenance": ("rules[].wall_s", "rules[].cpu_s", "rules[].max_rss_mb", "total_wall_s", "devices"),
}


def child_key(prefix: str, key) -> str:
    """The key path of a dict item (``a.b``) ..."""
    return f"{prefix}.{key}" if prefix else str(key)


def item_key(prefix: str, index: int) -> str:
    """... and of a list item (``a[2]``): the one spelling of results keys (flatten, the diff's value marks)."""
    return f"{prefix}[{index}]"


def flatten(obj, prefix: str = "") -> dict:
    """{key path: leaf value}: dict keys joined by '.', list items as [i]."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, child_key(prefix, k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.update(flatten(v, item_key(prefix, i)))
    else:
        out[prefix] = obj
    return out


def is_number(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def is_timing(file: str, key: str) -> bool:
    """Whether ``key`` of results file ``file`` (its name, with or without .json) is a declared measurement."""
    path = re.sub(r"\[\d+\]", "[]", key)
    return any(path == p or path.startswith((p + ".", p + "[")) for p in MEASURED.get(file.removesuffix(".json"), ()))


def results_diff(old: dict[str, dict], new: dict[str, dict]) -> dict:
    """Compare results files (file name -> parsed JSON) of two builds.

    Returns {changed: numbers that changed, other_changed: other values (text, formulas, types), added,
    removed, files_added, files_removed}; each entry names its file and key path, timings are flagged.
    """
    out = {"changed": [], "other_changed": [], "added": [], "removed": [], "files_added": [], "files_removed": []}
    for name in sorted(set(old) | set(new)):
        if name not in old:
            out["files_added"].append(name)
            continue
        if name not in new:
            out["files_removed"].append(name)
            continue
        a, b = flatten(old[name]), flatten(new[name])
        for key in sorted(set(a) | set(b)):
            entry = {"file": name, "key": key, "timing": is_timing(name, key)}
            if key not in a:
                out["added"].append({**entry, "new": b[key]})
            elif key not in b:
                out["removed"].append({**entry, "old": a[key]})
            elif is_number(a[key]) and is_number(b[key]):
                if a[key] != b[key] and not (math.isnan(a[key]) and math.isnan(b[key])):
                    delta = b[key] - a[key]
                    rel = delta / abs(a[key]) if a[key] != 0 else None
                    out["changed"].append({**entry, "old": a[key], "new": b[key], "abs": delta, "rel": rel})
            elif a[key] != b[key] or type(a[key]) is not type(b[key]):
                out["other_changed"].append({**entry, "old": a[key], "new": b[key]})
    return out


def problem_of(file: str, path: str = "") -> str:
    """The part of the report a key belongs to: q1..q4 by the results file (or the config section), else the
    front matter or the appendix."""
    m = re.match(r"q(\d)", file) or (re.match(r"q(\d)", path) if file == "config" else None)
    if m:
        return f"q{m.group(1)}"
    return "appendix" if file.startswith("provenance") else "front"
