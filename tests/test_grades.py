"""Who is graded (the folder against the roster), the answer forms of Problems 1-3 and their checks against the
answer key, the grades table and the feedback (hw4/grades.py). The graded runs themselves: test_grading_e2e.py."""

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
    match_roster,
    read_answers,
    read_key,
    theory_records,
)
from hw4.io import replaced_dir

PARTS = {int(p["part"].split(".")[1]): p["points"] for p in default_marking()["problems"]["q4"]["parts"]}
# An answer-key row as build/variants/answer_key.csv holds it (strings); the counts are made up, only checked.
ROW = {
    "id": "ab123", "q1_n": "5", "q1_c": "3", "q1_h": "4", "q1_params": "44", "q1_ops": "2700",
    "q2_T": "96", "q2_d": "16", "q2_w": "8", "q2_m": "12", "q2_ops_full": "589824", "q2_ops_window": "49152",
    "q2_ops_linear": "16384", "q2_ops_performer": "36864", "q3_d": "5000", "q3_h": "50", "q3_k": "7",
    "q3_ops_full": "750150", "q3_ops_sampled": "1200",
}  # fmt: skip
ANSWERED = [f.key for f in FIELDS if f.key not in ("q2_ops_linear", "q2_ops_performer")]  # a window student
RIGHT = {k: ROW[k] for k in ANSWERED}


def filled(tmp_path, values: dict, sid: str = "ab123"):
    """The form of ``sid`` with ``values`` written after their keys, as a student fills it."""
    text = answer_form({**ROW, "id": sid})
    for key, value in values.items():
        text = text.replace(f"\n{key}:", f"\n{key}: {value}", 1)
    path = tmp_path / f"{sid}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_form_names_the_variant_and_its_sizes_and_reads_back_blank(tmp_path):
    text = answer_form(ROW)
    assert "ab123.yaml" in text and "(n, c, h) = (5, 3, 4)" in text and "(T, d, w, m) = (96, 16, 8, 12)" in text
    assert "(d, h, k) = (5000, 50, 7)" in text
    assert yaml.safe_load(text) == {"id": "ab123", **{f.key: None for f in FIELDS}}
    assert "44" not in text and "589824" not in text  # a form never carries an answer
    assert set(check_answers(read_answers(filled(tmp_path, {}), "ab123"), ROW).values()) == {"blank"}


def test_each_number_is_checked_against_the_variants_row(tmp_path):
    got = check_answers(read_answers(filled(tmp_path, RIGHT), "ab123"), ROW)
    assert list(got) == ANSWERED and set(got.values()) == {"matches"}  # the methods left blank are not checked
    values = {**RIGHT, "q1_params": "45", "q1_ops": "2.7e3", "q3_ops_full": "750,150", "q2_ops_full": "589 824",
              "q3_ops_sampled": "", "q2_ops_linear": "16384.5", "q2_ops_window": "about 5e4"}  # fmt: skip
    got = check_answers(read_answers(filled(tmp_path, values), "ab123"), ROW)
    assert got["q1_params"] == "differs" and got["q1_ops"] == "matches"  # 2.7e3 is the whole number 2700
    assert got["q3_ops_full"] == got["q2_ops_full"] == "matches"  # grouped as people and the PDF write numbers
    assert got["q3_ops_sampled"] == "blank" and "q2_ops_performer" not in got
    assert got["q2_ops_linear"] == got["q2_ops_window"] == "not a whole number"


def test_yaml_guesses_do_not_change_a_count(tmp_path):
    """YAML 1.1 reads 044 as octal (36) and 1:20 as base 60 (80); the form reads what was written. Groups are of
    three digits (1,5 is no number), an exponent keeps every digit, and YAML's spellings of nothing are blank."""
    row = {**ROW, "q1_params": "44", "q1_ops": "120", "q2_ops_full": "123456789012345678", "q3_ops_full": "15"}
    values = {"q1_params": "044", "q1_ops": "1:20", "q2_ops_full": "1.23456789012345678e17", "q3_ops_full": "1,5",
              "q3_ops_sampled": "~", "q2_ops_linear": "null", "q2_ops_window": "[1, 2]"}  # fmt: skip
    got = check_answers(read_answers(filled(tmp_path, values), "ab123"), row)
    assert got["q1_params"] == "matches" and got["q1_ops"] == "not a whole number"
    assert got["q2_ops_full"] == "matches" and got["q3_ops_full"] == "not a whole number"
    assert got["q3_ops_sampled"] == "blank" and "q2_ops_linear" not in got
    assert got["q2_ops_window"] == "not a whole number"
    assert check_answers({"q1_params": "1e999999999"}, ROW)["q1_params"] == "differs"  # compared, never spelled out


@pytest.mark.parametrize(
    "text, reason",
    [
        ("q1_params: [1, 2\n", "not the answer form \\(.*"),
        ("- 44\n- 2700\n", "not the answer form \\(no 'key: value' lines\\)"),
        ("id: ab123\nq1_parms: 44\n", "unknown keys \\['q1_parms'\\]"),
        ("id: ab123\nq1_params: 44\nq1_params: 45\n", "not the answer form \\(keys given twice: \\['q1_params'\\]\\)"),
        ("id: cd456\nq1_params: 44\n", "the form of cd456, not of ab123"),
        ("q1_params: 44\n", "no 'id:' line"),  # a classmate's form with its id deleted is not a form
        # aliases nest exponentially
        ("id: ab123\nx: &a [1, 2]\nq1_ops: [*a, *a]\n", "not the answer form \\(an alias"),
    ],
)
def test_a_file_that_is_not_the_form_is_named_with_the_fix(tmp_path, text, reason):
    form = tmp_path / "ab123.yaml"
    form.write_text(text)
    with pytest.raises(GradesError, match=f"ab123.yaml: {reason}.*Fix"):
        read_answers(form, "ab123")


def test_notebooks_and_forms_are_listed_by_student_id_and_bad_folders_are_refused(tmp_path):
    for name in ("ab123.ipynb", "ab123.yaml", "cd456.txt", "jane.doe.ipynb", "ef789.yml", ".hidden"):
        (tmp_path / name).write_text("x")
    notebooks, answers = list_submissions(tmp_path)
    assert list(notebooks) == ["ab123", "cd456", "jane.doe"] and list(answers) == ["ab123", "ef789"]
    (tmp_path / "AB123.py").write_text("x")  # ids compare ignoring case: a second notebook of ab123
    with pytest.raises(GradesError, match="two files for AB123"):
        list_submissions(tmp_path)
    (tmp_path / "AB123.py").unlink()
    (tmp_path / "CD456.yaml").write_text("x")  # one student (cd456.txt's): one spelling, the first in file order
    notebooks, answers = list_submissions(tmp_path)
    assert list(notebooks) == ["ab123", "CD456", "jane.doe"] and list(answers) == ["CD456", "ab123", "ef789"]
    with pytest.raises(GradesError, match="no such folder"):
        list_submissions(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(GradesError, match="no submissions"):
        list_submissions(tmp_path / "empty")


def test_the_roster_decides_who_is_graded_ignoring_case():
    notebooks, answers = {"AB123": "AB123.ipynb", "zz999": "zz999.ipynb"}, {"ab123": "ab123.yaml"}
    assert match_roster(notebooks, answers, None)[2] == {"AB123": "", "ab123": "", "zz999": ""}
    notebooks, answers, status = match_roster(notebooks, answers, ["ab123", "cd456"])
    assert notebooks == {"ab123": "AB123.ipynb", "zz999": "zz999.ipynb"} and answers == {"ab123": "ab123.yaml"}
    assert status["ab123"] == "" and status["cd456"] == "nothing handed in"
    assert status["zz999"].startswith("not on the roster") and "Fix" in status["zz999"]
    with pytest.raises(GradesError, match="none of the 1 students in the folder \\(zz999\\) is on the roster.*Fix"):
        match_roster({"zz999": "zz999.ipynb"}, {}, ["ab123", "cd456"])


def test_a_missing_answer_key_is_refused_with_the_fix(tmp_path):
    with pytest.raises(GradesError, match="no answer key.*Fix: run `snakemake variants`"):
        read_key(tmp_path / "answer_key.csv")


def test_rows_and_feedback_carry_the_checks_without_the_key(tmp_path):
    form = filled(tmp_path, {**RIGHT, "q1_ops": "2701"})
    status = {"ab123": "", "cd456": "nothing handed in", "ef789": ""}
    theory = theory_records(status, {"ab123": str(form), "ef789": str(form)}, {"AB123": ROW})  # any case
    assert theory["cd456"] == {"checks": {}, "reason": "nothing handed in"}
    assert "ef789 has no variant in the answer key. Fix:" in theory["ef789"]["reason"]
    rec = {"status": "graded", "reason": "", "points": dict.fromkeys(PARTS, 0.25), "feedback": []}
    rows = {r["id"]: r for r in grades_table(status, {"ab123": rec}, theory, PARTS)}
    a = rows["ab123"]
    assert a["total"] == 4 - 0.75 and a["numbers_matching"] == 5 and a["numbers_checked"] == 6
    assert a["check_q1_ops"] == "differs" and a["check_q1_params"] == "matches" and a["check_q2_ops_linear"] == ""
    c = rows["cd456"]
    assert c["status"] == "not graded" and c["total"] == 0 and c["numbers_reason"] == "nothing handed in"
    full = {"status": "graded", "reason": "", "points": PARTS, "feedback": []}
    assert "4 of 4 points\n\nEvery item passed its tests." in feedback_text("x", "", full, None, PARTS)
    text = feedback_text("ab123", "", rec, theory["ab123"], PARTS)
    assert "- 1b, q1_ops (arithmetic operations" in text and ": differs" in text and "5 of 6 match the key." in text
    assert "2700" not in text and "2701" not in text  # neither the key's count nor the student's is repeated
    assert "Not checked: nothing handed in" in feedback_text("cd456", "nothing handed in", None, theory["cd456"], PARTS)
    other = feedback_text("ef789", "", None, theory["ef789"], PARTS)
    assert "Not checked: ef789 has no variant in the answer key" in other and "Fix" not in other  # the instructor's


def test_a_replaced_folder_is_whole_or_untouched(tmp_path):
    folder = tmp_path / "feedback"
    with replaced_dir(folder) as new:
        (new / "a.md").write_text("first")
    assert [p.name for p in folder.iterdir()] == ["a.md"]
    with pytest.raises(RuntimeError), replaced_dir(folder) as new:
        (new / "b.md").write_text("half")
        raise RuntimeError("a failure halfway")
    assert [p.name for p in folder.iterdir()] == ["a.md"] and sorted(p.name for p in tmp_path.iterdir()) == ["feedback"]
    with replaced_dir(folder) as new:
        (new / "b.md").write_text("second")
    assert [p.name for p in folder.iterdir()] == ["b.md"] and sorted(p.name for p in tmp_path.iterdir()) == ["feedback"]
