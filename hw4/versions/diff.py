"""Diff this build of the report against a base version: the words, the numbers and the figures.

- Document: the value-level diff (hw4/versions/valuediff.py) when the base keeps its templates and they differ
  from the current ones in words only; else latexdiff of both versions' rendered .tex, compiled in the project's
  sandbox, in a coarser mode when its markup does not compile, and last a word diff of the two PDFs' text. The
  mode used (and why the value-level one was not) is stated on the PDF's first page and in results-diff.md/.json.
- Results: every value in build/results/*.json that changed (numbers with absolute and relative change, timings
  flagged), and keys added or removed (hw4/versions/results.py).
- Figures: compared by their rendered pixels (pdftoppm at a fixed dpi), not by file bytes; each changed figure
  is shown old | new | changed pixels in a PNG, listed in the markdown and appended to the diff PDF.

The base is an archive (data/archive/<label>/, hw4/versions/archive.py) or a git revision; a revision without a
clean archive is built with the default profile in a temporary git worktree (a full default build), then archived
as rev-<sha12>, so the next diff against it is quick.
"""

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from itertools import zip_longest
from pathlib import Path

import numpy as np

from hw4.io import atomic_path, write_json
from hw4.latex import escape_latex
from hw4.tex import TexError, compile_tex
from hw4.versions.archive import build_files, load_archive, save_archive
from hw4.versions.git import git, resolve_base
from hw4.versions.results import flatten, is_number, is_timing, results_diff  # noqa: F401 (the diff's API)
from hw4.versions.valuediff import DESCRIPTION as VALUE_DESCRIPTION
from hw4.versions.valuediff import MODE as VALUE_MODE
from hw4.versions.valuediff import ValueModeUnavailable, value_document

# The documents a diff can compare (versions.document): the submission, or the instructor's solutions.
COMPARED = {"hw4": "the submission (hw4.pdf)", "hw4_solutions": "the instructor's solutions (hw4_solutions.pdf)"}
DOCUMENTS = [
    f"build/{name}{suffix}" for name in ("hw4", "hw4_problems", "hw4_solutions") for suffix in (".pdf", "_pages.json")
] + [f"build/tex/{name}.tex" for name in ("hw4", "hw4_problems", "hw4_solutions")]
PROVENANCE = "provenance.json"
TEMPLATE_DIR = "report"
# latexdiff modes, finest first. "coarse" treats tables, pictures and listings as single blocks, marks math
# whole and marks changes with colour and font only (CFONT needs no ulem underlining, the usual failure).
LATEXDIFF_MODES = {
    "fine": [],
    "coarse": [
        "--math-markup=whole",
        "--graphics-markup=none",
        "--type=CFONT",
        "--config=PICTUREENV=(?:picture|DIFnomarkup|tikzpicture|tabular|lstlisting)[\\w\\d*@]*",
    ],
}
MODE_NAMES = {
    VALUE_MODE: VALUE_DESCRIPTION,
    "fine": "latexdiff, default markup (words underlined/struck out, math by parts)",
    "coarse": "latexdiff, coarse markup (math, tables, pictures and listings marked whole; colour only)",
    "text": "text only: word diff of the two PDFs' text (latexdiff output did not compile)",
}


class DiffError(RuntimeError):
    pass


# --------------------------------------------------------------------------------------------- figures
def render_pages(pdf: str | Path, dpi: int) -> list[np.ndarray]:
    """Each page of ``pdf`` as an RGB array, rendered by pdftoppm at ``dpi``."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="hw4-pages-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        pages = sorted(Path(tmp).glob("p*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
        return [np.asarray(Image.open(p).convert("RGB")) for p in pages]


def compare_pages(old: list[np.ndarray], new: list[np.ndarray]) -> dict:
    """Pixels that differ between two renderings (a different page count or page size changes them all)."""
    total = changed = 0
    for a, b in zip_longest(old, new):
        if a is None or b is None or a.shape != b.shape:
            n = max(x.shape[0] * x.shape[1] for x in (a, b) if x is not None)
            total, changed = total + n, changed + n
        else:
            total += a.shape[0] * a.shape[1]
            changed += int(np.any(a != b, axis=2).sum())
    return {"changed": changed > 0, "pixels_changed": changed, "fraction": changed / total if total else 0.0}


def _pad(img: np.ndarray, height: int, width: int) -> np.ndarray:
    out = np.full((height, width, 3), 255, np.uint8)
    out[: img.shape[0], : img.shape[1]] = img
    return out


def side_by_side(old: list[np.ndarray], new: list[np.ndarray], path: str | Path, gap: int = 12) -> None:
    """Write a PNG with, per page, base | current | changed pixels (red), under a caption row."""
    from PIL import Image, ImageDraw

    rows = []
    for a, b in zip_longest(old, new, fillvalue=np.full((10, 10, 3), 255, np.uint8)):
        h, w = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
        a, b = _pad(a, h, w), _pad(b, h, w)
        mask = np.any(a != b, axis=2)
        diff = (0.25 * b + 191).astype(np.uint8)
        diff[mask] = (220, 0, 0)
        white = np.full((h, gap, 3), 255, np.uint8)
        rows.append(np.concatenate([a, white, b, white, diff], axis=1))
    width = max(r.shape[1] for r in rows)
    body = np.concatenate([_pad(r, r.shape[0] + gap, width) for r in rows], axis=0)
    head = Image.new("RGB", (width, 18), "white")
    draw = ImageDraw.Draw(head)
    third = (width - 2 * gap) // 3
    for i, text in enumerate(("base", "current", "changed pixels")):
        draw.text((i * (third + gap) + 4, 3), text, fill=(0, 0, 0))
    img = Image.new("RGB", (width, 18 + body.shape[0]), "white")
    img.paste(head, (0, 0))
    img.paste(Image.fromarray(body), (0, 18))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        img.save(tmp, format="PNG")


def figures_diff(old: dict[str, Path], new: dict[str, Path], dpi: int, png_dir: str | Path) -> dict:
    """Figures (stem -> PDF) compared by pixels; a side-by-side PNG for each changed one."""
    out = {"changed": [], "added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)), "same": []}
    for name in sorted(set(old) & set(new)):
        a, b = render_pages(old[name], dpi), render_pages(new[name], dpi)
        cmp = compare_pages(a, b)
        if not cmp["changed"]:
            out["same"].append(name)
            continue
        png = Path(png_dir) / f"{name}.png"
        side_by_side(a, b, png)
        out["changed"].append({"figure": name, "png": str(png), "bytes_equal": False, **cmp})
    return out


# --------------------------------------------------------------------------------------------- document
def run_latexdiff(old_tex: str | Path, new_tex: str | Path, options: list[str]) -> str:
    if not shutil.which("latexdiff"):
        raise DiffError("latexdiff not found. Install it: apt-get install -y latexdiff (or run `make`)")
    cmd = ["latexdiff", "--encoding=utf8", *options, str(old_tex), str(new_tex)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or "\\begin{document}" not in proc.stdout:
        raise DiffError(f"latexdiff failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return proc.stdout


def annotate(tex: str, note: str, figure_pngs: list[str]) -> str:
    """Add the summary box after \\begin{document} and the changed figures (side by side) at the end."""
    box = "\n\\noindent\\fbox{\\parbox{\\dimexpr\\linewidth-2\\fboxsep-2\\fboxrule}{\\small " + note + "}}\\par\n"
    figs = ""
    if figure_pngs:
        figs = "\n\\clearpage\n\\section*{Figures whose pixels changed (base \\textbar{} current \\textbar{} changed pixels)}\n"
        for png in figure_pngs:
            name = escape_latex(Path(png).stem)
            figs += f"\\begin{{center}}\\includegraphics[width=\\linewidth]{{figures/{Path(png).name}}}\\\\\n"
            figs += f"\\texttt{{{name}}}\\end{{center}}\n"
    begin = tex.index("\\begin{document}") + len("\\begin{document}")
    end = tex.rindex("\\end{document}")
    return tex[:begin] + box + tex[begin:end] + figs + tex[end:]


def pdf_words(pdf: str | Path) -> list[tuple[int, str]]:
    """(page, word) for every word of the PDF's text (pdftotext)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(p + 1, w) for p, page in enumerate(text.split("\f")) for w in page.split()]


def text_diff_tex(old_pdf: str | Path, new_pdf: str | Path) -> tuple[str, int]:
    """A plain LaTeX document listing the word changes between two PDFs' text; (source, number of hunks)."""
    a, b = pdf_words(old_pdf), pdf_words(new_pdf)
    sm = difflib.SequenceMatcher(None, [w for _, w in a], [w for _, w in b], autojunk=False)
    hunks = []
    for group in sm.get_grouped_opcodes(8):
        parts = []
        j = group[0][3]  # the page of the hunk's first word in the current version
        page = b[j][0] if j < len(b) else (b[-1][0] if b else 1)
        for tag, i1, i2, j1, j2 in group:
            old_words, new_words = (escape_latex(" ".join(w for _, w in ws)) for ws in (a[i1:i2], b[j1:j2]))
            if tag == "equal":
                parts.append(new_words)
            if tag in ("delete", "replace"):
                parts.append(f"\\textcolor{{red!75!black}}{{[-{old_words}-]}}")
            if tag in ("insert", "replace"):
                parts.append(f"\\textcolor{{blue!75!black}}{{\\{{+{new_words}+\\}}}}")
        hunks.append(f"\\item[p.\\,{page}] " + " ".join(parts))
    body = "\\begin{description}\n" + "\n".join(hunks) + "\n\\end{description}\n" if hunks else "No text changed.\n"
    doc = (
        "\\documentclass[11pt]{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{lmodern}\n\\usepackage{textcomp}\n\\usepackage[margin=1in]{geometry}\n\\usepackage{xcolor}\n"
        "\\usepackage{graphicx}\n\\newcommand{\\unichar}[1]{{\\ttfamily\\footnotesize<U+#1>}}\n"
        "\\setlength{\\parindent}{0pt}\n\\begin{document}\n\\section*{Text changes (page of the current version)}\n"
        f"{body}\\end{{document}}\n"
    )
    return doc, len(hunks)


def document_diff(
    old: dict,
    new: dict,
    figure_pngs: list[str],
    note: str,
    source_date_epoch: int,
    workdir: Path,
    *,
    modes=("fine", "coarse"),
    log_path: Path | None = None,
    values=None,
) -> dict:
    """Make the diff PDF of builds ``old`` and ``new`` (see read_build): the value-level document when ``values``
    (a function returning its LaTeX and what it marked) is given and applies, else each latexdiff mode, then the
    text-only diff.

    Returns {mode, description, attempts: [{mode, ok, error}], tex: the source that compiled, pdf: its path
    inside a compile directory (the caller moves it and removes ``work``), work, marked (value mode only)}.
    """
    attempts = []
    pngs = [Path(p) for p in figure_pngs]
    figures = [*(p for n, p in old["figures"].items() if n not in new["figures"]), *new["figures"].values()]
    path = workdir / "hw4-diff.tex"

    def compiled(mode: str, tex: str, files: list[Path], **extra) -> dict:
        path.write_text(tex, encoding="utf-8")
        work, pdf, _ = compile_tex(path, files, source_date_epoch, log_path)
        attempts.append({"mode": mode, "ok": True, "error": None, **extra.pop("attempt", {})})
        return {"mode": mode, "description": MODE_NAMES[mode], "attempts": attempts, "tex": tex, "pdf": pdf,
                "work": work, **extra}  # fmt: skip

    why = ""
    if values is not None:
        try:
            tex, marked = values()
            return compiled(VALUE_MODE, tex, [*figures, *pngs], marked=marked)
        except (ValueModeUnavailable, TexError, subprocess.TimeoutExpired) as err:
            attempts.append({"mode": VALUE_MODE, "ok": False, "error": str(err).strip()[:1500]})
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            why = f" Value-level marks were not used: {escape_latex(first[:400])}."
    note = note.replace("@WHY@", why)
    for mode in modes:
        try:
            raw = run_latexdiff(old["tex"], new["tex"], LATEXDIFF_MODES[mode])
            tex = annotate(raw, note.replace("@MODE@", escape_latex(MODE_NAMES[mode])), figure_pngs)
            return compiled(mode, tex, [*figures, *pngs])
        except (DiffError, TexError, subprocess.TimeoutExpired) as err:
            attempts.append({"mode": mode, "ok": False, "error": str(err).strip()[:1500]})
    if old["pdf"] is None or not Path(old["pdf"]).is_file():
        raise DiffError("latexdiff output did not compile in any mode and the base has no PDF for a text diff")
    doc, hunks = text_diff_tex(old["pdf"], new["pdf"])
    tex = annotate(doc, note.replace("@MODE@", escape_latex(MODE_NAMES["text"])), figure_pngs)
    return compiled("text", tex, pngs, attempt={"hunks": hunks})


# --------------------------------------------------------------------------------------------- builds
def read_build(
    root: str | Path,
    results: list[str] | None = None,
    figures: list[str] | None = None,
    templates: list[str] | None = None,
    document: str = "hw4",
) -> dict:
    """The parts of a build (a project directory or an archive) that a diff compares: its results, figures,
    the rendered .tex and PDF of ``document``, its templates (None when it keeps none) and the config it was
    built with (None when its provenance does not record it)."""
    root = Path(root)

    def paths(given: list[str] | None, pattern: str) -> list[Path]:
        return [root / p for p in given] if given is not None else sorted(root.glob(pattern))

    loaded = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in paths(results, "build/results/*.json")}
    pdf = root / f"build/{document}.pdf"
    return {
        "root": root,
        "tex": root / f"build/tex/{document}.tex",
        "pdf": pdf if pdf.is_file() else None,
        "results": loaded,
        "figures": {p.stem: p for p in paths(figures, "figures/*.pdf")},
        "templates": {p.name: p.read_text(encoding="utf-8") for p in paths(templates, f"{TEMPLATE_DIR}/*.j2")} or None,
        "config": (loaded.get(PROVENANCE) or {}).get("config", {}).get("values"),
    }


def describe_current(current: dict, document: str) -> str:
    """'working tree at commit <sha12> (dirty); document compared: ...' from the rule's git params."""
    text = "working tree" + (f" at commit {current['sha'][:12]}" if current["sha"] else "")
    text += " (dirty)" if current["dirty"] else ""
    return f"{text}; document compared: {COMPARED[document]}"


def build_in_worktree(repo: Path, sha: str, archive_root: Path, label: str, cores: int, log: Path) -> Path:
    """Build commit ``sha`` with the default profile in a temporary git worktree and archive it as ``label``.

    Costs one full default build. The worktree is removed afterwards (the repository keeps no trace but the
    pruned worktree entry); the archive stays, so the next diff against this commit takes no build.
    """
    tmp = Path(tempfile.mkdtemp(prefix="hw4-base-"))
    tree = tmp / "tree"
    added = git(repo, "worktree", "add", "--detach", str(tree), sha)
    if added is None:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DiffError(f"git worktree add {tree} {sha} failed in {repo}")
    try:
        bindir = Path(sys.executable).parent  # this environment's snakemake, and its tools on the PATH
        env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
        exe = str(bindir / "snakemake") if (bindir / "snakemake").exists() else "snakemake"
        start = time.perf_counter()
        proc = subprocess.run([exe, "-c", str(cores)], cwd=tree, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise DiffError(f"the default build of {sha[:12]} in a worktree failed; see {log}:\n{proc.stderr[-3000:]}")

        def rel(pattern: str) -> list[str]:
            return [str(p.relative_to(tree)) for p in sorted(tree.glob(pattern))]

        docs = [d for d in DOCUMENTS if (tree / d).is_file()] + rel(f"{TEMPLATE_DIR}/*.j2")
        prov = tree / "build/results/provenance.json"
        chash = json.loads(prov.read_text())["config"]["hash"] if prov.is_file() else None
        save_archive(
            tree,
            archive_root,
            label,
            build_files(tree, docs, rel("build/results/*.json"), rel("figures/*.pdf")),
            git={"sha": sha, "dirty": False},
            config_hash=chash,
            source_date_epoch=None,
            extra={"made_by": "snakemake diff: default build in a temporary git worktree", "build_seconds": seconds},
        )
    finally:
        git(repo, "worktree", "remove", "--force", str(tree))
        git(repo, "worktree", "prune")
        shutil.rmtree(tmp, ignore_errors=True)
    return archive_root / label


def get_base(repo: Path, archive_root: Path, spec: str, cores: int, log: Path) -> tuple[Path, dict]:
    """(root of the base build, how it was obtained); builds it in a worktree when it has to."""
    base = resolve_base(repo, archive_root, spec)
    if base["kind"] == "error":
        raise DiffError(base["error"])
    if base["kind"] == "worktree":
        start = time.perf_counter()
        build_in_worktree(repo, base["sha"], archive_root, base["label"], cores, log)
        base["built_seconds"] = time.perf_counter() - start
    root = archive_root / base["label"]
    base["manifest"] = load_archive(root)
    return root, base


# --------------------------------------------------------------------------------------------- report
_HEADINGS = {"abs": "abs change", "rel": "rel change"}  # results-diff.md's column headings, where not the key


def _fmt(x) -> str:
    if x is None:
        return "--"
    if isinstance(x, float):
        return f"{x:.6g}"
    s = json.dumps(x, ensure_ascii=False) if not isinstance(x, str) else x
    s = s.replace("|", "\\|").replace("\n", " ")
    return s if len(s) <= 80 else s[:77] + "..."


def markdown(report: dict) -> str:
    b, r, f, d = report["base"], report["results"], report["figures"], report["document"]
    lines = [f"# What changed: {b['description']} -> current build", ""]
    lines += [f"- Base: {b['description']}", f"- Current: {report['current']['description']}"]
    lines += [f"- Document diff: `hw4-diff.pdf`, mode **{d['mode']}**: {d['description']}"]
    for a in d["attempts"]:
        if not a["ok"]:
            verb = "not used" if a["mode"] == VALUE_MODE else "failed"
            lines.append(f"  - mode {a['mode']} {verb}: {a['error'].splitlines()[0] if a['error'] else ''}")
    if "marked" in d:
        m = d["marked"]
        words = m["words"]
        lines.append(
            f"  - marked: {sum(len(v) for v in m['values'].values())} value(s) in place, "
            f"+{sum(w['added'] for w in words.values())} / -{sum(w['deleted'] for w in words.values())} word(s), "
            f"{len(m['figures'])} figure caption(s); {len(m['verdicts'])} verdict(s) changed; "
            f"{len(m['not_printed'])} changed value(s) the document does not print"
        )
    lines.append("")

    def table(title: str, rows: list[dict], keys: tuple[str, ...]) -> list[str]:
        out = [f"## {title} ({len(rows)})", ""]
        if not rows:
            return out + ["None.", ""]
        out += ["| " + " | ".join(_HEADINGS.get(k, k) for k in keys) + " |", "|" + "---|" * len(keys)]
        for row in rows:
            cells = (f"{100 * row[k]:+.3g}%" if k == "rel" and row[k] is not None else row.get(k) for k in keys)
            out.append("| " + " | ".join(_fmt(c) for c in cells) + " |")
        return out + [""]

    number = ("file", "key", "old", "new", "abs", "rel")
    timing = {t: [e for e in r["changed"] if e["timing"] == t] for t in (False, True)}
    for title, rows, keys in (
        ("Numeric results that changed", timing[False], number),
        ("Timings and machine values that changed (measured: they vary between runs)", timing[True], number),
        ("Other values that changed (text, formulas)", r["other_changed"], ("file", "key", "old", "new")),
        ("Keys added", r["added"], ("file", "key", "new")),
        ("Keys removed", r["removed"], ("file", "key", "old")),
    ):
        lines += table(title, rows, keys)
    if r["files_added"] or r["files_removed"]:
        lines += ["## Results files added or removed", ""]
        lines += [f"- {what}: `{n}`" for what in ("added", "removed") for n in r[f"files_{what}"]] + [""]
    lines += [f"## Figures whose pixels changed ({len(f['changed'])}; compared at {f['dpi']} dpi)", ""]
    for c in f["changed"]:
        lines += [
            f"### {c['figure']}: {c['pixels_changed']} pixels changed ({100 * c['fraction']:.2f}%)",
            "",
            f"![{c['figure']}: base | current | changed pixels](figures/{Path(c['png']).name})",
            "",
        ]
    if not f["changed"]:
        lines += ["None.", ""]
    for what in ("added", "removed"):
        if f[what]:
            lines += [f"Figures {what}: " + ", ".join(f"`{n}`" for n in f[what]), ""]
    lines += [f"Figures with the same pixels: {len(f['same'])}.", ""]
    lines += table(
        "Provenance differences (commit, versions, rule wall times)", report["provenance"], ("key", "old", "new")
    )
    return "\n".join(lines).rstrip() + "\n"


def describe_base(base: dict) -> str:
    m = base.get("manifest", {})
    sha = (m.get("git") or {}).get("sha")
    where = f"archive data/archive/{base['label']}"
    if base["kind"] == "worktree":
        where += f", just built in a temporary git worktree ({base['built_seconds']:.0f} s)"
    rev = f" = commit {sha[:12]}" if sha else ""
    dirty = " (dirty)" if (m.get("git") or {}).get("dirty") else ""
    return f"'{base['spec']}'{rev}{dirty}, from {where}"


def diff_builds(
    old: dict,
    new: dict,
    out_dir: Path,
    dpi: int,
    base_text: str,
    current_text: str,
    source_date_epoch: int,
    modes=("fine", "coarse"),
    log_path=None,
    render_spec: dict | None = None,
    mark_all: bool = False,
) -> dict:
    """Compare two builds (see read_build); write hw4-diff.pdf/.tex, results-diff.md/.json and figures/ in
    ``out_dir``; return the report.

    ``render_spec`` (template_dir, template, mode, config, results: name -> path) says how the current document
    is rendered: with it the document is the value-level diff (hw4/versions/valuediff.py) where that applies,
    latexdiff's otherwise. ``mark_all`` marks every printed value as changed (a test of the marks)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    png_dir = out_dir / "figures"
    shutil.rmtree(png_dir, ignore_errors=True)
    png_dir.mkdir()
    old_prov = old["results"].pop(PROVENANCE, None)
    new_prov = new["results"].pop(PROVENANCE, None)
    res = results_diff(old["results"], new["results"])
    prov = results_diff({"p": old_prov or {}}, {"p": new_prov or {}})
    prov_rows = [
        {"key": e["key"], "old": e.get("old"), "new": e.get("new")}
        for kind in ("changed", "other_changed", "added", "removed")
        for e in prov[kind]
    ]
    figs = figures_diff(old["figures"], new["figures"], dpi, png_dir)
    figs["dpi"] = dpi
    pngs = [c["png"] for c in figs["changed"]]
    n_num = len([e for e in res["changed"] if not e["timing"]])
    note = (
        f"\\textbf{{Diff of this report.}} Base: {escape_latex(base_text)}. Current: {escape_latex(current_text)}. "
        "Markup: @MODE@.@WHY@ "
        f"{n_num} numeric result(s) changed, {len(figs['changed'])} figure(s) changed by pixels"
        f"{' (shown side by side at the end)' if pngs else ''}; details in build/diff/results-diff.md."
    )
    values = None
    if render_spec is not None:
        spec = {**render_spec, "templates": new.get("templates") or {}}
        changed = {c["figure"]: c["png"] for c in figs["changed"]}
        values = partial(
            value_document,
            old=old,
            render_spec=spec,
            res=res,
            changed_figures=changed,
            base_text=base_text,
            current_text=current_text,
            mark_all=mark_all,
        )
    with tempfile.TemporaryDirectory(prefix=".diff-", dir=out_dir) as tmp:
        doc = document_diff(
            old, new, pngs, note, source_date_epoch, Path(tmp), modes=modes, log_path=log_path, values=values
        )
        try:
            with atomic_path(out_dir / "hw4-diff.pdf") as t:
                shutil.copyfile(doc["pdf"], t)
            with atomic_path(out_dir / "hw4-diff.tex") as t:
                t.write_text(doc["tex"], encoding="utf-8")
        finally:
            shutil.rmtree(doc["work"], ignore_errors=True)
    report = {
        "base": {"description": base_text},
        "current": {"description": current_text},
        "document": {k: doc[k] for k in ("mode", "description", "attempts", "marked") if k in doc},
        "results": res,
        "figures": {**figs, "changed": [{**c, "png": f"figures/{Path(c['png']).name}"} for c in figs["changed"]]},
        "provenance": prov_rows,
    }
    write_json(out_dir / "results-diff.json", report)
    with atomic_path(out_dir / "results-diff.md") as t:
        t.write_text(markdown(report), encoding="utf-8")
    return report
