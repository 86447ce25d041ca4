"""The results of two builds compared key by key: every value that changed, was added or removed, timings flagged.

Key paths spell dict keys joined by '.' and list items as [i] (``instances[2].h``); the value marks of the diff
document (hw4/versions/marks.py) name the values they print the same way.
"""

import math
import re

# A path segment that names a measurement of time, speed or memory (split on "_": time_loop_s -> time, loop, s).
TIMING_WORDS = {
    "time",
    "times",
    "timing",
    "timings",
    "elapsed",
    "duration",
    "latency",
    "throughput",
    "wall",
    "speed",
    "speedup",
    "faster",
    "slower",
    "slope",
    "slopes",
    "s",
    "ms",
    "us",
    "sec",
    "seconds",
    "bench",
    "machine",
    "rss",
    "peak",
    "memory",
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


def is_timing(key: str) -> bool:
    """Whether a key path names a measurement that varies between runs (time, speed, memory, the machine)."""
    for segment in re.split(r"[.\[\]]+", key.lower()):
        if TIMING_WORDS & set(segment.split("_")):
            return True
    return False


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
            entry = {"file": name, "key": key, "timing": is_timing(key)}
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
