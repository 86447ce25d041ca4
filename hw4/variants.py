"""Per-student variants of the homework: N versions from one source, each solved by the same code.

A variant changes the numbers that Problems 1-3 are evaluated for: Q1's (n, c, h), Q2's (T, d, w, m) for the
operation counts and Q3's (d, h, k). Each problem declares the ranges in the config (``q1.variant_ranges`` ...),
and a generator seeded by (seed, variant id) draws them, so the same roster and seed give the same variants.
Draws that make a question degenerate are never made (h >= 2 by the schema, w < T, k < d by construction), and
no two variants share a problem's numbers (a repeat is drawn again from the same seeded stream, in roster order).

What depends on the numbers is redone per variant by the default build's own rules, run under the variant's
folder with :func:`variant_config`'s settings (the sympy derivations, exact operation counts and exact checks,
the documents); the measured experiments and the claims on them (Q1's convnet comparison, Q2's benchmark and retrieval, Q3's
estimators and timing, Problem 4) are the default build's, shared by every variant.
"""

import copy
import csv
import random
import re
from pathlib import Path

PARAMS = {"q1": ("n", "c", "h"), "q2": ("T", "d", "w", "m"), "q3": ("d", "h", "k")}
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ROSTER_ID_COLUMNS = ("id", "student_id", "netid", "net_id")
# The results a variant writes itself (under build/variants/<id>/results/); it reads the default build's others.
OWN_RESULTS = ("q1_derive", "q1_verify", "q1_check", "q2_derive", "q2_verify", "q2_check", "q3_derive", "q3_check")


class VariantError(ValueError):
    pass


# ------------------------------------------------------------------------------------------------ roster
def read_roster(path: str | Path) -> list[str]:
    """Student ids from a CSV roster, in order. The first row is a header; the ids are in the column named id,
    student_id, netid or net_id (any case, spaces or hyphens for underscores).

    A missing or unreadable file, a header without an id column, an empty id, an id that cannot name a folder,
    and an id that repeats (ignoring case: folders differ by more than case everywhere) are refused, naming
    the row and the fix.
    """
    path = Path(path)
    if not path.is_file():
        raise VariantError(
            f"{path}: roster not found. Fix: give the path of a CSV file with a header row and one student id per row"
        )
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError as err:
        raise VariantError(
            f"{path}: not UTF-8 text ({err.reason} at byte {err.start}). Fix: save it as UTF-8 CSV"
        ) from None
    except csv.Error as err:
        raise VariantError(
            f"{path}: not a readable CSV file ({err}). Fix: one student id per row, comma-separated"
        ) from None
    if not rows:
        raise VariantError(f"{path}: the roster is empty. Fix: a header row (e.g. 'id'), then one student id per row")
    header = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in rows[0]]
    col = next((header.index(c) for c in ROSTER_ID_COLUMNS if c in header), None)
    if col is None:  # also a roster without a header: its first student would be read as the header
        raise VariantError(
            f"{path}, row 1: no id column among {rows[0]}. Fix: a header row first, naming the column of student "
            f"ids {' or '.join(ROSTER_ID_COLUMNS)}"
        )
    ids, first_row = [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        sid = row[col].strip() if col < len(row) else ""
        where = f"{path}, row {line} (column '{rows[0][col].strip()}')"
        if not sid:
            raise VariantError(f"{where}: empty student id. Fix: give this row an id, or delete the row")
        if not ID_RE.fullmatch(sid):
            raise VariantError(
                f"{where}: student id {sid!r} cannot name a folder. Fix: use letters, digits, '.', '_' or '-' "
                "(at most 64, starting with a letter or digit)"
            )
        if sid.lower() in first_row:
            raise VariantError(
                f"{where}: student id {sid!r} repeats row {first_row[sid.lower()]} (ids are compared ignoring case). "
                "Fix: each student once, with a unique id"
            )
        first_row[sid.lower()] = line
        ids.append(sid)
    if not ids:
        raise VariantError(f"{path}: the roster has a header but no student ids. Fix: one student id per row")
    return ids


def variant_ids(spec: dict) -> list[str]:
    """The ids of the variants: the roster's, else v001 ... vN."""
    if spec.get("roster"):
        return read_roster(spec["roster"])
    n = int(spec["n"])
    width = max(3, len(str(n)))
    return [f"v{k:0{width}d}" for k in range(1, n + 1)]


# ------------------------------------------------------------------------------------------------ draws
def check_ranges(ranges: dict) -> None:
    """Refuse ranges that are empty, or that admit only degenerate draws (w >= T, k >= d)."""
    for problem, names in PARAMS.items():
        for name in names:
            lo, hi = ranges[problem][name]
            if lo > hi:
                raise VariantError(
                    f"{problem}.variant_ranges.{name} = [{lo}, {hi}]: the minimum exceeds the maximum. "
                    "Fix: give [min, max] with min <= max"
                )
    for problem, small, big in (("q2", "w", "T"), ("q3", "k", "d")):
        if ranges[problem][small][0] >= ranges[problem][big][0]:
            raise VariantError(
                f"{problem}.variant_ranges: {small} must stay below {big} ({small} >= {big} is degenerate), but the "
                f"smallest {small} ({ranges[problem][small][0]}) is not below the smallest {big} "
                f"({ranges[problem][big][0]}). Fix: lower {problem}.variant_ranges.{small}[0] or raise "
                f"{problem}.variant_ranges.{big}[0]"
            )


def _draw(problem: str, rng: random.Random, r: dict) -> dict:
    if problem == "q1":
        return {"n": rng.randint(*r["n"]), "c": rng.randint(*r["c"]), "h": rng.randint(*r["h"])}
    if problem == "q2":
        T = rng.randint(*r["T"])
        return {"T": T, "d": rng.randint(*r["d"]), "w": rng.randint(r["w"][0], min(r["w"][1], T - 1)),
                "m": rng.randint(*r["m"])}  # fmt: skip
    d = rng.randint(*r["d"])
    return {"d": d, "h": rng.randint(*r["h"]), "k": rng.randint(r["k"][0], min(r["k"][1], d - 1))}


def draw(ids: list[str], seed: int, ranges: dict, attempts: int = 10_000) -> dict[str, dict]:
    """id -> {q1: {n, c, h}, q2: {T, d, w, m}, q3: {d, h, k}}: each variant from its own seeded stream; a
    problem's numbers already given to an earlier variant are drawn again."""
    check_ranges(ranges)
    seen: dict[str, set] = {p: set() for p in PARAMS}
    out = {}
    for vid in ids:
        rng = random.Random(f"hw4-variant:{seed}:{vid}")  # a str seed is hashed (sha512): stable everywhere
        params = {}
        for problem, names in PARAMS.items():
            for _ in range(attempts):
                p = _draw(problem, rng, ranges[problem])
                key = tuple(p[n] for n in names)
                if key not in seen[problem]:
                    break
            else:
                raise VariantError(
                    f"{problem}.variant_ranges admit too few distinct {names} for {len(ids)} variants that all "
                    f"differ. Fix: widen {problem}.variant_ranges"
                )
            seen[problem].add(key)
            params[problem] = p
        out[vid] = params
    return out


def variant_config(config: dict, vid: str, seed: int, params: dict) -> dict:
    """The build's config with the variant's numbers in place of the instances Problems 1-3 are evaluated for,
    and the variant named (the documents print both)."""
    cfg = copy.deepcopy(config)
    for problem, key in (("q1", "instances"), ("q2", "count_instances"), ("q3", "count_instances")):
        cfg[problem][key] = [dict(params[problem])]
    cfg["variant"] = {"id": vid, "seed": seed}
    return cfg


# ------------------------------------------------------------------------------------------------ answer key
def answers(vid: str, params: dict, results: dict[str, dict]) -> dict:
    """The numbers a grader checks for one variant, each read from the variant's results (as its PDF prints
    them): Q1's parameter and operation counts, Q2's operation count per method, Q3's full and sampled counts."""
    q1 = results["q1_derive"]["instances"][0]
    q2 = results["q2_derive"]["instances"][0]
    q3 = results["q3_derive"]["instances"][0]
    row = {"id": vid}
    row.update({f"q1_{k}": params["q1"][k] for k in PARAMS["q1"]})
    row.update({"q1_params": q1["params"], "q1_ops": q1["ops"]})
    row.update({f"q2_{k}": params["q2"][k] for k in PARAMS["q2"]})
    row.update({f"q2_ops_{m}": q2["methods"][m]["ops"] for m in ("full", "window", "linear", "performer")})
    row.update({f"q3_{k}": params["q3"][k] for k in PARAMS["q3"]})
    row.update({"q3_ops_full": q3["full_formula"]["total"], "q3_ops_sampled": q3["sampled_formula"]["total"]})
    return row
