"""What a rule's code depends on: the package modules its script imports, found from Python's import graph.

A rule lists these files as inputs, so that editing a module reruns exactly the steps whose scripts import it
(directly or through other modules), and no others: editing the Problem 1 derivation never reruns Problem 4
training.  The imports are read with :mod:`ast` (nothing is executed), including imports inside functions, and
followed module by module within the package.
"""

import ast
from functools import cache
from pathlib import Path

PACKAGE = "hw4"
# How every rule script is started (run_script, and mock_snakemake when it runs by hand): never what a step
# computes, so editing it reruns nothing.
ENTRY_MODULES = {"hw4.smk"}


def _module_file(root: Path, dotted: str) -> Path | None:
    """The file of a package module or subpackage (its __init__.py), or None if it is not in the package."""
    parts = dotted.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts)
    return next((f for f in (base / "__init__.py", base.with_suffix(".py")) if f.is_file()), None)


def _with_parents(root: Path, dotted: str) -> list[Path]:
    """A module and the __init__.py of every package above it (importing a.b.c runs a/__init__ and a/b/__init__)."""
    parts = dotted.split(".")
    files = [_module_file(root, ".".join(parts[:i])) for i in range(1, len(parts) + 1)]
    return [f for f in files if f is not None]


def imported_modules(root: Path, path: Path) -> set[str]:
    """Dotted names of the package modules one file imports (absolute or relative, at any depth of the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the file's package (its folder), one level up per dot after the first
                pkg = list(path.relative_to(root).parts[:-1])
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            # `from hw4.q1 import rnn` imports the submodule rnn when there is one
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n.split(".")[0] == PACKAGE and n not in ENTRY_MODULES and _module_file(root, n)}


@cache
def _closure(root: Path, script: Path) -> tuple[Path, ...]:
    seen: set[Path] = set()
    todo = [script]
    while todo:
        path = todo.pop()
        for name in imported_modules(root, path):
            for f in _with_parents(root, name):
                if f not in seen:
                    seen.add(f)
                    todo.append(f)
    seen.discard(script)
    return tuple(sorted(seen))


def package_deps(script: str | Path, root: str | Path) -> list[str]:
    """The package files ``script`` imports, transitively, as paths relative to ``root`` (rule inputs)."""
    root = Path(root).resolve()
    script = (root / script).resolve()
    return [str(p.relative_to(root)) for p in _closure(root, script)]
