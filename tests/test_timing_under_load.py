"""Every sentence a timing chooses reads the same on a quiet machine and on a loaded one.

A busy machine makes a timed call up to LOAD (30 %) slower or faster.  Calls timed side by side in the same
rounds (hw4.timing.time_side_by_side: Problem 1's three models at one n, Problem 2's methods at one T) share the
spell; measurements timed apart (the rows of different sizes, and Problem 3's full and sampled gradients) each
get a factor of their own.  The claims of recorded timings are recomputed under many patterns of such factors (all
slower, all faster, ramps both ways, alternation, random draws), and every reading they choose (each boolean and
category, the sizes and methods they name) must stay what it was; only the printed numbers may move.

The recorded timings (tests/data/timings/) are the default build's on this project's 2-core machine: ``quiet``
alone, ``loaded`` with two busy processes beside the build.
"""

import copy
import json
import random
from pathlib import Path

import pytest

from hw4.fit import loglog_slope
from hw4.q1.check import timing_claims as q1_claims
from hw4.q2.bench import fit_slopes
from hw4.q2.check import timing_claims as q2_claims
from hw4.q3.check import timing_claims as q3_claims
from hw4.q3.timing import slopes as q3_slopes

LOAD = 0.3
DATA = Path(__file__).parent / "data" / "timings"
RECORDINGS = sorted(p.name for p in DATA.iterdir() if p.is_dir())


def patterns(n: int, seed: int = 0, draws: int = 40) -> list[list[float]]:
    """Factors in [1 - LOAD, 1 + LOAD] for n separately timed measurements."""
    lo, hi = 1 - LOAD, 1 + LOAD
    ramp = [lo * (hi / lo) ** (i / max(n - 1, 1)) for i in range(n)]
    out = [[lo] * n, [hi] * n, ramp, ramp[::-1]]
    out += [[lo if i % 2 == phase else hi for i in range(n)] for phase in (0, 1)]
    rng = random.Random(seed)
    out += [[rng.uniform(lo, hi) for _ in range(n)] for _ in range(draws)]
    return out


def readings(obj):
    """What a claim says, without its numbers: booleans, categories, names and sizes (floats dropped)."""
    if isinstance(obj, dict):
        return {k: readings(v) for k, v in obj.items() if not isinstance(v, float)}
    if isinstance(obj, list):
        return [readings(v) for v in obj if not isinstance(v, float)]
    return obj


def recorded(name: str, what: str) -> dict:
    return json.loads((DATA / name / f"{what}.json").read_text())


@pytest.mark.parametrize("name", RECORDINGS)
def test_problem_1s_readings_survive_the_load(name):
    compare = recorded(name, "q1_compare")
    base = readings(q1_claims(compare))
    for factors in patterns(len(compare["rows"])):
        loaded = copy.deepcopy(compare)
        for row, f in zip(loaded["rows"], factors, strict=True):  # the three models side by side at one n
            for key in ("loop", "wavefront", "conv"):
                row[f"time_{key}_s"] *= f
        assert readings(q1_claims(loaded)) == base, factors


@pytest.mark.parametrize("name", RECORDINGS)
def test_problem_2s_readings_survive_the_load(name):
    bench, derive = recorded(name, "q2_bench"), recorded(name, "q2_derive")
    base = q2_claims(bench, derive)
    moved = []
    for factors in patterns(len(bench["rows"])):
        loaded = copy.deepcopy(bench)
        for row, f in zip(loaded["rows"], factors, strict=True):  # every method side by side at one T
            row["time_s"] = {k: t * f for k, t in row["time_s"].items()}
        loaded["slopes"] = fit_slopes(loaded["rows"], list(bench["rows"][0]["time_s"]), bench["fit_min_T"])[0]
        claims = q2_claims(loaded, derive)
        assert readings(claims) == readings(base), factors
        moved.append(abs(claims["slopes"]["full"]["time"] - base["slopes"]["full"]["time"]))
    # not vacuous: the load moves each time's own slope (which chooses no sentence) by a quarter of a power
    assert max(moved) > 0.25


@pytest.mark.parametrize("name", RECORDINGS)
def test_problem_3s_readings_survive_the_load(name):
    timing = recorded(name, "q3_timing")
    base = q3_claims(timing)
    n = len(timing["rows"])
    full, sampled = patterns(n, seed=1), patterns(n, seed=2)
    moved = []
    for ff, fs in [(a, b) for a in full[:6] for b in sampled[:6]] + list(zip(full[6:], sampled[6:], strict=True)):
        loaded = copy.deepcopy(timing)
        for row, a, b in zip(loaded["rows"], ff, fs, strict=True):  # full and sampled timed one after the other
            row["time_full_s"] *= a
            row["time_sampled_s"] *= b
        loaded.update(q3_slopes(loaded["rows"]))
        claims = q3_claims(loaded)
        assert readings(claims) == readings(base), (ff, fs)
        moved.append(abs(loaded["slope_full"] - timing["slope_full"]))
    assert max(moved) > 0.05


def test_the_readings_are_the_ones_the_recorded_timings_show():
    """What the recorded quiet run reads, so that a change of the claims shows here and not only as 'unchanged'."""
    q2 = q2_claims(recorded("quiet", "q2_bench"), recorded("quiet", "q2_derive"))
    assert q2["time_slopes_as_expected"] and q2["sdpa_memory_not_time"] and q2["full_pays_for_its_matrices"]
    assert [c["category"] for c in q2["crossovers"]] == ["from", "always", "from"]
    q3 = q3_claims(recorded("quiet", "q3_timing"))
    assert q3["sampled_flat"] and q3["full_regimes"]["jump"] and q3["full_regimes"]["fitted_above"]
    assert (q3["full_regimes"]["steepest"]["d_from"], q3["full_regimes"]["steepest"]["d_to"]) == (10000, 30000)
    assert q1_claims(recorded("quiet", "q1_compare"))["conv_faster_at_last"]
    timing = recorded("quiet", "q3_timing")
    assert loglog_slope([r["d"] for r in timing["rows"]], [r["time_full_s"] for r in timing["rows"]]) == pytest.approx(
        timing["slope_full"]
    )


def test_the_quiet_and_the_loaded_recordings_read_the_same():
    """The goal itself: the same sentences from the timings of a quiet run and of one beside two busy processes."""
    quiet, loaded = (
        {what: recorded(name, what) for what in ("q1_compare", "q2_bench", "q2_derive", "q3_timing")}
        for name in ("quiet", "loaded")
    )
    assert readings(q1_claims(quiet["q1_compare"])) == readings(q1_claims(loaded["q1_compare"]))
    assert readings(q2_claims(quiet["q2_bench"], quiet["q2_derive"])) == readings(
        q2_claims(loaded["q2_bench"], loaded["q2_derive"])
    )
    assert readings(q3_claims(quiet["q3_timing"])) == readings(q3_claims(loaded["q3_timing"]))
