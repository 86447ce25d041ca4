"""Render a Jinja LaTeX template of report/ with the results files, into one flattened .tex file."""

import traceback
from pathlib import Path

import jinja2

from hw4.latex import load_results, make_env


class RenderError(RuntimeError):
    pass


def _where(exc: BaseException, template_dir, template: str) -> str:
    """'report/x.tex.j2:LINE' of the innermost template frame in the traceback (Jinja keeps those), else the
    template."""
    frames = [f"{f.filename}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    return frames[-1] if frames else f"{template_dir}/{template}"


def render(template_dir: str | Path, template: str, context: dict, marker=None) -> str:
    env = make_env(template_dir, marker)
    try:
        return env.get_template(template).render(**context)
    except jinja2.UndefinedError as exc:
        raise RenderError(
            f"{_where(exc, template_dir, template)}: template uses an undefined value: {exc.message}.\n"
            "Check the variable name in the template, or that the results file that should hold it was "
            "written by its rule (build/results/*.json)."
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or template}:{exc.lineno}: template syntax error: {exc.message}") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise RenderError(f"{_where(exc, template_dir, template)}: {exc}") from None


# What each document shows (report/hw4.tex.j2, report/problem.tex.j2): the homework's instructions (upload by ...)
# and the student block; of each problem its statement always, its answer, its marking guide and its evidence.
# The audit (report/audit.tex.j2) shows the build's checks and provenance instead, none of these.
MODES = {
    "handout": {"instructions": True, "student": False, "answer": False, "guide": False, "evidence": False},
    "submission": {"instructions": True, "student": True, "answer": True, "guide": False, "evidence": False},
    "solutions": {"instructions": False, "student": False, "answer": True, "guide": True, "evidence": True},
    "audit": {"instructions": False, "student": False, "answer": False, "guide": False, "evidence": False},
}
# The title block's placeholders (config/schema.yaml's defaults, config/config.yaml's values).
PLACEHOLDERS = {"name": {"Your Name"}, "net_id": {"abc123", ""}}


def placeholder_warnings(config: dict) -> list[str]:
    """One line per title-block field that still holds a placeholder, naming the key to set."""
    student = config.get("student", {})
    return [
        f"warning: the title block still shows the placeholder student.{key} = {student.get(key, '')!r}: set "
        f"student.{key} in config/config.yaml (or --config 'student={{name: ..., net_id: ...}}') before submitting"
        for key, values in PLACEHOLDERS.items()
        if student.get(key, "") in values
    ]


def build_context(config: dict, mode: str, results: dict[str, str]) -> dict:
    """What the templates see: the config, the document's ``mode`` (a key of MODES) and what it shows (``show``:
    the answers, the evidence), and the results files (name -> path) loaded."""
    if mode not in MODES:
        raise ValueError(f"unknown document mode {mode!r}: use one of {', '.join(MODES)}")
    return {
        "config": config,
        "mode": mode,
        "show": dict(MODES[mode]),
        "results": {name: load_results(path) for name, path in results.items()},
    }
