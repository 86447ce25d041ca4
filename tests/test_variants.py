"""Per-student variants: rosters, seeded draws without degenerate or repeated numbers, and (end to end) the
handouts, solutions and answer key that `snakemake variants` writes from the default build."""

import csv
import json
import re
import shutil
from itertools import combinations
from pathlib import Path

import pytest
import yaml
from conftest import pdf_text, rules_in, run_snakemake

from hw4.grades import check_answers
from hw4.variants import PARAMS, VariantError, draw, read_roster, variant_config, variant_ids

RANGES = {
    "q1": {"n": [3, 12], "c": [1, 4], "h": [2, 16]},
    "q2": {"T": [8, 24], "d": [2, 8], "w": [1, 6], "m": [2, 12]},
    "q3": {"d": [5, 60], "h": [2, 10], "k": [1, 20]},
}


# ------------------------------------------------------------------------------------------------ rosters
def test_roster_ids_in_order_from_the_id_column(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,NetID\nAda,ab123\n\nAlan,at42\n")
    assert read_roster(path) == ["ab123", "at42"]  # the netid column, a blank line skipped
    assert variant_ids({"roster": str(path), "n": 5}) == ["ab123", "at42"]
    assert variant_ids({"roster": None, "n": 3}) == ["v001", "v002", "v003"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("id\nab123\ncd456\nab123\n", "roster.csv, row 4 (column 'id'): student id 'ab123' repeats row 2"),
        ("id,name\nab123,Ada\n,Alan\n", "roster.csv, row 3 (column 'id'): empty student id"),
        ("id\nab123\n../etc\n", "roster.csv, row 3 (column 'id'): student id '../etc' cannot name a folder"),
        ("id\n", "the roster has a header but no student ids"),
        ("ab123\ncd456\n", "roster.csv, row 1: no id column among ['ab123']. Fix: a header row first"),
        ("Name,Surname\nAda,L\n", "roster.csv, row 1: no id column among ['Name', 'Surname']"),
        ("Student ID\nab1\nAB1\n", "roster.csv, row 3 (column 'Student ID'): student id 'AB1' repeats row 2"),
    ],
)
def test_a_bad_roster_is_refused_naming_the_row(tmp_path, text, message):
    (tmp_path / "roster.csv").write_text(text)
    with pytest.raises(VariantError, match=re.escape(message)) as err:
        read_roster(tmp_path / "roster.csv")
    assert "Fix:" in str(err.value)


def test_a_missing_or_unreadable_roster_says_what_to_give(tmp_path):
    with pytest.raises(VariantError, match="roster not found. Fix: give the path of a CSV file"):
        read_roster(tmp_path / "nope.csv")
    (tmp_path / "latin1.csv").write_bytes("id\nJos\xe9\n".encode("latin-1"))
    with pytest.raises(VariantError, match=r"latin1.csv: not UTF-8 text .* Fix: save it as UTF-8 CSV"):
        read_roster(tmp_path / "latin1.csv")


# ------------------------------------------------------------------------------------------------ draws
def test_the_same_ids_and_seed_give_the_same_variants_and_another_seed_others():
    ids = variant_ids({"n": 30})
    a, b, c = draw(ids, 2021, RANGES), draw(ids, 2021, RANGES), draw(ids, 2022, RANGES)
    assert a == b and a != c
    assert draw(ids[:10], 2021, RANGES) == {k: a[k] for k in ids[:10]}  # a variant does not depend on later ones


def test_every_two_variants_differ_in_every_problem_and_no_draw_is_degenerate():
    table = draw(variant_ids({"n": 200}), 7, RANGES)
    for problem, names in PARAMS.items():
        tuples = [tuple(v[problem][n] for n in names) for v in table.values()]
        assert len(set(tuples)) == len(tuples), problem
        for name, values in zip(names, zip(*tuples, strict=True), strict=True):  # every draw within its range
            assert RANGES[problem][name][0] <= min(values) and max(values) <= RANGES[problem][name][1], name
    for v in table.values():
        assert v["q1"]["h"] >= 2 and v["q2"]["w"] < v["q2"]["T"] and v["q3"]["k"] < v["q3"]["d"]


@pytest.mark.parametrize(
    "problem, ranges, message",
    [
        ("q2", {"w": [8, 10]}, r"q2.variant_ranges: w must stay below T .* Fix: lower"),
        ("q1", {"c": [4, 1]}, r"q1.variant_ranges.c = \[4, 1\]: the minimum exceeds the maximum"),
        # two distinct (n, c, h) for three variants
        ("q1", {"n": [3, 3], "c": [1, 1], "h": [2, 3]}, r"q1.variant_ranges admit too few distinct .* Fix: widen"),
    ],
)
def test_ranges_that_admit_only_degenerate_or_too_few_draws_are_refused(problem, ranges, message):
    with pytest.raises(VariantError, match=message):
        draw(["a", "b", "c"], 1, {**RANGES, problem: {**RANGES[problem], **ranges}}, attempts=200)


def test_variant_config_replaces_only_the_evaluated_instances():
    config = {"q1": {"instances": [{"n": 4, "c": 3, "h": 8}], "x": 1}, "q2": {"count_instances": []},
              "q3": {"count_instances": []}, "seed": 0}  # fmt: skip
    params = {"q1": {"n": 5, "c": 2, "h": 7}, "q2": {"T": 9, "d": 3, "w": 2, "m": 4}, "q3": {"d": 9, "h": 4, "k": 3}}
    out = variant_config(config, "ab123", 2021, params)
    assert out["q1"] == {"instances": [{"n": 5, "c": 2, "h": 7}], "x": 1} and out["variant"]["id"] == "ab123"
    assert out["q3"]["count_instances"] == [{"d": 9, "h": 4, "k": 3}] and config["q1"]["instances"][0]["n"] == 4


# ------------------------------------------------------------------------------------------------ end to end
def _number(x: int) -> str:
    """An integer as the PDF prints it (thin-space groups read back by pdftotext as spaces)."""
    return f"{x:,}".replace(",", " ")


def _flat(pdf: Path) -> str:
    return " ".join(pdf_text(pdf, layout=True).split())


@pytest.mark.e2e
def test_variants_documents_answer_key_and_reproducibility(built_project, tmp_path):
    out = run_snakemake(built_project, "variants", config=("variants={n: 2, seed: 11}",))
    # the default build's rules for the variant's numbers, under its folder; no measurement reruns
    per_variant = {f"q{n}_{step}" for n in (1, 2, 3) for step in ("derive", "verify", "check")} - {"q3_verify"}
    assert rules_in(out) == per_variant | {"document", "answer_key", "variants"}
    folder = built_project / "build/variants"
    with (folder / "answer_key.csv").open() as fh:
        key = list(csv.DictReader(fh))
    assert [r["id"] for r in key] == ["v001", "v002"]

    texts = {}
    for row in key:
        r = {k: (int(v) if k != "id" else v) for k, v in row.items()}
        text, texts[r["id"]] = (_flat(folder / r["id"] / f"hw4_{name}.pdf") for name in ("solutions", "problems"))
        q1 = f"({r['q1_n']}, {r['q1_c']}, {r['q1_h']})"
        nch, dhk = f"(n, c, h) = {q1}", f"(d, h, k) = ({r['q3_d']}, {r['q3_h']}, {r['q3_k']})"
        tdwm = f"(T, d, w, m) = ({r['q2_T']}, {r['q2_d']}, {r['q2_w']}, {r['q2_m']})"
        # the handout and the solutions name the variant and its numbers in the "This variant" lines
        for line in (f"Variant {r['id']}", f"{nch}.", f"{tdwm}.", f"{dhk}."):
            assert line in text and line in texts[r["id"]], line
        # the answer key equals what the solutions print: Q1's boxes, the counts "at the numbers asked for" of Q2, Q3
        assert f"P = {_number(r['q1_params'])} for {nch}" in text and f"{_number(r['q1_ops'])} for {q1}" in text
        labels = {"full": "full", "window": "window", "linear": "linear", "performer": "Performer"}
        counts = ", ".join(f"{label} {_number(r[f'q2_ops_{method}'])}" for method, label in labels.items())
        assert f"{tdwm}: {counts}." in text
        assert f"{dhk}: {_number(r['q3_ops_full'])} and {_number(r['q3_ops_sampled'])}." in text
        # the handout asks for the answer form; the form names the variant's sizes and keys the key's columns
        assert f"the answer form {r['id']}.yaml" in texts[r["id"]]
        form = (folder / "answer_forms" / f"{r['id']}.yaml").read_text()
        assert f"{nch};" in form and dhk in form and yaml.safe_load(form)["id"] == r["id"]
        filled = {k: r[k] for k in yaml.safe_load(form) if k != "id"}
        assert set(check_answers(filled, row).values()) == {"matches"}
    # two variants differ in every problem's numbers
    for a, b in combinations(key, 2):
        for problem, names in PARAMS.items():
            assert any(a[f"{problem}_{n}"] != b[f"{problem}_{n}"] for n in names), (problem, a["id"], b["id"])
    assert len(set(texts.values())) == 2

    # the same seed gives byte-identical PDFs: v002 made again from nothing (its results, then its documents),
    # and the answer key made again from the results
    first = tmp_path / "first"
    shutil.copytree(folder / "v002", first / "v002")
    for name in ("answer_key.pdf", "answer_key.csv"):
        shutil.copy(folder / name, first / name)
    shutil.rmtree(folder / "v002")
    again = run_snakemake(built_project, "variants", config=("variants={n: 2, seed: 11}",))
    assert "answer_key" in rules_in(again)
    made = sorted(p for p in first.rglob("*") if p.suffix in (".pdf", ".csv"))
    assert len(made) == 4
    for path in made:
        assert path.read_bytes() == (folder / path.relative_to(first)).read_bytes(), path

    # a roster: its ids name the variants; one with a repeated id is refused, naming the row
    roster = tmp_path / "roster.csv"
    roster.write_text("netid,name\nab123,Ada\nat42,Alan\nab123,Ada again\n")
    bad = run_snakemake(built_project, "variants", config=(f"variants={{roster: {roster}}}",), check=False)
    assert bad.returncode != 0
    assert "roster.csv, row 4 (column 'netid'): student id 'ab123' repeats row 2" in bad.stdout + bad.stderr


def test_variant_settings_shape_no_part_of_the_default_build():
    """Editing the ranges or asking for variants changes neither the config hash nor the config the default
    documents are rendered with: nothing of the default build reruns."""
    from hw4.versions.git import build_config, config_hash

    config = {"q1": {"instances": [{"n": 4, "c": 3, "h": 8}], "variant_ranges": RANGES["q1"]}, "seed": 0,
              "variants": {"n": 30, "seed": 2021, "roster": None}}  # fmt: skip
    other = json.loads(json.dumps(config))
    other["q1"]["variant_ranges"]["n"] = [5, 9]
    other["variants"] = {"n": 100, "seed": 1, "roster": "r.csv"}
    assert config_hash(config) == config_hash(other) and build_config(config) == build_config(other)
    assert "variant_ranges" not in build_config(config)["q1"]
    other["q1"]["instances"][0]["h"] = 9
    assert config_hash(config) != config_hash(other)
