"""Problem 4's notebook. ``notebooks/hw4_q4.py`` is the solution notebook, in the percent format of jupytext (a
``# %%`` line starts a code cell, ``# %% [markdown]`` a markdown cell; ``tags=[...]`` and ``hw4={...}`` after it
are the cell's metadata; a commented ``# %magic`` line is a magic). Everything else derives from it:

- ``read_source``: the notebook, cells and metadata (``hw4.item``, ``hw4.role``: guidance, solution);
- ``handout``: each solution cell reduced to its ``# TODO: Qk.`` line and a stub; ``fill`` gives the solution back;
- ``inject``: the build's settings as a cell after the ``parameters`` cell (papermill's convention, so papermill
  runs it as well);
- ``execute``: nbclient runs it top to bottom in a python3 kernel; a failing cell stops with the cell and item;
  code the build runs before or after the cells (the harvest of the results) is not kept in the notebook;
- ``add_answers``: before each item's code cell, a markdown cell with its one-line answer in bold.
"""

import datetime
import json
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "notebooks" / "hw4_q4.py"
STUB = "...  # TODO: your code here"

_MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<meta>.*)$")
_META = re.compile(r"\s*(\w+)=")
_MAGIC = re.compile(r"^# ([%!].*)$")


class NotebookError(RuntimeError):
    """A notebook did not run: the message names the cell (and the item) and what to do."""


def _metadata(text: str, where: str) -> dict:
    meta, pos, decoder = {}, 0, json.JSONDecoder()
    while text[pos:].strip():
        m = _META.match(text, pos)
        if not m:
            raise ValueError(f"{where}: cannot read the cell metadata {text!r} (key=JSON expected)")
        value, pos = decoder.raw_decode(text, m.end())
        meta[m.group(1)] = value
    return meta


def read_source(path: Path = SOURCE) -> nbformat.NotebookNode:
    """The percent-format file as a notebook (no outputs)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
    )
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        m = _MARKER.match(line)
        if m:
            new_cell = nbformat.v4.new_markdown_cell if m.group("md") else nbformat.v4.new_code_cell
            nb.cells.append(new_cell("", metadata=_metadata(m.group("meta"), f"{path}:{number}")))
        elif nb.cells:  # a markdown cell's lines are comments; a code cell's commented magics are magics
            line = re.sub(r"^# ?", "", line) if nb.cells[-1].cell_type == "markdown" else _MAGIC.sub(r"\1", line)
            nb.cells[-1].source += line + "\n"
    for cell in nb.cells:
        cell.source = cell.source.strip("\n")
    nbformat.validate(nb)
    return nb


_TODO = re.compile(r"^# TODO: Q(\d+)\.")


def role(cell) -> tuple[int | None, str | None]:
    """(item, role) of a cell: role 'guidance', 'solution' or 'answer'; (None, None) for the fixed cells. A code
    cell without our metadata (the handout's, a student's) is an item's by its ``# TODO: Qk.`` line."""
    meta = cell.get("metadata", {}).get("hw4", {})
    if meta:
        return meta.get("item"), meta.get("role")
    todo = _TODO.match(cell.get("source", "")) if cell.get("cell_type") == "code" else None
    return (int(todo.group(1)), "solution") if todo else (None, None)


def handout(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The incomplete notebook: each solution cell is its TODO line and a stub; no outputs, no answers, none of
    our metadata (an item's cell is known by its TODO line)."""
    nb = nbformat.from_dict(solution)
    nb.cells = [cell for cell in nb.cells if role(cell)[1] != "answer" and "injected-parameters" not in _tags(cell)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
            if role(cell)[1] == "solution":
                todo = cell.source.splitlines()[0]
                if not todo.startswith("# TODO: Q"):
                    raise ValueError(f"a solution cell must start with its '# TODO: Qk.' line, not {todo!r}")
                cell.source = f"{todo}\n{STUB}"
        cell.metadata.pop("hw4", None)
    nbformat.validate(nb)
    return nb


def solutions(nb: nbformat.NotebookNode) -> dict[int, str]:
    """{item: the code of its solution cell, under the TODO line}."""
    return {role(c)[0]: c.source.split("\n", 1)[1] for c in nb.cells if role(c)[1] == "solution"}


def fill(handout_nb: nbformat.NotebookNode, answers: dict[int, str]) -> nbformat.NotebookNode:
    """The handout with each stub replaced by that item's code in ``answers`` (a student's, or ``solutions``)."""
    nb = nbformat.from_dict(handout_nb)
    for cell in nb.cells:
        k, kind = role(cell)
        if kind == "solution" and k in answers:
            cell.source = cell.source.replace(STUB, answers[k])
    return nb


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def parameter_defaults(nb: nbformat.NotebookNode) -> dict:
    """{name: value} that the notebook's ``parameters`` cell sets (its own cell: constant assignments only)."""
    (cell,) = [c for c in nb.cells if "parameters" in _tags(c)]
    defaults: dict = {}
    exec(cell.source, {}, defaults)
    return defaults


def inject(nb: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """A copy of ``nb`` with a cell assigning ``parameters`` right after its ``parameters`` cell."""
    nb = nbformat.from_dict(nb)
    (index,) = [k for k, cell in enumerate(nb.cells) if "parameters" in _tags(cell)]
    lines = ["# Settings of this run (they replace the defaults above)"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(index + 1, cell)
    return nb


def _seconds(cell) -> float | None:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def execute(nb, cwd: Path, before: str = "", after: str = "", timeout: int = 4 * 3600, kernel_name="python3"):
    """Run every cell of ``nb`` in order in a kernel started in ``cwd`` (outputs recorded in place). ``before`` and
    ``after`` run in the same kernel first and last and are not kept. Returns {item: seconds its cell took}."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        coalesce_streams=True,  # one output per stream and cell, as a notebook front end shows it
        resources={"metadata": {"path": str(cwd)}},
    )
    extra = {"before": before, "after": after}
    seconds = {}
    try:
        with client.setup_kernel():
            for name in ("before", None, "after"):
                cells = [(k, c) for k, c in enumerate(nb.cells) if c.cell_type == "code"] if name is None else []
                if name and extra[name]:
                    nb.cells.append(nbformat.v4.new_code_cell(extra[name]))
                    cells = [(len(nb.cells) - 1, nb.cells[-1])]
                try:
                    for index, cell in cells:
                        try:
                            client.execute_cell(cell, index)
                        except (CellExecutionError, CellTimeoutError) as exc:
                            error = (
                                f"{exc.ename}: {exc.evalue}" if hasattr(exc, "ename") else f"timed out ({timeout} s)"
                            )
                            if name is not None:  # the build's own code, after (or before) every cell ran
                                raise NotebookError(
                                    f"the code run {name} the notebook's cells failed: {error}"
                                ) from None
                            k = role(cell)[0]
                            where = f"cell {index + 1}" + (f" (item Q{k})" if k else "")
                            first = cell.source.splitlines()[0] if cell.source else ""
                            raise NotebookError(
                                f"the notebook stopped at {where}, which begins {first!r}: {error}"
                            ) from None
                        if role(cell)[1] == "solution":
                            seconds[role(cell)[0]] = _seconds(cell)
                finally:
                    if name and extra[name]:
                        nb.cells.pop()
    except NotebookError:
        raise
    except DeadKernelError as exc:
        raise NotebookError(f"the notebook's kernel died ({exc}): killed, or out of memory") from None
    except Exception as exc:  # the kernel did not start
        raise NotebookError(
            f"the Jupyter kernel failed ({type(exc).__name__}: {exc}). Check that ipykernel is installed in this "
            "environment (pip install -r requirements.txt) and that `python -m ipykernel --version` runs."
        ) from None
    for cell in nb.cells:  # no timings in the file: the same run gives the same notebook
        cell.metadata.pop("execution", None)
    nbformat.validate(nb)
    return seconds


def add_answers(nb: nbformat.NotebookNode, answers: dict[int, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with a markdown cell holding ``answers[item]`` right before each item's solution cell:
    the answer first, then the code and outputs that give it."""
    nb = nbformat.from_dict(nb)
    cells = []
    for cell in nb.cells:
        k, kind = role(cell)
        if kind == "solution":
            cells.append(nbformat.v4.new_markdown_cell(answers[k], metadata={"hw4": {"item": k, "role": "answer"}}))
        cells.append(cell)
    nb.cells = cells
    nbformat.validate(nb)
    return nb
