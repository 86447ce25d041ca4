"""The grades of what students hand in: who is graded (the folder against the roster), the numbers of Problems 1-3
checked against each student's variant, and one row and one feedback file per student.

A variant's handout asks for numbers at its own sizes (Q1 a and b at its (n, c, h), Q2 at its (T, d, w, m), Q3
at its (d, h, k)). `snakemake variants` writes each student a form, ``build/variants/answer_forms/<id>.yaml``,
which the student fills and hands in as ``<id>.yaml`` beside ``<id>.ipynb``; `snakemake grade` checks each
number against the student's row of the answer key, the one made with the handouts (grading reads it, never
remakes it). These are checks for the grader, not points: Problems 1-3 are marked from the PDF with the marking
guide, and a count made under another convention (say, counting the tanh evaluations too, or k additions per
k-term dot product) can be right and still differ from the key. Problem 4's points are the autograder's
(:mod:`hw4.q4.grading`).
"""

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from hw4.marking import label
from hw4.variants import ID_RE, PARAMS


@dataclass(frozen=True)
class Field:
    key: str  # the answer key's column, and the form's key
    part: str  # the sub-part it belongs to (marking's name)
    what: str
    required: bool = True


FIELDS = (
    Field("q1_params", "q1.a", "trainable parameters of the layer"),
    Field("q1_ops", "q1.b", "arithmetic operations (scalar adds and multiplies) for all the hidden activations"),
    Field("q2_ops_full", "q2", "operations of full self-attention"),
    Field("q2_ops_window", "q2", "operations of sliding-window attention, if it is your method", False),
    Field("q2_ops_linear", "q2", "operations of linear attention, if it is your method", False),
    Field("q2_ops_performer", "q2", "operations of Performer attention, if it is your method", False),
    Field("q3_ops_full", "q3.a", "operations of the full gradient for one pair"),
    Field("q3_ops_sampled", "q3.b", "operations of the sampled gradient for one pair"),
)
ANSWER_SUFFIXES = (".yaml", ".yml")
MATCHES, DIFFERS, BLANK, NOT_A_NUMBER = "matches", "differs", "blank", "not a whole number"
# A count as a student may write it: digits, maybe grouped by spaces, commas, underscores or thin spaces.
GROUP_SEPARATORS = " ,_\u00a0\u2009\u202f"
GROUPED_RE = re.compile(rf"[+-]?\d{{1,3}}([{GROUP_SEPARATORS}])\d{{3}}(?:\1\d{{3}})*")  # 1 234 567, 1,234,567
NULLS = ("", "~", "null", "Null", "NULL")  # how YAML writes nothing


class GradesError(ValueError):
    pass


def list_submissions(folder: str | Path) -> tuple[dict[str, str], dict[str, str]]:
    """({id: notebook}, {id: answer form}) of the files in ``folder``: <id>.ipynb as handed in (any other file is
    graded as a notebook too, and gets its row and reason) and <id>.yaml, the filled form. Refused, naming the
    files and the fix: a missing or empty folder, an id that cannot name a file, two notebooks or forms of one id
    (ids compare ignoring case: AB123.ipynb and ab123.yaml are one student's)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GradesError(f"grade.submissions = {str(folder)!r}: no such folder. Fix: the folder of the notebooks")
    notebooks, answers = {}, {}
    spelling: dict[str, str] = {}  # ids compare ignoring case (as the roster's do): one spelling per student
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if not ID_RE.fullmatch(path.stem):
            raise GradesError(f"{path}: {path.stem!r} cannot be a student id. Fix: name each file <id>.ipynb")
        sid = spelling.setdefault(path.stem.lower(), path.stem)
        found = answers if path.suffix.lower() in ANSWER_SUFFIXES else notebooks
        if sid in found:
            raise GradesError(f"{found[sid]} and {path}: two files for {sid}. Fix: keep one of each per student")
        found[sid] = str(path)
    if not notebooks and not answers:
        raise GradesError(f"{folder}: no submissions in it. Fix: one notebook per student, named <id>.ipynb")
    return notebooks, answers


def sizes_text(row: dict, problem: str) -> str:
    names = PARAMS[problem]
    return f"({', '.join(names)}) = ({', '.join(str(row[f'{problem}_{n}']) for n in names)})"


def answer_form(row: dict) -> str:
    """The YAML form a student fills for one variant (``row``: its answer-key row; the answers stay blank)."""
    sid = row["id"]
    lines = [
        f"# ECE-GY 9123 Homework 4, {sid}: the numbers of your answers to Problems 1-3, at your variant's sizes:",
        f"#   Problem 1 {sizes_text(row, 'q1')}; Problem 2 {sizes_text(row, 'q2')};",
        f"#   Problem 3 {sizes_text(row, 'q3')}.",
        "# Write each as a whole number after its key, digits only (e.g. 1234567); leave a key blank if you did not",
        "# answer it. Problem 2: the count of full attention, and the count of your method under its key (leave the",
        f"# other methods blank). Hand this file in as {sid}.yaml with your notebook, {sid}.ipynb.",
        f"id: {sid}",
    ]
    width = max(len(f.key) for f in FIELDS) + 2
    lines += [f"{f.key + ':':<{width}} # {label(f.part)}: {f.what}" for f in FIELDS]
    return "\n".join(lines) + "\n"


class _FormLoader(yaml.BaseLoader):
    """YAML with every value a string (no YAML 1.1 guesses: 044 is not octal, 1:20 not base 60), and a key given
    twice refused."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):  # *name: a form has none, and aliases can nest exponentially
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "an alias (*name), which a form never has", mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k) for k, _ in node.value]
        twice = sorted({str(k) for k in keys if keys.count(k) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {twice}", node.start_mark)
        return super().construct_mapping(node, deep)


def read_answers(path: str | Path, sid: str) -> dict:
    """A filled form as {key: text}. Refused, naming the file and the fix: a file that is not the form (not YAML,
    a key given twice, unknown keys), the form of another id."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_FormLoader)  # noqa: S506 (builds no objects)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        why = getattr(err, "problem", None) or type(err).__name__
        raise GradesError(f"{path.name}: not the answer form ({why}). Fix: hand in the filled form") from err
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise GradesError(f"{path.name}: not the answer form (no 'key: value' lines). Fix: hand in the filled form")
    form_id = data.pop("id", None)
    if not isinstance(form_id, str) or not form_id.strip():
        raise GradesError(f"{path.name}: no 'id:' line. Fix: hand in your own form, which begins with id: {sid}")
    if form_id.strip().lower() != sid.lower():
        raise GradesError(f"{path.name}: the form of {form_id}, not of {sid}. Fix: hand in your own form")
    keys = {f.key for f in FIELDS}
    unknown = sorted(str(k) for k in data if k not in keys)
    if unknown:
        raise GradesError(f"{path.name}: unknown keys {unknown}. Fix: keep the form's keys ({', '.join(sorted(keys))})")
    return data


def read_count(text) -> Decimal | None:
    """A count as the form holds it: None when blank, else the whole number, exactly (digits, grouped by threes or
    not, or an exponent: 2.7e3; kept a Decimal, so that 1e999999999 is never spelled out); ValueError for anything
    else (words, a fraction, a list)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return Decimal(text)
    if not isinstance(text, str):
        raise ValueError("not a number")
    text = text.strip()
    if text in NULLS:
        return None
    if GROUPED_RE.fullmatch(text):
        text = re.sub(f"[{GROUP_SEPARATORS}]", "", text)
    try:
        value = Decimal(text)  # exact: 1.2345678901234567e17 keeps its digits
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError("not a whole number")
    return value


def _status(text, expected: int) -> str:
    try:
        value = read_count(text)
    except ValueError:
        return NOT_A_NUMBER
    if value is None:
        return BLANK
    return MATCHES if value == expected else DIFFERS


def _answered(value) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip() in NULLS)


def check_answers(answers: dict, row: dict) -> dict[str, str]:
    """Each required number, and each method of Problem 2 that was answered, against the variant's answer-key row:
    matches, differs, blank or not a whole number (a method left blank is another student's method)."""
    return {
        f.key: _status(answers.get(f.key, ""), int(row[f.key]))
        for f in FIELDS
        if f.required or _answered(answers.get(f.key))
    }


def theory_record(path: str | Path | None, row: dict | None, sid: str) -> dict:
    """One student's checks: {checks: key -> status, reason} (reason: why nothing could be checked)."""
    if path is None:
        return {"checks": {}, "reason": f"no {sid}.yaml handed in"}
    if row is None:
        fix = "Fix: grade with the variants settings (roster) the handouts were made with"
        return {"checks": {}, "reason": f"{sid} has no variant in the answer key. {fix}"}
    try:
        return {"checks": check_answers(read_answers(path, sid), row), "reason": ""}
    except GradesError as err:
        return {"checks": {}, "reason": str(err)}


def read_key(path: str | Path) -> dict[str, dict]:
    """The answer key (build/variants/answer_key.csv, made by `snakemake variants` with the handouts) as
    {id: row}; a missing key is refused with the fix."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return {row["id"]: row for row in csv.DictReader(fh)}
    except FileNotFoundError:
        raise GradesError(
            f"{path}: no answer key, so the answer forms cannot be checked. Fix: run `snakemake variants` with the "
            "variants settings (roster, seed) the handouts were made with, then grade again"
        ) from None


def theory_records(status: dict[str, str], answers: dict[str, str], key: dict[str, dict]) -> dict[str, dict]:
    """Every listed student's checks (:func:`theory_record`); none for those not graded (``status``'s reason)."""
    by_id = {k.lower(): row for k, row in key.items()}  # ids compare ignoring case
    return {
        sid: {"checks": {}, "reason": why} if why else theory_record(answers.get(sid), by_id.get(sid.lower()), sid)
        for sid, why in status.items()
    }


def match_roster(notebooks: dict, answers: dict, roster: list[str] | None) -> tuple[dict, dict, dict[str, str]]:
    """The submissions under the roster's spelling of their ids (ids compare ignoring case, as the roster's do),
    and id -> '' (graded) or why not: an id off the roster, a roster student with nothing handed in. Without a
    roster, every id in the folder. A roster that none of the files matches is refused (the wrong roster)."""
    handed = sorted(set(notebooks) | set(answers))
    if roster is None:
        return notebooks, answers, dict.fromkeys(handed, "")
    spelling = {sid.lower(): sid for sid in roster}
    if handed and not any(sid.lower() in spelling for sid in handed):
        raise GradesError(
            f"none of the {len(handed)} students in the folder ({', '.join(handed[:3])}"
            f"{' ...' if len(handed) > 3 else ''}) is on the roster variants.roster ({', '.join(roster[:3])}"
            f"{' ...' if len(roster) > 3 else ''}). Fix: give the roster the handouts were made with"
        )

    def renamed(files):
        return {spelling.get(sid.lower(), sid): path for sid, path in files.items()}

    notebooks, answers = renamed(notebooks), renamed(answers)
    status = {sid: "" if sid in notebooks or sid in answers else "nothing handed in" for sid in roster}
    for sid in handed:
        if sid.lower() not in spelling:
            status[sid] = "not on the roster (variants.roster). Fix: name the files by the student's id on the roster"
    return notebooks, answers, status


def student_text(reason: str) -> str:
    """A reason as a student reads it: without the instructor's fix."""
    return reason.split(" Fix:")[0]


def grades_table(status: dict[str, str], records: dict[str, dict], theory: dict[str, dict] | None, parts: dict) -> list:
    """One row per student: id, each notebook item's points (0 where not graded), total, out of, the notebook's
    status and reason; then, if forms were checked: how many numbers matched the key of those checked, each one's
    check (check_<key>) and why none was checked."""
    rows = []
    for sid, why in status.items():
        rec = records.get(sid) or {"status": "not graded", "reason": why or f"no {sid}.ipynb handed in", "points": {}}
        points = {int(k): float(v) for k, v in rec["points"].items()}
        row = {"id": sid, **{f"q4.{k}": round(points.get(k, 0.0), 4) for k in parts}}
        row["total"] = round(sum(points.get(k, 0.0) for k in parts), 4)
        row["out_of"] = round(sum(parts.values()), 4)
        row["status"], row["reason"] = rec["status"], rec["reason"]
        if theory is not None:
            checks = theory.get(sid, {}).get("checks", {})
            row["numbers_matching"] = sum(s == MATCHES for s in checks.values())
            row["numbers_checked"] = len(checks)
            row.update({f"check_{f.key}": checks.get(f.key, "") for f in FIELDS})
            row["numbers_reason"] = theory.get(sid, {}).get("reason", "")
        rows.append(row)
    return rows


def feedback_text(sid: str, why: str, rec: dict | None, theory: dict | None, parts: dict) -> str:
    """A student's feedback: Problem 4's total, then each item that lost points and why; then, if the numbers of
    Problems 1-3 were checked, each one that does not match the key (never the key's value)."""
    out_of = sum(parts.values())
    if rec is None or rec["status"] != "graded":
        reason = why or (rec["reason"] if rec else f"no {sid}.ipynb handed in")
        lines = [f"# Problem 4, {sid}: 0 of {out_of:g} points", "", f"Not graded: {student_text(reason)}"]
    else:
        points = {int(k): float(v) for k, v in rec["points"].items()}
        lines = [f"# Problem 4, {sid}: {sum(points.get(k, 0.0) for k in parts):g} of {out_of:g} points", ""]
        lost = {}
        for k, reason in rec["feedback"]:
            lost.setdefault(int(k), []).append(reason)
        for k in parts:
            if points.get(k, 0.0) < parts[k]:
                reason = "; ".join(lost.get(k, [])) or "its tests did not run"
                lines.append(f"- Item 4.{k} ({points.get(k, 0.0):g} of {parts[k]:g} points): {reason}")
        if len(lines) == 2:
            lines.append("Every item passed its tests.")
    if theory is not None:
        lines += [
            "",
            f"# Problems 1-3, {sid}: your answer form",
            "",
            "Your points for Problems 1-3 come from your PDF; these checks of your numbers help the grader (a count",
            "made under another convention can be right and still differ from the key).",
            "",
        ]
        checks = theory.get("checks", {})
        if not checks:
            lines.append(f"Not checked: {student_text(theory.get('reason', ''))}")
        for f in FIELDS:
            if checks.get(f.key, MATCHES) != MATCHES:
                lines.append(f"- {label(f.part)}, {f.key} ({f.what}): {checks[f.key]}")
        if checks:
            n = sum(s == MATCHES for s in checks.values())
            lines.append(f"{n} of {len(checks)} match the key" + ("." if n < len(checks) else ": every number."))
    return "\n".join(lines) + "\n"
