"""Who is graded, the answer forms of Problems 1-3 and their checks against the answer key, the grades table and
the feedback (hw4/grades.py). The graded runs themselves: test_grading_e2e.py."""

import pytest
import yaml
from conftest import default_marking

from hw4.grades import (
    FIELDS,
    GradesError,
    answer_form,
    check_answers,
    feedback_text,
    grades_table,
    list_submissions,
    read_answers,
    theory_records,
    who_is_graded,
)

PARTS = {int(p["part"].split(".")[1]): p["points"] for p in default_marking()["problems"]["q4"]["parts"]}
# An answer-key row as build/variants/answer_key.csv holds it (strings); the counts are made up, only checked.
ROW = {
    "id": "ab123", "q1_n": "5", "q1_c": "3", "q1_h": "4", "q1_params": "44", "q1_ops": "2700",
    "q2_T": "96", "q2_d": "16", "q2_w": "8", "q2_m": "12", "q2_ops_full": "589824", "q2_ops_window": "49152",
    "q2_ops_linear": "16384", "q2_ops_performer": "36864", "q3_d": "5000", "q3_h": "50", "q3_k": "7",
    "q3_ops_full": "750150", "q3_ops_sampled": "1200",
}  # fmt: skip
RIGHT = {f.key: int(ROW[f.key]) for f in FIELDS if f.key != "q2_ops_linear" and f.key != "q2_ops_performer"}


def test_the_form_names_the_variant_and_its_sizes_and_reads_back_blank():
    text = answer_form(ROW)
    assert "ab123.yaml" in text and "(n, c, h) = (5, 3, 4)" in text and "(T, d, w, m) = (96, 16, 8, 12)" in text
    assert "(d, h, k) = (5000, 50, 7)" in text
    blank = yaml.safe_load(text)
    assert blank == {f.key: None for f in FIELDS}
    for value in ("44", "589824"):
        assert value not in text  # a form never carries an answer


def test_each_number_is_checked_against_the_variants_row(tmp_path):
    assert set(check_answers(RIGHT, ROW).values()) == {"right"}
    assert list(check_answers(RIGHT, ROW)) == [f.key for f in FIELDS if f.key in RIGHT]  # methods left blank: skipped
    got = check_answers({**RIGHT, "q1_params": 45, "q1_ops": 2700.0, "q3_ops_full": "750150", "q3_ops_sampled": None,
                         "q2_ops_linear": True}, ROW)  # fmt: skip
    assert got["q1_params"] == "wrong" and got["q1_ops"] == "right"  # a float equal to the count is the count
    assert got["q3_ops_full"] == "not a number" and got["q3_ops_sampled"] == "blank"
    assert got["q2_ops_linear"] == "not a number" and "q2_ops_performer" not in got
    form = tmp_path / "ab123.yaml"
    form.write_text(answer_form(ROW).replace("q1_params:", "q1_params: 44").replace("q1_ops:", "q1_ops: 2_700"))
    got = check_answers(read_answers(form), ROW)
    assert got["q1_params"] == got["q1_ops"] == "right" and got["q2_ops_full"] == "blank"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("q1_params: [1, 2\n", "not a YAML file"),
        ("- 44\n- 2700\n", "not the answer form"),
        ("q1_parms: 44\n", "unknown keys \\['q1_parms'\\]"),
    ],
)
def test_a_file_that_is_not_the_form_is_named_with_the_fix(tmp_path, text, reason):
    form = tmp_path / "ab123.yaml"
    form.write_text(text)
    with pytest.raises(GradesError, match=f"ab123.yaml: {reason}.*Fix"):
        read_answers(form)


def test_notebooks_and_forms_are_listed_by_student_id_and_bad_folders_are_refused(tmp_path):
    for name in ("ab123.ipynb", "ab123.yaml", "cd456.txt", "jane.doe.ipynb", "ef789.yml", ".hidden"):
        (tmp_path / name).write_text("x")
    notebooks, answers = list_submissions(tmp_path)
    assert list(notebooks) == ["ab123", "cd456", "jane.doe"] and list(answers) == ["ab123", "ef789"]
    (tmp_path / "ab123.py").write_text("x")
    with pytest.raises(GradesError, match="two files for ab123"):
        list_submissions(tmp_path)
    with pytest.raises(GradesError, match="no such folder"):
        list_submissions(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(GradesError, match="no submissions"):
        list_submissions(tmp_path / "empty")


def test_the_roster_decides_who_is_graded():
    notebooks, answers = {"ab123": "ab123.ipynb", "zz999": "zz999.ipynb"}, {"ab123": "ab123.yaml"}
    assert who_is_graded(notebooks, answers, None) == {"ab123": "", "zz999": ""}
    status = who_is_graded(notebooks, answers, ["ab123", "cd456"])
    assert status["ab123"] == "" and status["cd456"] == "nothing handed in"
    assert status["zz999"].startswith("not on the roster") and "Fix" in status["zz999"]


def test_rows_and_feedback_carry_the_checks_without_the_answers(tmp_path):
    form = tmp_path / "ab123.yaml"
    form.write_text(yaml.safe_dump({**RIGHT, "q1_ops": 2701}))
    status = {"ab123": "", "cd456": "nothing handed in", "ef789": ""}
    theory = theory_records(status, {"ab123": str(form), "ef789": str(form)}, {"ab123": ROW})
    assert theory["cd456"] == {"checks": {}, "reason": "nothing handed in"}
    assert "no variant in the answer key" in theory["ef789"]["reason"]
    rec = {"status": "graded", "reason": "", "points": dict.fromkeys(PARTS, 0.25), "feedback": []}
    rows = {r["id"]: r for r in grades_table(status, {"ab123": rec}, theory, PARTS)}
    a = rows["ab123"]
    assert a["total"] == 4 - 0.75 and a["numbers_right"] == 5 and a["numbers_checked"] == 6
    assert a["q1_ops"] == "wrong" and a["q1_params"] == "right" and a["q2_ops_linear"] == ""
    c = rows["cd456"]
    assert c["status"] == "not graded" and c["total"] == 0 and c["numbers_reason"] == "nothing handed in"
    text = feedback_text("ab123", "", rec, theory["ab123"], PARTS)
    assert "- 1b, q1_ops (arithmetic operations" in text and ": wrong" in text and "5 of 6 right." in text
    assert "2700" not in text and "2701" not in text  # neither the key's count nor the student's is repeated
    assert "Not checked: nothing handed in" in feedback_text("cd456", "nothing handed in", None, theory["cd456"], PARTS)
