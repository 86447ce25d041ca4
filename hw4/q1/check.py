"""Problem 1: the exact check (derive, verify, fields) and the measured claims (compare) that the answer states.

:func:`check` (rule q1_check) stops the build unless every count that the code measures (the torch module's
parameters, the operations counted one by one by the plain-Python copy, the flop counter's FLOPs, the parameters
of the comparison's two models, and their receptive fields read off the gradients) equals its sympy formula or
what the recurrence implies.  Floating-point agreements (the loop against the wavefront order, the plain-Python
copy against torch, all in float64) are recorded against their tolerances, and the exact side of 1c: the first and
last rows of the comparison, the largest receptive field of the conv net, the centre cell's share of the grid.

:func:`claims` (rule q1_claims) reads only the timings: times in ms and a verdict for every sentence comparing
them, under the key ``timing``. A new timing reruns the claims, never the check.
"""

from hw4.checks import agreement, stop_on
from hw4.q1.derive import c, conv_parameter_count, conv_receptive_field, h, parameter_count

# float64 on inputs of size ~1 and a few hundred operations per state: rounding is ~1e-16
ORDERS_TOLERANCE = 1e-12  # loop against wavefront: the same sums, in a different batching
SCALAR_TOLERANCE = 1e-12  # the plain-Python copy against torch's loop
# "about a quarter of the image": the centre cell's share of the grid within this of 1/4
QUARTER_TOLERANCE = 0.05

EXACT = {  # verify's key -> derive's key (the formula evaluated at the instance)
    "params_module": "params",
    "flop_counter_loop": "flop_counter",
    "flop_counter_wavefront": "flop_counter",
}
COUNTED = {"counted_mults": "mults", "counted_adds": "adds", "counted_ops": "ops", "counted_sigma": "sigma"}


def exact_mismatches(derive: dict, verify: dict, fields: dict) -> list[str]:
    """Every disagreement between a measured count and its sympy formula, as readable lines."""
    if len(derive["instances"]) != len(verify["instances"]):
        return [f"{len(derive['instances'])} derived instances but {len(verify['instances'])} verified"]
    bad = []
    for formula, measured in zip(derive["instances"], verify["instances"], strict=True):
        where = "(n, c, h) = ({n}, {c}, {h})".format(**formula)
        if any(formula[key] != measured[key] for key in ("n", "c", "h")):
            bad.append(f"{where} was verified as (n, c, h) = ({measured['n']}, {measured['c']}, {measured['h']})")
            continue
        pairs = dict(EXACT, **(COUNTED if measured.get("counted_ops") is not None else {}))
        bad += [
            f"{where}: {key} = {measured[key]}, formula {formula[ref]}"
            for key, ref in pairs.items()
            if measured[key] != formula[ref]
        ]
    bad += receptive_field_mismatches(fields)
    P = int(parameter_count().subs({c: fields["c"], h: fields["h"]}))
    if fields["params_rnn"] != P:
        bad.append(f"comparison: the RNN (c={fields['c']}, h={fields['h']}) has {fields['params_rnn']}, formula {P}")
    Pc = int(conv_parameter_count(fields["conv_layers"], fields["conv_kernel"], fields["conv_width"], fields["c"]))
    if fields["params_conv"] != Pc:
        bad.append(f"comparison: the conv net has {fields['params_conv']} parameters, formula {Pc}")
    return bad


def receptive_field_mismatches(fields: dict) -> list[str]:
    """The receptive fields read off the gradients against what the recurrence and the conv formula imply: the
    RNN's bottom-right cell sees the whole grid, its centre cell the (n//2 + 1)^2 cells above and left of it, and a
    conv output the square of side L(k-1) + 1 around it, clipped to the grid."""
    radius = (int(conv_receptive_field(fields["conv_layers"], fields["conv_kernel"])) - 1) // 2
    bad = []
    for r in fields["rows"]:
        n, mid = r["n"], r["n"] // 2

        def window(centre, n=n):
            return (min(n - 1, centre + radius) - max(0, centre - radius) + 1) ** 2

        expect = {"rf_rnn_corner": n * n, "rf_rnn_centre": (mid + 1) ** 2}
        expect.update(rf_conv_centre=window(mid), rf_conv_corner=window(n - 1))
        bad += [f"comparison at n={n}: {key} = {r[key]}, expected {v}" for key, v in expect.items() if r[key] != v]
    return bad


def compare_claims(fields: dict) -> dict:
    """Picks, maxima, ratios and verdicts of the comparison's receptive fields and sequential steps."""
    rows = fields["rows"]
    first, last = rows[0], rows[-1]
    share = last["rf_rnn_centre"] / last["rf_rnn_corner"]
    keys = ("n", "rf_rnn_corner", "rf_rnn_centre", "rf_conv_centre", "conv_layers_to_cover")
    return {
        "first": {key: first[key] for key in keys},
        "last": {key: last[key] for key in (*keys, "steps_loop", "steps_wavefront", "steps_conv")},
        "rf_conv_centre_max": max(r["rf_conv_centre"] for r in rows),
        # "only the RNN's context grows with the image": it does over the rows, and the conv net's is capped by its
        # depth (smaller than the largest grid)
        "rnn_context_grows": last["rf_rnn_corner"] > first["rf_rnn_corner"],
        "conv_context_capped": last["rf_conv_centre"] < last["n"] ** 2,
        "centre_share": share,
        "centre_share_about_a_quarter": abs(share - 0.25) <= QUARTER_TOLERANCE,
        "quarter_tolerance": QUARTER_TOLERANCE,
    }


def timing_claims(compare: dict) -> dict:
    """Forward times in ms, and which model is fastest at the largest n."""
    ms = [
        {"n": r["n"], **{key: r[f"time_{key}_s"] * 1000 for key in ("loop", "wavefront", "conv")}}
        for r in compare["rows"]
    ]
    last = ms[-1]
    return {
        "rows_ms": ms,
        "last_ms": last,
        "conv_faster_at_last": last["conv"] < min(last["loop"], last["wavefront"]),
        "wavefront_faster_at_last": last["wavefront"] < last["loop"],
    }


def check(derive: dict, verify: dict, fields: dict) -> dict:
    stop_on(
        exact_mismatches(derive, verify, fields),
        "q1: measured counts disagree with the sympy formulas (fix hw4/q1/derive.py, or the module and its "
        "plain-Python copy in hw4/q1/rnn.py, or the conv net in hw4/q1/fields.py)",
    )
    insts = verify["instances"]
    counted = [r for r in insts if r.get("counted_ops") is not None]
    return {
        "instances_checked": len(insts),
        "orders": agreement(max((r["orders_max_abs_diff"] for r in insts), default=None), ORDERS_TOLERANCE),
        "scalar": agreement(max((r["scalar_max_abs_diff"] for r in counted), default=None), SCALAR_TOLERANCE),
        "sigma_counted": [{"n": r["n"], "h": r["h"], "counted_sigma": r["counted_sigma"]} for r in counted],
        "sigma_counted_none": not counted,
        "compare": compare_claims(fields),
    }


def claims(compare: dict) -> dict:
    return {"timing": timing_claims(compare)}
