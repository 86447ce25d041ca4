"""Problem 2: the exact check (q2_derive, q2_verify) and the measured claims (q2_bench, q2_retrieval) of the answer.

:func:`check` (rule q2_check) stops the build unless they hold: the registry of methods (hw4/q2/methods.py)
and the formulas of hw4/q2/derive.py must name the same methods, the operations counted by the scalar copies must
equal the sympy formulas (each kind and the total), torch's flop counter must equal its formula, the window-pair
formula must equal a direct count, and each formula's degree in T must be the order the registry states.  Floating-point agreements (scalar copies
against torch, the blocked window against masked full attention, linear attention against its T x T form, all in
float64) are recorded as flags against TOLERANCE.

:func:`claims` (rule q2_claims, which a new timing reruns instead of the check) holds every number the prose
derives (milliseconds, MiB, speed-ups, memory ratios, predicted savings, the first and the compared rows, the
first T from which a method is faster) and a boolean or a category for every sentence that compares or explains; the thresholds are the named constants below.  Everything derived from
timings sits under "timing", so that `snakemake diff` files it with the timings.
"""

import math
from itertools import takewhile

from hw4.checks import agreement, stop_on, within
from hw4.fit import grows_as, loglog_slope
from hw4.q2.methods import APPROXIMATIONS, BY_KEY, COUNTED, METHODS, REFERENCE, keys

KINDS = ("mults", "adds", "divs", "nonlin")
TOLERANCE = 1e-9  # float64 on inputs of size ~1, a few hundred operations: rounding is ~1e-15
# A fitted log-log slope of peak memory (bytes: no timing noise) within this of the registry's order is "as
# expected".  Time is read differently: see relative_growth.
SLOPE_TOLERANCE = 0.3
# A measured speed-up within this factor of the predicted savings is "close" to it.  A count predicts time only up
# to what each operation costs, and that differs between methods and with the load on the machine: on the 2-core
# machine the measured speed-ups were 0.54 to 1.32 times the counted savings quiet, 0.54 to 1.04 loaded.
SAVINGS_CLOSE_FACTOR = 3.0
# The fused exact kernel faster than the explicit one by more than this factor (side by side, same T): what storing
# the T x T matrices costs full attention.
FUSED_FASTER_FACTOR = 1.5
EXACT_REL_ERROR = 1e-5  # float32 exact attention (SDPA) against the explicit form: rounding only
ERROR_LARGE = 0.5  # a relative output error above this: far from softmax attention
ACCURACY_CLOSE = 0.05  # two mean needle accuracies this close count as the same
ACCURACY_MISS = 0.05  # a mean needle accuracy at most this: the method misses the needle
MIB = 1048576
# verify's key, derive's key, and how a mismatch names it: each kind of operation, their total, the flop counter
COMPARED = (
    *((f"counted_{kind}", kind, f"counted {kind}") for kind in KINDS),
    ("counted_ops", "ops", "counted operations"),
    ("flop_counter", "flop_counter", "torch flop counter"),
)


def exact_mismatches(derive: dict, verify: dict) -> list[str]:
    """Every disagreement between the registry, the formulas (derive) and the counts (verify), as readable lines."""
    bad = []
    formulas = {m.formula for m in METHODS if m.formula}
    if formulas != set(derive["methods"]):
        bad.append(
            f"formula keys of the registry {sorted(formulas)} != methods derived {sorted(derive['methods'])} "
            "(hw4/q2/methods.py against hw4/q2/derive.py FORMULAS)"
        )
        return bad
    for meth in METHODS:
        if meth.formula and derive["methods"][meth.formula]["degree_in_T"] != meth.time_order:
            bad.append(
                f"{meth.key}: the formula's degree in T is {derive['methods'][meth.formula]['degree_in_T']}, "
                f"the registry says its time grows as T^{meth.time_order}"
            )
    if len(derive["instances"]) != len(verify["instances"]):
        return [*bad, f"{len(derive['instances'])} derived instances but {len(verify['instances'])} verified"]
    for inst, vi in zip(derive["instances"], verify["instances"], strict=True):
        where = "T={T}, d={d}, w={w}, m={m}".format(**inst)
        if any(inst[k] != vi[k] for k in ("T", "d", "w", "m")):
            bad.append(f"instance {where} was verified with T={vi['T']}, d={vi['d']}, w={vi['w']}, m={vi['m']}")
            continue
        pairs = inst["window_pairs"]
        if pairs["formula"] != pairs["direct"]:
            bad.append(
                f"{where}: window-pair formula {pairs['formula']} != direct count {pairs['direct']} of |i - j| <= w"
            )
        if set(vi["methods"]) != set(keys(COUNTED)):
            bad.append(f"{where}: verified methods {sorted(vi['methods'])} != counted {sorted(keys(COUNTED))}")
            continue
        for meth in COUNTED:
            formula, counted = inst["methods"][meth.formula], vi["methods"][meth.key]
            bad += [
                f"{where}, {meth.key}: {label} {counted[key]} != formula {formula[ref]}"
                for key, ref, label in COMPARED
                if counted[key] != formula[ref]
            ]
    return bad


def agreements(verify: dict, tol: float = TOLERANCE) -> dict:
    """The float64 agreements over all instances (hw4.checks.agreement: the largest difference, the tolerance,
    whether it is within): the scalar copies against torch, the blocked window against masked full attention,
    linear attention against its T x T form."""
    insts = verify["instances"]
    return {
        "scalar": agreement(max(m["scalar_vs_torch"] for vi in insts for m in vi["methods"].values()), tol),
        "window": agreement(max(vi["window_vs_masked_full"] for vi in insts), tol),
        "linear": agreement(max(vi["linear_vs_quadratic"] for vi in insts), tol),
    }


def registry() -> dict:
    """The methods as the template names them, in the registry's order."""
    return {
        "methods": {m.key: {"label": m.label, "short": m.short, "exact": m.exact} for m in METHODS},
        "bench_methods": keys(METHODS),
        "counted_methods": keys(COUNTED),
        "approximations": keys(APPROXIMATIONS),
    }


def fewer_ops_than_full(derive: dict) -> dict:
    """How many times fewer operations than full attention each counted method needs, at derive's ``at`` sizes."""
    full = derive["methods"][BY_KEY[REFERENCE].formula]["at"]
    return {m.key: full / derive["methods"][m.formula]["at"] for m in COUNTED if m.key != REFERENCE}


def rows_with_full(rows: list[dict]) -> list[dict]:
    """The benchmark rows at which full attention ran (up to q2.bench.full_max_T); the last is the largest T."""
    return [r for r in rows if REFERENCE in r["time_s"]]


def faster_from(rows: list[dict]) -> dict:
    """For each method, the smallest measured T from which on it beat full attention at every measured T where
    full attention ran; None if it was not faster at the largest such T."""
    with_full = rows_with_full(rows)
    out = {}
    for n in (n for n in with_full[0]["time_s"] if n != REFERENCE):
        wins = list(takewhile(lambda r, n=n: r["time_s"][n] < r["time_s"][REFERENCE], reversed(with_full)))
        out[n] = wins[-1]["T"] if wins else None
    return out


def relative_growth(bench: dict) -> dict:
    """Each method's time against full attention's, as a power of T: the log-log slope of full attention's time
    over the method's, fitted over the rows from fit_min_T on where both ran.  The two are timed side by side in
    each row, so a busy spell of the machine slows both and leaves their ratio; a slope of each time on its own
    moves with every row the load slows.  ``as_expected``: the slope is nearest the difference of the registry's
    orders (1 for a linear method, 0 for the fused exact kernel)."""
    ref = BY_KEY[REFERENCE]
    rows = [r for r in rows_with_full(bench["rows"]) if r["T"] >= bench["fit_min_T"]]
    out = {}
    for m in (m for m in METHODS if m.key != REFERENCE):
        pts = [(r["T"], r["time_s"][REFERENCE] / r["time_s"][m.key]) for r in rows if m.key in r["time_s"]]
        slope = loglog_slope(*zip(*pts, strict=True)) if len(pts) >= 2 else None
        expected = ref.time_order - m.time_order
        out[m.key] = {"slope": slope, "expected": expected, "as_expected": grows_as(slope, expected)}
    return out


def slope_claims(bench: dict, tol: float = SLOPE_TOLERANCE) -> dict:
    """Each method's fitted time and memory slopes, and the memory slope against the order the registry expects."""
    out = {}
    for m in METHODS:
        t, mem = bench["slopes"].get(m.key), bench["slopes"].get(f"{m.key}_memory")
        out[m.key] = {
            "time": t,
            "memory": mem,
            "expected_time": m.time_order,
            "expected_memory": m.memory_order,
            "memory_as_expected": within(mem, m.memory_order, tol),
        }
    return out


def timing_claims(bench: dict, derive: dict | None = None) -> dict:
    """The numbers and verdicts the prose derives from q2_bench (and, with derive, predicted against measured)."""
    rows = bench["rows"]
    at = rows_with_full(rows)[-1]
    first = rows[0]
    ref = REFERENCE

    def point(row, n) -> dict:
        return {
            "time_ms": row["time_s"][n] * 1000,
            "peak_mib": row["peak_bytes"][n] / MIB,
            "speedup": None if n == ref else row["time_s"][ref] / row["time_s"][n],
            "memory_ratio": None if n == ref else row["peak_bytes"][ref] / max(row["peak_bytes"][n], 1),
            "rel_error": row["rel_error"].get(n),
        }

    slopes = slope_claims(bench)
    relative = relative_growth(bench)
    table = [
        {
            "key": m.key,
            "label": m.label,
            "reference": m.key == ref,
            **point(at, m.key),
            "time_slope": slopes[m.key]["time"],
            "memory_slope": slopes[m.key]["memory"],
        }
        for m in METHODS
    ]
    fast = faster_from(rows)
    crossovers = []
    for m in APPROXIMATIONS:
        x = fast[m.key]
        category = "never" if x is None else "always" if x == first["T"] else "from"
        crossovers.append({"key": m.key, "label": m.label, "category": category, "T": x})
    late = [c for c in crossovers if c["category"] != "always"]
    # the same reading said once for every method it holds for: faster everywhere, from each T, never
    order = {"always": 0, "from": 1, "never": 2}
    groups: dict = {}
    for c in sorted(crossovers, key=lambda c: (order[c["category"]], c["T"] or 0)):
        groups.setdefault((c["category"], c["T"]), []).append(c["label"])
    crossover_groups = [{"category": cat, "T": T, "labels": labels} for (cat, T), labels in groups.items()]
    approx = [slopes[m.key] for m in APPROXIMATIONS]
    sd = slopes.get("sdpa")
    sdpa_exact = at["rel_error"].get("sdpa", 1.0) <= EXACT_REL_ERROR
    largest_T = max(r["T"] for r in rows)
    out = {
        "at_T": at["T"],
        "first_T": first["T"],
        "largest_T": largest_T,
        "beyond_full": largest_T > bench["full_max_T"],
        "on_gpu": bench["device"] == "cuda",
        "table": table,
        "at": {m.key: point(at, m.key) for m in METHODS},
        "first": {m.key: point(first, m.key) for m in METHODS if m.key in first["time_s"]},
        "full_scores_mib": at["full_scores_bytes"] / MIB,
        "faster_from_T": fast,
        "crossovers": crossovers,
        "crossover_groups": crossover_groups,
        "some_late": bool(late),
        "late_labels": [c["label"] for c in late],
        # the distinct lengths from which the late methods are faster (the sentence's "that length")
        "late_lengths": sorted({c["T"] for c in late if c["T"] is not None}),
        "slopes": slopes,
        "slope_tolerance": SLOPE_TOLERANCE,
        "relative": relative,
        # full attention's time grows one power of T more than each approximation's (side by side)
        "time_slopes_as_expected": all(relative[m.key]["as_expected"] for m in APPROXIMATIONS),
        "memory_slopes_as_expected": all(s["memory_as_expected"] for s in [slopes[ref], *approx]),
        # torch's fused exact kernel: memory at most linear, time the same power of T as full attention's, no loss
        "sdpa_memory_not_time": bool(
            sd
            and sd["memory"] is not None
            and sd["memory"] <= sd["expected_memory"] + SLOPE_TOLERANCE
            and relative.get("sdpa", {}).get("as_expected")
            and sdpa_exact
        ),
        # what storing the T x T matrices costs full attention at the compared T: the fused exact kernel, timed
        # side by side, does the same products without them
        "full_pays_for_its_matrices": bool(
            "sdpa" in at["time_s"] and sdpa_exact and point(at, "sdpa")["speedup"] > FUSED_FASTER_FACTOR
        ),
    }
    if derive is not None:
        predicted, savings = fewer_ops_than_full(derive), {}
        for m in APPROXIMATIONS:
            measured = out["at"][m.key]["speedup"]
            ratio = measured / predicted[m.key]
            savings[m.key] = {
                "predicted": predicted[m.key],
                "measured": measured,
                "measured_over_predicted": ratio,
                "close": 1 / SAVINGS_CLOSE_FACTOR <= ratio <= SAVINGS_CLOSE_FACTOR,
            }
        ratios = [s["measured_over_predicted"] for s in savings.values()]
        out.update(
            savings=savings,
            savings_vs_prediction="close" if all(s["close"] for s in savings.values()) else "differ",
            # the smallest whole factor within which every measured speed-up lies of its prediction (a number to print)
            savings_within_factor=float(math.ceil(max(max(r, 1 / r) for r in ratios))),
            # some method slower than its count predicts: its operations cost more than full attention's
            some_short_of_prediction=any(r < 1 for r in ratios),
            prediction_at_timed_T=derive["at"]["T"] == at["T"],
        )
    return out


def error_claims(bench: dict) -> dict:
    """Relative output errors against full attention on the benchmark's inputs: first and compared rows."""
    rows = bench["rows"]
    at = rows_with_full(rows)[-1]
    first = rows[0]
    return {
        "first": first["rel_error"],
        "at": at["rel_error"],
        "window_error_grows": at["rel_error"]["window"] > first["rel_error"]["window"],
        "performer_error_large": at["rel_error"]["performer"] > ERROR_LARGE,
    }


def retrieval_claims(retrieval: dict) -> dict:
    """Verdicts on the needle task: who finds the needle near (delta <= w) and far (delta > w)."""
    near, far = retrieval["mean_within_window"], retrieval["mean_beyond_window"]

    def misses(n) -> bool:
        return all(a is not None and a <= ACCURACY_MISS for a in (near[n], far[n]))

    def close(a, b) -> bool:
        return a is not None and b is not None and abs(a - b) <= ACCURACY_CLOSE

    def versus(a, b) -> str:
        """How accuracy a compares with b: "as" (within ACCURACY_CLOSE), "below" or "above"."""
        if close(a, b):
            return "as"
        return "below" if a < b else "above"

    blind = far["window"] is not None and far["window"] <= ACCURACY_MISS
    return {
        "window_near_as_full": close(near["window"], near["full"]),
        "window_near_vs_full": versus(near["window"], near["full"]),
        "window_blind_beyond": blind,
        # beyond w: "blind" (at chance), "weaker" (below full attention), or "as good" as full attention
        "window_beyond": "blind"
        if blind
        else ("weaker" if versus(far["window"], far["full"]) == "below" else "as good"),
        "linear_misses": misses("linear"),
        "performer_below_full": all(
            a is not None and b is not None and a < b - ACCURACY_CLOSE
            for a, b in ((near["performer"], near["full"]), (far["performer"], far["full"]))
        ),
    }


def thresholds() -> dict:
    return {
        "tolerance": TOLERANCE,
        "slope_tolerance": SLOPE_TOLERANCE,
        "savings_close_factor": SAVINGS_CLOSE_FACTOR,
        "fused_faster_factor": FUSED_FASTER_FACTOR,
        "exact_rel_error": EXACT_REL_ERROR,
        "error_large": ERROR_LARGE,
        "accuracy_close": ACCURACY_CLOSE,
        "accuracy_miss": ACCURACY_MISS,
    }


def check(derive: dict, verify: dict) -> dict:
    stop_on(
        exact_mismatches(derive, verify),
        "q2: the operation counts disagree with the sympy formulas (fix hw4/q2/derive.py, the scalar copies in "
        "hw4/q2/attention.py or the registry in hw4/q2/methods.py)",
    )
    return {
        "instances_checked": len(derive["instances"]),
        **agreements(verify),
        **registry(),
        "fewer_ops_than_full": fewer_ops_than_full(derive),
    }


def claims(derive: dict, bench: dict, retrieval: dict) -> dict:
    """``derive``: the default build's, for the savings its formulas predict at the benchmark's point."""
    errors, found = error_claims(bench), retrieval_claims(retrieval)
    return {
        "timing": timing_claims(bench, derive),
        "errors": errors,
        # the Performer's estimator is noisy: a large output error and a needle accuracy below full attention's
        "retrieval": {**found, "performer_noisy": errors["performer_error_large"] and found["performer_below_full"]},
        "thresholds": thresholds(),
    }
