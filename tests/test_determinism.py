"""The same config and seed give the same results files on CPU: the session's build of the small config
(conftest.small_build) and a second build of it in a fresh copy of the project, every results file compared with
its timings left out (the measurements each results file has are declared in hw4.versions.results.MEASURED)."""

import json

import pytest
from conftest import build_small

from hw4.versions.diff import flatten, is_timing

pytestmark = pytest.mark.e2e


def without_timings(path):
    return {k: v for k, v in flatten(json.loads(path.read_text())).items() if not is_timing(path.name, k)}


def test_two_clean_builds_give_identical_results(small_build, tmp_path):
    a, b = small_build, build_small(tmp_path / "second")
    files = sorted(p.name for p in (a / "build" / "results").glob("*.json"))
    assert {"q1_derive.json", "q2_derive.json", "q3_derive.json", "q4_train.json", "q4_eval.json"} <= set(files), files
    assert files == sorted(p.name for p in (b / "build" / "results").glob("*.json"))
    compared = 0
    for name in (n for n in files if n != "provenance.json"):  # not the build's own record (paths, wall times)
        ra, rb = without_timings(a / "build/results" / name), without_timings(b / "build/results" / name)
        assert ra.keys() == rb.keys(), name
        diff = {k: (ra[k], rb[k]) for k in ra if ra[k] != rb[k]}
        assert not diff, f"{name}: {dict(list(diff.items())[:5])}"
        compared += len(ra)
    assert compared > 500  # the comparison really covered the results, not just a few keys
