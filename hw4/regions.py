"""Marked regions of the project's modules: the one source of the code that the PDF's listings and the notebook's
cells show (``# region: NAME`` ... ``# endregion``)."""

from pathlib import Path


def read_region(script: str | Path, region: str) -> str:
    """The lines between ``# region: NAME`` and its ``# endregion`` in a project module, dedented.

    Regions nest: a region may hold smaller ones (the few lines a notebook cell shows, inside the function the
    solutions show whole); an ``# endregion`` closes the innermost open region, and the marker lines
    themselves are not part of the text.  The PDF's listings and the notebook's cells both come from here: code
    is excerpted from the code that ran, never retyped.
    """
    lines = Path(script).read_text(encoding="utf-8").splitlines()
    start = f"# region: {region}"
    try:
        i = next(k for k, line in enumerate(lines) if line.strip() == start)
    except StopIteration:
        raise KeyError(f"{script}: no marked region '{start}' (add it, or fix the name in the template)") from None
    depth = 0
    for j in range(i, len(lines)):
        marker = lines[j].strip()
        if marker.startswith("# region: "):
            depth += 1
        elif marker == "# endregion":
            depth -= 1
            if depth == 0:
                break
    else:
        raise KeyError(f"{script}: region '{region}' has no closing '# endregion'")
    body = [s for s in lines[i + 1 : j] if not (s.strip().startswith("# region: ") or s.strip() == "# endregion")]
    indent = min((len(s) - len(s.lstrip()) for s in body if s.strip()), default=0)
    return "\n".join(s[indent:] for s in body)
