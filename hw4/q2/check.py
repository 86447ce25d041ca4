"""Problem 2: the checks that the answer states, made on the results of q2_derive and q2_verify.

Exact checks stop the build: the operations counted by the scalar copies must equal the sympy formulas (each kind
and the total), torch's flop counter must equal its formula, and the window-pair formula must equal a direct
count.  Floating-point agreements (scalar copies against torch, the blocked window against masked full attention,
linear attention against its T x T form, all in float64) are recorded as flags against TOLERANCE, so that the
report states what was found.
"""

KINDS = ("mults", "adds", "divs", "nonlin")
TOLERANCE = 1e-9  # float64 on inputs of size ~1, a few hundred operations: rounding is ~1e-15


def exact_mismatches(derive: dict, verify: dict) -> list[str]:
    """Every disagreement between the formulas (derive) and the counts (verify), as readable lines."""
    bad = []
    if not derive["check_window_pairs"]:
        bad.append("window-pair formula differs from the direct count of pairs with |i - j| <= w")
    if len(derive["instances"]) != len(verify["instances"]):
        return [*bad, f"{len(derive['instances'])} derived instances but {len(verify['instances'])} verified"]
    for inst, vi in zip(derive["instances"], verify["instances"], strict=True):
        where = "T={T}, d={d}, w={w}, m={m}".format(**inst)
        if any(inst[k] != vi[k] for k in ("T", "d", "w", "m")):
            bad.append(f"instance {where} was verified with T={vi['T']}, d={vi['d']}, w={vi['w']}, m={vi['m']}")
            continue
        for method, formula in inst["methods"].items():
            counted = vi["methods"][method]
            for kind in KINDS:
                if counted[f"counted_{kind}"] != formula[kind]:
                    bad.append(
                        f"{where}, {method}: counted {kind} {counted[f'counted_{kind}']} != formula {formula[kind]}"
                    )
            if counted["counted_ops"] != formula["ops"]:
                bad.append(
                    f"{where}, {method}: counted operations {counted['counted_ops']} != formula {formula['ops']}"
                )
            if counted["flop_counter"] != formula["flop_counter"]:
                bad.append(
                    f"{where}, {method}: torch flop counter {counted['flop_counter']} != formula {formula['flop_counter']}"
                )
    return bad


def agreement(verify: dict, tol: float = TOLERANCE) -> dict:
    """Largest float64 differences over all instances, and whether each is within tol."""
    insts = verify["instances"]
    worst = {
        "scalar_vs_torch": max(m["scalar_vs_torch"] for vi in insts for m in vi["methods"].values()),
        "window_vs_masked_full": max(vi["window_vs_masked_full"] for vi in insts),
        "linear_vs_quadratic": max(vi["linear_vs_quadratic"] for vi in insts),
    }
    return {
        "tolerance": tol,
        "largest": worst,
        "scalar_agrees": worst["scalar_vs_torch"] <= tol,
        "window_agrees": worst["window_vs_masked_full"] <= tol,
        "linear_agrees": worst["linear_vs_quadratic"] <= tol,
    }


def check(derive: dict, verify: dict) -> dict:
    bad = exact_mismatches(derive, verify)
    if bad:
        raise RuntimeError(
            "q2: the operation counts disagree with the sympy formulas (fix hw4/q2/derive.py or the scalar "
            "copies in hw4/q2/attention.py):\n  " + "\n  ".join(bad)
        )
    return {"instances_checked": len(derive["instances"]), "counts_match": True, **agreement(verify)}
