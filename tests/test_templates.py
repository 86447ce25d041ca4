"""The templates only look values up: no arithmetic, comparisons, thresholds or sorting in Jinja.

Every derived number and every comparing sentence comes from a results key that a check step wrote, so the
prose cannot contradict its numbers and `snakemake diff` sees every printed value.  This reads the Jinja
expressions of every template (``\\VAR{...}``, ``\\BLOCK{...}``, ``%%`` line statements) and refuses the
operators and filters that compute.
"""

import re
from pathlib import Path

import pytest
from conftest import ROOT

from hw4.latex import fixed, make_env
from hw4.render import placeholder_warnings

TEMPLATES = sorted((ROOT / "report").glob("*.j2"))
EXPRESSION = re.compile(r"\\VAR\{((?:[^{}]|\{[^{}]*\})*)\}|\\BLOCK\{((?:[^{}]|\{[^{}]*\})*)\}|^\s*%%(.*)$", re.M)
# What computes: arithmetic, comparisons, and the filters/functions that aggregate or reorder.
COMPUTING = [
    (re.compile(r"(?<![\w\"'])(?:\*\*?|//?|%)(?![\w\"'])|\s[+-]\s|\(\s*-"), "arithmetic"),
    (re.compile(r"[<>]=?|==|!="), "a comparison"),
    (
        re.compile(
            r"\|\s*(?:max|min|sum|sort|dictsort|length|count|round|abs|selectattr|rejectattr|map|groupby|unique)\b"
        ),
        "a computing filter",
    ),
    (
        re.compile(r"\b(?:max|min|sum|sorted|len|abs|round|range)\s*\(|\.(?:startswith|endswith|count|index)\("),
        "a computing function",
    ),
    (re.compile(r"\b\d+(?:\.\d+)?(?:e-?\d+)?\b(?![\w\"'])"), "a number literal (a threshold?)"),
]
# Allowed: formatting arguments, indices into a list of rows, and choosing a sentence by a category that the
# check step wrote (`%% if c.category == "never"`): a string, not a number.
ALLOWED = re.compile(
    r"\|\s*(?:sci|fixed_or_na|fixed|pct|int)\s*\(\s*\d+\s*\)|\[\s*-?\d+\s*\]|loop\.index0?|[=!]=\s*\"\""
)


def computing_expressions(text: str) -> list[tuple[int, str, str]]:
    found = []
    for m in EXPRESSION.finditer(text):
        expr = next(g for g in m.groups() if g is not None)
        line = text.count("\n", 0, m.start()) + 1
        stripped = re.sub(r"\"[^\"]*\"|'[^']*'", '""', expr)  # string literals (excerpt names, labels)
        stripped = ALLOWED.sub("", stripped)
        for pattern, what in COMPUTING:
            if pattern.search(stripped):
                found.append((line, what, expr.strip()))
                break
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_only_looks_values_up(template: Path):
    bad = computing_expressions(template.read_text(encoding="utf-8"))
    assert not bad, f"{template.relative_to(ROOT)} computes in Jinja; move these into its check step:\n" + "\n".join(
        f"  line {line}: {what}: {expr}" for line, what, expr in bad
    )


# Each kind of computation, which the check must catch; lookups and formatting, which it must let pass.
COMPUTES = [
    r"\VAR{(r.time_s * 1000) | sci(3)}",
    r"\VAR{a.time / b.time}",
    r"%% if slope < 1.2",
    r"\BLOCK{if x == y}",
    r"\VAR{rows | map(attribute='t') | max}",
    r"%% set counted = v.instances | selectattr('counted') | list",
    r"\VAR{d.rows | length}",
    r"\VAR{rows[-1].n - rows[0].n}",
    r"%% if p > 0.05",
    r'%% if tr.device.startswith("cuda")',
    r"\BLOCK{if hc.errors == 1}was\BLOCK{endif}",
]
LOOKS_UP = [
    r"\VAR{claims.time_ms | sci(3)}",
    r"%% if claims.linear_faster_everywhere",
    r"\VAR{rows[-1].n}",
    r"\VAR{excerpt('hw4/q1/rnn.py', 'wavefront')}",
    r"%% for r in claims.rows",
    r"\VAR{x | fixed(2)}",
    r"\BLOCK{if not loop.last}, \BLOCK{endif}",
    r'%% if hc.one_review_moves == "precision"',
]


@pytest.mark.parametrize(("snippet", "computes"), [(s, True) for s in COMPUTES] + [(s, False) for s in LOOKS_UP])
def test_the_check_catches_computation_and_passes_lookups(snippet, computes):
    assert bool(computing_expressions(snippet)) == computes, snippet


def test_the_title_block_placeholders_warn_naming_the_key():
    lines = placeholder_warnings({"student": {"name": "Your Name", "net_id": "abc123"}})
    assert len(lines) == 2 and "student.name" in lines[0] and "student.net_id" in lines[1]
    assert "config/config.yaml" in lines[0]
    assert placeholder_warnings({"student": {"name": "Ada Lovelace", "net_id": "al123"}}) == []
    assert len(placeholder_warnings({"student": {"name": "Ada Lovelace", "net_id": ""}})) == 1


def test_grammar_filters_pick_the_word_form_and_join_lists():
    env = make_env(ROOT / "report")
    t = env.from_string(r'\VAR{xs | andjoin} \VAR{xs | plural("is", "are")}; \VAR{n | plural("row", "rows")}')
    assert t.render(xs=["a"], n=1) == "a is; row"
    assert t.render(xs=["a", "b"], n=2) == "a and b are; rows"
    assert t.render(xs=["a", "b", "c"], n=0) == "a, b and c are; rows"


def test_fixed_prints_no_minus_zero():
    assert fixed(-1e-9) == "0.00" and fixed(-0.004, 2) == "0.00" and fixed(-0.006, 2) == "-0.01"
    assert fixed(-12345.678, 1) == r"-12\,345.7"
