"""The points of each sub-part: the homework's per problem, split by the config, refused when they do not add up."""

import pytest
from conftest import ROOT, default_marking, run_snakemake

from hw4.marking import HOMEWORK_POINTS, MarkingError, label, points_table, points_text


def test_the_default_split_adds_up_to_the_homeworks_points():
    mk = default_marking()
    assert {q: p["points"] for q, p in mk["problems"].items()} == {"q1": 3, "q2": 1, "q3": 2, "q4": 4}
    assert mk["total"] == 10 and mk["total_text"] == "10 points"
    for q, p in mk["problems"].items():
        assert sum(part["points"] for part in p["parts"]) == HOMEWORK_POINTS[q]
    assert [p["label"] for p in mk["problems"]["q1"]["parts"]] == ["1a", "1b", "1c"]
    assert [p["label"] for p in mk["problems"]["q4"]["parts"]] == [f"4.{k}" for k in range(1, 14)]
    assert not mk["problems"]["q2"]["has_parts"] and mk["problems"]["q3"]["has_parts"]


def test_the_homeworks_points_are_the_statements():
    """HOMEWORK_POINTS is what each problem's heading prints, as the homework gives it."""
    for q, points in HOMEWORK_POINTS.items():
        text = (ROOT / f"report/{q}_statement.tex.j2").read_text()
        assert f"({points} points)" in text, q


@pytest.mark.parametrize(
    ("value", "text", "part", "lab"),
    [(1, "1 point", "q2", "2"), (0.25, "0.25 points", "q4.7", "4.7"), (2.0, "2 points", "q1.a", "1a")],
)
def test_points_and_labels_read_as_the_documents_print_them(value, text, part, lab):
    assert points_text(value) == text and label(part) == lab


def test_a_split_that_does_not_add_up_names_the_problem_and_the_fix():
    points = {p["part"]: p["points"] for p in default_marking()["parts"].values()}
    with pytest.raises(MarkingError, match=r"Problem 1 \(q1.a, q1.b, q1.c\) add up to 4, but the homework gives it 3"):
        points_table({**points, "q1.a": 2})
    with pytest.raises(MarkingError, match=r"unknown sub-parts \['q5'\]"):
        points_table({**points, "q5": 1})
    with pytest.raises(MarkingError, match=r"no points for \['q3.b'\]"):
        points_table({k: v for k, v in points.items() if k != "q3.b"})


@pytest.mark.e2e
def test_the_workflow_refuses_a_bad_split_before_any_job(built_project):
    proc = run_snakemake(built_project, "-n", config=("marking={points: {q3.a: 1.5}}",), check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "marking.points" in out and "Problem 3" in out and "add up to 2.5" in out, out
