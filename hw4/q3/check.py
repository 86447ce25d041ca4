"""Problem 3: the exact check (derive, verify) and the measured claims (estimators, timing) that the answer states.

:func:`check` (rule q3_check) stops the build unless they hold: every symbolic derivative of the small vocabulary
must equal the closed form, and the operations counted while the plain-Python copies ran must equal the sympy
totals.  The closed form against autograd (float64) is recorded against a tolerance of AGREEMENT_ROUNDOFFS unit
roundoffs.

:func:`claims` (rule q3_claims, which a new measurement reruns instead of the check) holds what the prose of 3a
and 3b prints or states beyond a stored value: the fitted slopes of the estimators' bias and variance and how
they compare with the expected rates, where the bias meets the noise of the mean, the first/last rows the prose
quotes and their ratios, the verdicts on the three estimators, and the times in ms with their speed-ups.
Timing-derived claims sit under the key ``timing`` (so that diffs and the determinism test treat them as timings).  Every threshold a sentence depends on is a named constant here.
"""

import math
import sys

from hw4.checks import agreement, stop_on, within
from hw4.fit import grows_as, loglog_slope

# The closed form "agrees with autograd to rounding" when every relative error is below this many float64 unit
# roundoffs (2^-53): both compute the same sums in a different order, which costs a few roundoffs, not hundreds.
AGREEMENT_ROUNDOFFS = 100
UNIT_ROUNDOFF = sys.float_info.epsilon / 2  # float64: 2^-53
# The measured bias of the mean of R draws is sqrt(bias^2 + noise^2) on average, noise = sqrt(var / R).  Below this
# multiple of the noise the bias is not resolved by R draws: it is left out of the fitted slope, and an estimator
# whose bias stays below it at every k is "as unbiased as the draws can tell".
BIAS_RESOLVED_OVER_NOISE = 2.0
# The rates the theory expects: the variance of an average of k independent terms falls like 1/k, and the bias of
# the self-normalised estimator like 1/k; a fitted log-log slope within SLOPE_TOLERANCE of -1 is "close to 1/k".
EXPECTED_VAR_SLOPE = -1.0
EXPECTED_BIAS_SLOPE = -1.0
SLOPE_TOLERANCE = 0.1
# Negative sampling's mean "points elsewhere" when its cosine with the softmax gradient is below this.
ALIGNED_COSINE = 0.9
# Time against d is read as a whole power of d (hw4.fit.grows_as): "linear in d" when a fitted slope is nearer 1
# than any other power, "nearly flat" when nearer 0.  The full and the sampled gradients are timed one after the
# other, so each slope moves with every size a busy machine slows; half a power is what that cannot reach.


def exact_mismatches(derive: dict) -> list[str]:
    """Every exact check of the derivation that failed: symbolic derivatives that differ from the closed form, and
    operation totals where the sympy formula and the counted run differ.  Empty when all agree."""
    problems = []
    small = derive["small"]
    if small["mismatches"]:
        problems.append(
            f"{small['mismatches']} of {small['derivatives_checked']} symbolic derivatives (d={small['d']}, "
            f"h={small['h']}) differ from the closed-form gradient"
        )
    for inst in derive["instances"]:
        for part in ("full", "sampled"):
            formula, count = inst[f"{part}_formula"], inst[f"{part}_counted"]
            if formula != count:
                problems.append(
                    f"{part} gradient at d={inst['d']}, h={inst['h']}, k={inst['k']}: "
                    f"sympy formula {formula} but counted {count}"
                )
    return problems


def autograd_agreement(verify: dict) -> dict:
    """The closed form against autograd: the largest relative error, the tolerance, and whether it is within."""
    largest = max(max(r["max_rel_err_v"], r["max_rel_err_U"]) for r in verify["instances"])
    return {
        "unit_roundoff": UNIT_ROUNDOFF,
        "tolerance_roundoffs": AGREEMENT_ROUNDOFFS,
        **agreement(largest, AGREEMENT_ROUNDOFFS * UNIT_ROUNDOFF),
    }


def bias_and_variance_slopes(rows: list[dict], name: str) -> dict:
    """Log-log slopes against k of an estimator's variance (over all k, and over the larger half of the k
    values) and of its bias over the k where the bias stands above BIAS_RESOLVED_OVER_NOISE times the noise
    of the mean.  ``floor_k`` is the smallest k from which on the bias stays within that multiple of the noise
    (None if it never gets there); ``bias_slope`` is None when fewer than two k resolve the bias."""
    ks = [r["k"] for r in rows]
    ratios = [r[f"{name}_bias"] / r[f"{name}_noise_floor"] for r in rows]
    resolved = [i for i, x in enumerate(ratios) if x > BIAS_RESOLVED_OVER_NOISE]
    floor_at = next((i for i in range(len(rows)) if all(x <= BIAS_RESOLVED_OVER_NOISE for x in ratios[i:])), None)
    upper = rows[len(rows) // 2 :]
    return {
        "var_slope": loglog_slope(ks, [r[f"{name}_var"] for r in rows]),
        "var_slope_large_k": loglog_slope([r["k"] for r in upper], [r[f"{name}_var"] for r in upper]),
        "large_k_from": upper[0]["k"],
        "bias_slope": (
            loglog_slope([ks[i] for i in resolved], [rows[i][f"{name}_bias"] for i in resolved])
            if len(resolved) >= 2
            else None
        ),
        "bias_resolved_k": [ks[i] for i in resolved],
        "bias_over_noise": ratios,
        "bias_over_noise_max": max(ratios),
        "resolved_over_noise": BIAS_RESOLVED_OVER_NOISE,
        "floor_k": ks[floor_at] if floor_at is not None else None,
    }


def estimator_claims(est: dict) -> dict:
    rows = est["rows"]
    first, last = rows[0], rows[-1]
    usl, isl = bias_and_variance_slopes(rows, "uniform"), bias_and_variance_slopes(rows, "importance")
    by_k = {r["k"]: r for r in rows}
    last_resolved_k = isl["bias_resolved_k"][-1] if isl["bias_resolved_k"] else None
    var_large_k = bool(within(isl["var_slope_large_k"], EXPECTED_VAR_SLOPE, SLOPE_TOLERANCE))
    var_all_k = bool(within(isl["var_slope"], EXPECTED_VAR_SLOPE, SLOPE_TOLERANCE))
    return {
        "first": {key: first[key] for key in ("k", "uniform_var", "importance_var", "importance_bias")},
        "last": {
            key: last[key]
            for key in ("k", "importance_bias", "importance_noise_floor", "negative_bias", "negative_cosine")
        },
        "uniform": {
            **usl,
            # "at most x times that noise for every k, as an unbiased estimator's should be"
            "unbiased": usl["bias_over_noise_max"] <= BIAS_RESOLVED_OVER_NOISE,
            # "its variance is x times that of importance sampling at the first k"
            "var_over_importance_first": first["uniform_var"] / first["importance_var"],
            "var_larger_first": first["uniform_var"] > first["importance_var"],
        },
        "importance": {
            **isl,
            "bias_measured": isl["bias_slope"] is not None,
            "last_resolved_k": last_resolved_k,
            "bias_at_last_resolved": by_k[last_resolved_k]["importance_bias"] if last_resolved_k is not None else None,
            "bias_over_noise_last": isl["bias_over_noise"][-1],
            "floor_reached": isl["floor_k"] is not None,
            "bias_falls_like_one_over_k": bool(within(isl["bias_slope"], EXPECTED_BIAS_SLOPE, SLOPE_TOLERANCE)),
            "var_fall_factor": first["importance_var"] / last["importance_var"],
            "var_falls": last["importance_var"] < first["importance_var"],
            # "close to the 1/k of an average of k independent terms [only at large k]"
            "var_one_over_k": var_large_k and var_all_k,
            "var_one_over_k_only_at_large_k": var_large_k and not var_all_k,
        },
        "negative": {
            # "does not approach g as k grows: ... a vector that grows with k ... and points elsewhere"
            "grows": last["negative_bias"] > first["negative_bias"],
            "points_elsewhere": last["negative_cosine"] < ALIGNED_COSINE,
        },
        "expected_var_slope": EXPECTED_VAR_SLOPE,
        "expected_bias_slope": EXPECTED_BIAS_SLOPE,
        "slope_tolerance": SLOPE_TOLERANCE,
        "aligned_cosine": ALIGNED_COSINE,
    }


# The full gradient's operation count is linear in d, so its time per unit of d is constant within a regime of the
# machine; a rise of that cost by more than this factor between two regimes is reported as a jump, when the step
# between them is steeper than one power law fitted over all sizes by more than JUMP_EXCESS (a smooth power law has
# no such step: its every local slope is its fitted slope).
JUMP_FACTOR = 2.0
JUMP_EXCESS = 0.25


def _squares(xs: list[float]) -> float:
    mean = sum(xs) / len(xs)
    return sum((x - mean) ** 2 for x in xs)


def full_time_regimes(timing: dict) -> dict:
    """The full gradient's time against d, read as regimes rather than one power law.

    Two regimes of constant time per unit of d (the linear count at two speeds of the machine) are fitted to all
    sizes, split where the squared residuals of log(time / d) are least; a jump is a split whose cost per unit of d
    rises by more than JUMP_FACTOR, whose step is steeper than the power law fitted over all sizes by more than
    JUMP_EXCESS, and around which the time of each regime of two or more sizes grows as d; three sizes at least.
    Every size takes part in choosing the split, so a busy machine that slows one size does not move it (the steepest single step does move: two
    neighbours slowed and sped up by 30 % change its local slope by half a power).  ``steepest`` is the step
    between the two measured sizes on either side of the split; ``slope_above`` is fitted above it."""
    rows = timing["rows"]
    ds, ts = [r["d"] for r in rows], [r["time_full_s"] for r in rows]
    cost = [math.log(t / d) for d, t in zip(ds, ts, strict=True)]
    split, residual = None, math.inf
    for k in range(1, len(rows)):
        res = _squares(cost[:k]) + _squares(cost[k:])
        if res < residual:
            split, residual = k, res
    if split is None:
        return {"jump": False, "steepest": None, "cost_ratio": None, "ns_per_word_below": None,
                "ns_per_word_above": None, "u_mib_from": None, "u_mib_to": None,
                "slope_below": None, "slope_above": None, "fitted_above": False,
                "jump_factor": JUMP_FACTOR, "jump_excess": JUMP_EXCESS}  # fmt: skip
    below, above_cost = cost[:split], cost[split:]
    cost_ratio = math.exp(sum(above_cost) / len(above_cost) - sum(below) / len(below))
    a, b = rows[split - 1], rows[split]
    grow, ratio = b["time_full_s"] / a["time_full_s"], b["d"] / a["d"]
    steepest = {"d_from": a["d"], "d_to": b["d"], "time_ratio": grow, "d_ratio": ratio,
                "local_slope": math.log(grow) / math.log(ratio)}  # fmt: skip
    slope_below, slope_above = (
        loglog_slope(ds[part], ts[part]) if len(ds[part]) >= 2 else None
        for part in (slice(None, split), slice(split, None))
    )
    linear_within = all(grows_as(x, 1) for x in (slope_below, slope_above) if x is not None)
    steeper = steepest["local_slope"] > loglog_slope(ds, ts) + JUMP_EXCESS
    return {
        "jump": len(rows) >= 3 and cost_ratio > JUMP_FACTOR and steeper and linear_within,
        "steepest": steepest,
        # the time per unit of d above the split over that below, and each in ns per word (geometric means)
        "cost_ratio": cost_ratio,
        "ns_per_word_below": math.exp(sum(below) / len(below)) * 1e9,
        "ns_per_word_above": math.exp(sum(above_cost) / len(above_cost)) * 1e9,
        # the d x h float32 matrix U on each side of the step, in MiB
        "u_mib_from": a["d"] * timing["h"] * 4 / 2**20,
        "u_mib_to": b["d"] * timing["h"] * 4 / 2**20,
        "slope_below": slope_below,
        "slope_above": slope_above,
        # a jump at the last measured step leaves one size above it: nothing to fit there (a fitted slope above a
        # jump is linear: a jump requires it)
        "fitted_above": slope_above is not None,
        "jump_factor": JUMP_FACTOR,
        "jump_excess": JUMP_EXCESS,
    }


def timing_claims(timing: dict) -> dict:
    rows = [
        {
            "d": r["d"],
            "full_ms": r["time_full_s"] * 1000,
            "sampled_ms": r["time_sampled_s"] * 1000,
            "speedup": r["time_full_s"] / r["time_sampled_s"],
        }
        for r in timing["rows"]
    ]
    largest = rows[-1]
    return {
        "rows": rows,
        "largest": largest,
        "sampled_faster_at_largest": largest["speedup"] > 1,
        "n_sizes": len(rows),
        "smallest_d": rows[0]["d"],
        # the full gradient's time against its operation count, linear in d: a whole power faster or slower
        "full_faster_than_linear": not grows_as(timing["slope_full"], 1) and timing["slope_full"] > 1,
        "full_slower_than_linear": not grows_as(timing["slope_full"], 1) and timing["slope_full"] < 1,
        "sampled_flat": bool(grows_as(timing["slope_sampled"], 0)),
        "full_regimes": full_time_regimes(timing),
    }


def check(derive: dict, verify: dict) -> dict:
    stop_on(
        exact_mismatches(derive),
        "q3: the exact checks failed, so the PDF's agreement claims would be false (fix hw4/q3/derive.py: the "
        "closed form, the sympy operation tables or the plain-Python copies)",
    )
    return {"instances_checked": len(derive["instances"]), "autograd": autograd_agreement(verify)}


def claims(estimators: dict, timing: dict) -> dict:
    return {"estimators": estimator_claims(estimators), "timing": timing_claims(timing)}
