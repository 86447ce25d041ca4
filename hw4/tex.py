"""Compile one rendered .tex with latexmk (pdflatex), sandboxed, and read the Gradescope page map.

The compile runs in a fresh directory inside build/ holding only the .tex and its figures, with shell escape
off and TeX's file access limited to that directory (openin_any/openout_any = paranoid).  On failure it
prints the first TeX error with file and line, and leaves no PDF behind; on success the PDF and page map are
moved into place atomically.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from hw4.io import atomic_path

INSTALL_HINT = (
    "latexmk/pdflatex not found. Install TeX Live, e.g. on Debian/Ubuntu:\n"
    "  sudo apt-get install -y latexmk texlive-latex-extra texlive-fonts-recommended lmodern\n"
    "(or run `make` from the project root, which does this for you)."
)


class TexError(RuntimeError):
    pass


def first_tex_error(log_text: str, tex_lines: list[str] | None = None) -> str:
    """The first error in a TeX log (file:line: message form, or '! ...'), with the offending source line."""
    lines = log_text.splitlines()
    for k, line in enumerate(lines):
        m = re.match(r"^(.*?\.(?:tex|sty|cls|aux)):(\d+): (.*)$", line)
        if m or line.startswith("! "):
            msg = m.group(3) if m else line[2:]
            where = f"{m.group(1)}:{m.group(2)}" if m else "?"
            context = [s for s in lines[k + 1 : k + 4] if s.strip()]  # what TeX printed after it
            out = "\n  ".join([f"{where}: {msg}", *context])
            if m and tex_lines is not None and m.group(1).endswith(".tex"):
                n = int(m.group(2))
                if 1 <= n <= len(tex_lines):
                    out += f"\n  source line {n}: {tex_lines[n - 1].strip()[:200]}"
            return out
    return "no error line found in the TeX log; see the full log"


def _brace_groups(s: str) -> list[str]:
    groups, depth, cur = [], 0, []
    for ch in s:
        if ch == "{":
            if depth > 0:
                cur.append(ch)
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                groups.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
        elif depth > 0:
            cur.append(ch)
    return groups


def page_map(aux_text: str, page_count: int) -> dict:
    """Pages of each problem and sub-part, from the gs:<part>:start/end labels that the template places."""
    marks: dict[str, dict[str, int]] = {}
    for line in aux_text.splitlines():
        m = re.match(r"^\\newlabel\{gs:([^:}]+):(start|end)\}(.*)$", line)
        if not m:
            continue
        inner = _brace_groups(m.group(3))
        fields = _brace_groups(inner[0]) if inner else []
        if len(fields) < 2 or not fields[1].isdigit():
            raise TexError(f"page map: cannot read the page of label gs:{m.group(1)}:{m.group(2)}: {line}")
        marks.setdefault(m.group(1), {})[m.group(2)] = int(fields[1])
    parts = {}
    for name, se in marks.items():
        if "start" not in se or "end" not in se:
            raise TexError(f"page map: part '{name}' has a start or end mark but not both")
        parts[name] = list(range(se["start"], se["end"] + 1))
    return {"page_count": page_count, "parts": dict(sorted(parts.items()))}


def page_count_from_log(log_text: str) -> int:
    m = re.search(r"Output written on .*?\((\d+) pages?", log_text.replace("\n", ""))
    if not m:
        raise TexError("pdflatex wrote no PDF (no 'Output written' line in the log)")
    return int(m.group(1))


# What latexmk needs to know of an earlier run of a document (its cross-references, bookmarks and the checksums
# of what it read): seeded with them, a compile whose references have not moved takes one pdflatex pass, not two.
STATE = (".aux", ".out", ".fdb_latexmk")


def _seed_state(work: Path, stem: str, folders: list[Path]) -> None:
    """Copy the state of the first folder that holds all of it (latexmk still reruns pdflatex when the
    references it reads back changed, so a stale or foreign state changes the time taken, never the PDF)."""
    for folder in folders:
        found = [Path(folder) / f"{stem}{ext}" for ext in STATE]
        if all(p.is_file() for p in found):
            for p in found:
                shutil.copy2(p, work / p.name)
            return


def _keep_state(work: Path, stem: str, folder: Path) -> None:
    for ext in STATE:
        src = work / f"{stem}{ext}"
        if src.is_file():
            with atomic_path(Path(folder) / src.name) as tmp:  # never a half-written .aux for the next run
                shutil.copyfile(src, tmp)


def compile_tex(
    tex: Path,
    figures: list[Path],
    source_date_epoch: int,
    log_path: Path | None = None,
    state: Path | None = None,
    seed: list[Path] = (),
):
    """Compile ``tex``; return (the compile directory, the PDF in it, the page map). Raises TexError with the
    first error.

    ``state``: a folder where the run's latexmk state is kept (STATE) and read back next time; ``seed``: other
    folders to read it from when ``state`` has none (a variant's documents start from the default build's)."""
    if not shutil.which("latexmk") or not shutil.which("pdflatex"):
        raise TexError(INSTALL_HINT)
    work = Path(tempfile.mkdtemp(prefix=f".compile-{tex.stem}-", dir=tex.parent))
    shutil.copy2(tex, work / tex.name)
    if figures:
        (work / "figures").mkdir()
        for fig in figures:
            shutil.copy2(fig, work / "figures" / Path(fig).name)
    _seed_state(work, tex.stem, ([state] if state else []) + list(seed))
    # reproducible dates; TeX reads and writes only below `work` (paranoid), and never runs a shell
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(source_date_epoch), FORCE_SOURCE_DATE="1")
    env.update(openin_any="p", openout_any="p", shell_escape="f")
    cmd = ["latexmk", "-pdf", "-pdflatex=pdflatex %O %S", "-interaction=nonstopmode", "-halt-on-error"]
    cmd += ["-file-line-error", "-no-shell-escape", "-norc", tex.name]
    try:
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, errors="replace")
        log_file = work / f"{tex.stem}.log"
        log_text = log_file.read_text(errors="replace") if log_file.exists() else proc.stdout + proc.stderr
        if log_path:
            Path(log_path).parent.mkdir(parents=True, exist_ok=True)
            Path(log_path).write_text(log_text + "\n--- latexmk ---\n" + proc.stdout + proc.stderr)
        pdf = work / f"{tex.stem}.pdf"
        if proc.returncode != 0 or not pdf.exists():
            err = first_tex_error(log_text, (work / tex.name).read_text(errors="replace").splitlines())
            raise TexError(f"LaTeX failed on {tex}:\n{err}\nFull log: {log_path or log_file}")
        aux = work / f"{tex.stem}.aux"
        pages = page_map(aux.read_text(errors="replace") if aux.exists() else "", page_count_from_log(log_text))
        if state:
            _keep_state(work, tex.stem, state)
        return work, pdf, pages
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def compile_pdf(tex: Path, pdf_out: Path, figures: list[Path], source_date_epoch: int, log_path=None, **state):
    """compile_tex, then the PDF moved into ``pdf_out`` atomically and the compile directory removed; returns
    the page map. ``state``: compile_tex's state and seed."""
    work, pdf, pages = compile_tex(Path(tex), figures, source_date_epoch, log_path, **state)
    try:
        with atomic_path(pdf_out) as tmp:
            shutil.copyfile(pdf, tmp)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return pages
