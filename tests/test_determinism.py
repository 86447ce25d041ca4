"""The same config and seed give the same results files on CPU: a small config of the whole DAG is built
twice, in two fresh copies of the project, and every results file is compared with its timings left out
(a timing, memory or machine field is named so: see hw4.versions.diff.is_timing)."""

import json

import pytest
from conftest import copy_project, run_snakemake
from test_q4_dag import write_tiny_slice

from hw4.versions.diff import flatten, is_timing

pytestmark = pytest.mark.e2e

SMALL = """
q1:
  instances: [{n: 3, c: 2, h: 4}, {n: 5, c: 3, h: 6}]
  compare: {n_values: [4, 8, 16], h: 8, repeats: 1, batch: 2}
q2:
  bench: {T_values: [64, 128, 256], full_max_T: 256, fit_min_T: 64, repeats: 1}
  retrieval: {T: 256, distances: [1, 16, 64, 65, 128], trials: 1}
q3:
  verify: {instances: [{d: 10, h: 4}, {d: 200, h: 16}], pairs: 2}
  estimators: {d: 500, h: 8, k_values: [1, 10, 100], replicates: 50, chunk: 50}
  timing: {d_values: [100, 1000, 10000], repeats: 1}
q4:
  profile: determinism-test
  data: {source: local, path: data/q4_tiny.csv}
  train: {max_len: 32, batch_size: 8, epochs: 1, device: cpu}
"""


def build(tmp_path, name):
    work = copy_project(tmp_path / name)
    write_tiny_slice(work / "data" / "q4_tiny.csv")
    (work / "config" / "small.yaml").write_text(SMALL)
    run_snakemake(work, "--configfile", "config/small.yaml", "--directory", str(work))
    return work


def without_timings(path):
    return {k: v for k, v in flatten(json.loads(path.read_text())).items() if not is_timing(k)}


def test_two_clean_builds_give_identical_results(tmp_path):
    a, b = build(tmp_path, "first"), build(tmp_path, "second")
    files = sorted(p.name for p in (a / "build" / "results").glob("*.json"))
    assert {"q1.json", "q2.json", "q3.json", "q4_train.json", "q4_eval.json"} <= set(files), files
    assert files == sorted(p.name for p in (b / "build" / "results").glob("*.json"))
    compared = 0
    for name in files:
        if name == "provenance.json":  # the build's own record: paths, wall times, dirty flag
            continue
        ra, rb = without_timings(a / "build/results" / name), without_timings(b / "build/results" / name)
        assert ra.keys() == rb.keys(), name
        diff = {k: (ra[k], rb[k]) for k in ra if ra[k] != rb[k]}
        assert not diff, f"{name}: {dict(list(diff.items())[:5])}"
        compared += len(ra)
    assert compared > 500  # the comparison really covered the results, not just a few keys
