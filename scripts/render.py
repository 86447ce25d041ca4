"""Render a Jinja LaTeX template of report/ with the results files, into one flattened .tex file."""

import sys
import traceback
from pathlib import Path

import jinja2

from common import atomic_path
from latex_env import load_results, make_env


class RenderError(RuntimeError):
    pass


def _template_frame(exc: BaseException) -> str:
    """'report/x.tex.j2:LINE' of the innermost template frame in the traceback (Jinja keeps those)."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2"):
            where = f"{frame.filename}:{frame.lineno}"
    return where


def render(template_dir: str | Path, template: str, context: dict) -> str:
    env = make_env(template_dir)
    try:
        return env.get_template(template).render(**context)
    except jinja2.UndefinedError as exc:
        where = _template_frame(exc) or f"{template_dir}/{template}"
        raise RenderError(
            f"{where}: template uses an undefined value: {exc.message}.\n"
            "Check the variable name in the template, or that the results file that should hold it was "
            "written by its rule (build/results/*.json)."
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or template}:{exc.lineno}: template syntax error: {exc.message}") from None
    except (KeyError, ValueError, TypeError) as exc:
        where = _template_frame(exc) or f"{template_dir}/{template}"
        raise RenderError(f"{where}: {exc}") from None


def build_context(config: dict, solutions: bool, results: dict[str, str]) -> dict:
    return {
        "config": config,
        "solutions": solutions,
        "results": {name: load_results(path) for name, path in results.items()},
    }


def main(sm) -> None:
    template_dir = Path(sm.input.templates[0]).parent
    results = {name: sm.input[name] for name in sm.params.results}
    context = build_context(dict(sm.params.config), sm.params.solutions, results)
    try:
        text = render(template_dir, sm.params.template, context)
    except RenderError as err:
        print(f"render failed: {err}", file=sys.stderr)
        sys.exit(1)
    with atomic_path(sm.output.tex) as tmp:
        tmp.write_text(text, encoding="utf-8")


if "snakemake" in globals():
    from common import log_to

    with log_to(snakemake.log[0]):  # noqa: F821
        main(snakemake)  # noqa: F821
