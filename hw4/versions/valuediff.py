"""The value-level diff document: the current report with what changed since the base marked in place.

- Values: the current templates rendered with every value that changed (results files, and the config where the
  base recorded it) wrapped in a change mark: new, then old small and struck out (hw4/versions/marks.py). The
  marks are made by the renderer, which knows the results key each ``\\VAR{}`` prints, so tables and formulas stay
  well formed whatever changed.
- Prose: the templates' own words, diffed word by word against the base's templates (hw4/versions/prose.py).
- Figures: a changed figure's caption is marked and links to its base | current | changed-pixels page, appended.
- A summary page first: per part of the report, the values, measured values, words and figures that changed, and
  the pages they are on (links, from the marks' .aux records); the verdicts (claims) that changed; the changed
  values the document does not print.

Where this cannot apply (the base keeps no templates, its templates differ in structure, the render or the
compile fails), :class:`ValueModeUnavailable` says why, and the caller falls back to latexdiff.
"""

import re
import tempfile
from collections import Counter
from pathlib import Path

from hw4.latex import Raw, escape_latex, load_results, mark_raw
from hw4.render import RenderError, build_context, render
from hw4.versions.marks import PREAMBLE, Marker, changes_from, flag_branches, track
from hw4.versions.prose import diff_templates
from hw4.versions.results import flatten, is_timing, problem_of, results_diff

MODE = "values"
DESCRIPTION = (
    "value-level: each changed value marked in place (new, then the old one small and struck out); "
    "the templates' prose compared word by word"
)
PARTS = {"front": "Title page", **{f"q{i}": f"Problem {i}" for i in range(1, 5)}, "appendix": "Appendix"}
_CAPTION = re.compile(r"\\(?:figcaption|captionof\{figure\})\{")


class ValueModeUnavailable(RuntimeError):
    pass


def value_changes(res: dict, old_results: dict[str, dict], old_config: dict | None, new_config: dict) -> dict:
    """(file, key) -> base value of every printed-able value that changed: the results diff ``res`` (of the files
    ``old_results``), plus the config's values when the base recorded them (file "config")."""
    old_flat = {(f, k): v for f, data in old_results.items() for k, v in flatten(mark_raw(data)).items()}
    changes = changes_from(res, old_flat)
    if old_config is not None:
        cfg = results_diff({"config": old_config}, {"config": new_config})
        changes.update(changes_from(cfg, {("config", k): v for k, v in flatten(old_config).items()}))
    return changes


def figure_label(stem: str) -> str:
    return "hwfig:" + re.sub(r"[^A-Za-z0-9]", "-", stem)


def mark_figures(tex: str, stems: list[str]) -> tuple[str, list[str]]:
    """Put ``\\hwfig`` at the start of the caption of each changed figure (after the figure when it has none);
    return the text and the figures found in it."""
    found = []
    for stem in stems:
        pattern = re.compile(r"\\includegraphics(?:\[[^\]]*\])?\{figures/" + re.escape(stem) + r"(?:\.pdf)?\}")
        hits = list(pattern.finditer(tex))
        if hits:
            found.append(stem)
        for m in reversed(hits):
            cap = _CAPTION.search(tex, m.end(), m.end() + 1000)
            pos = cap.end() if cap and "\\includegraphics" not in tex[m.end() : cap.start()] else m.end()
            mark = f"\\hwfig{{{problem_of(stem)}}}{{{figure_label(stem)}}}"
            tex = tex[:pos] + mark + tex[pos:]
    return tex, found


_TABULAR = re.compile(r"\\(begin|end)\{tabular\}")
_MARK = re.compile(r"\\hw(?:chg|new|add|del)\{")


def fit_tables(tex: str) -> str:
    """Wrap each outermost tabular that carries a mark in ``hwfit``: the old values beside the new ones widen a
    table, and a table wider than the line is scaled down to it (its rows stay rows, on the page)."""
    out, depth, start, last = [], 0, 0, 0
    for m in _TABULAR.finditer(tex):
        if m.group(1) == "begin":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                span = tex[start : m.end()]
                if _MARK.search(span):
                    out += [tex[last:start], "\\begin{hwfit}", span, "\\end{hwfit}"]
                    last = m.end()
    return "".join(out) + tex[last:]


def _count(n: int) -> str:
    return str(n) if n else "--"


def summary_tex(
    base_text: str, current_text: str, marked: dict, unprinted: list, words: dict, figures: list[str], verdicts: list
) -> str:
    """The first page: what changed, by part (``marked``: part -> keys marked there; ``words``: part -> added and
    deleted words), with links to the pages the marks are on; the verdicts that changed; how many changed values
    (``unprinted``: their keys) carry no mark."""
    rows = []
    for part, title in PARTS.items():
        keys = marked.get(part, set())
        values = len([k for k in keys if not is_timing(*k)])
        measured = len(keys) - values
        w = words.get(part, {"added": 0, "deleted": 0})
        figs = len([f for f in figures if problem_of(f) == part])
        if not (values or measured or w["added"] or w["deleted"] or figs):
            continue
        wtext = f"+{w['added']} / $-${w['deleted']}" if w["added"] or w["deleted"] else "--"
        rows.append(
            f"{title} & {_count(values)} & {_count(measured)} & {wtext} & {_count(figs)} & \\hwpages{{{part}}} \\\\"
        )
    table = "\n".join(rows) if rows else "\\multicolumn{6}{l}{Nothing that this document shows changed.} \\\\"
    out = [
        "\\section*{What changed since the base}",
        "\\begin{tabular}{@{}p{0.13\\linewidth}p{0.8\\linewidth}@{}}",
        f"Base & {escape_latex(base_text)} \\\\",
        f"Current & {escape_latex(current_text)} \\\\",
        f"Marks & {escape_latex(DESCRIPTION)}. \\\\",
        "\\end{tabular}",
        "",
        "\\noindent Legend: a changed value \\hwchg{legend}{0.8824}{0.8529}; a value the base did not have "
        "\\hwnew{legend}{42}; added words \\hwadd{legend}{like these}; deleted words \\hwdel{legend}{like these}.",
        "",
        "\\begin{center}",
        "\\begin{tabular}{lrrrrl}",
        "\\toprule",
        "part & values & measured & words & figures & pages \\\\",
        "\\midrule",
        table,
        "\\bottomrule",
        "\\end{tabular}",
        "\\end{center}",
        "{\\small \\emph{values}: results and settings printed in the document that changed (each marked where it "
        "is printed); \\emph{measured}: times, memory and other measurements of the machine, which vary between "
        "runs; \\emph{words}: added / deleted words of the templates' text; pages link to the pages of this "
        "document that carry the marks.}",
    ]
    if figures:
        items = ", ".join(
            f"\\texttt{{{escape_latex(f)}}} (page~\\pageref{{{figure_label(f)}}})" for f in sorted(figures)
        )
        out += ["", f"\\noindent Figures whose pixels changed: {items}."]
    if verdicts:
        out += [
            "",
            "\\noindent Verdicts (claims of the check steps) that changed; each chooses words of its problem, which "
            "may read differently now (marked \\hwflip{legend} where a sentence chosen by a changed value starts):",
            "\\begin{itemize}[itemsep=0pt]",
        ]
        for v in verdicts:
            out.append(
                f"\\item {PARTS.get(problem_of(v['file']), '')}: \\texttt{{{escape_latex(v['file'])}}} "
                f"\\texttt{{{escape_latex(v['key'])}}}: {'yes' if v['old'] else 'no'} $\\to$ "
                f"{'yes' if v['new'] else 'no'}"
            )
        out.append("\\end{itemize}")
    if unprinted:
        parts = "; ".join(f"{PARTS[p]}: {n}" for p, n in Counter(problem_of(*k) for k in unprinted).items())
        out += [
            "",
            f"\\noindent {len(unprinted)} changed value(s) are not marked in this document ({parts}): it does not "
            "print them, or prints them equal at its precision. results-diff.md beside this PDF lists every "
            "changed value.",
        ]
    return "\n".join(out) + "\n"


def figures_pages(figures: list[str], pngs: dict[str, str]) -> str:
    if not figures:
        return ""
    out = ["\\clearpage", "\\section*{Figures whose pixels changed (base \\textbar{} current \\textbar{} changed)}"]
    for stem in sorted(figures):
        png = Path(pngs[stem]).name
        out += [
            "\\begin{center}",
            f"\\phantomsection\\label{{{figure_label(stem)}}}"
            f"\\includegraphics[width=\\linewidth,height=0.4\\textheight,keepaspectratio]{{figures/{png}}}\\\\",
            f"\\texttt{{{escape_latex(stem)}}}: \\href{{run:figures/{png}}}{{\\texttt{{figures/{escape_latex(png)}}}}}"
            " beside this PDF",
            "\\end{center}",
        ]
    return "\n".join(out) + "\n"


# Packages the marks need, loaded only when the report's preamble has not (hyperref must stay last).
_NEEDS = r"""
\makeatletter
\@ifpackageloaded{xcolor}{}{\usepackage{xcolor}}
\@ifpackageloaded{amsmath}{}{\usepackage{amsmath}}
\@ifpackageloaded{enumitem}{}{\usepackage{enumitem}}
\@ifpackageloaded{booktabs}{}{\usepackage{booktabs}}
\@ifpackageloaded{graphicx}{}{\usepackage{graphicx}}
\makeatother
\providecommand\hyperlink[2]{#2}
\providecommand\href[2]{#2}
\providecommand\phantomsection{}
\providecommand\pdfstringdefDisableCommands[1]{}
"""


def value_document(
    *,
    old: dict,
    render_spec: dict,
    res: dict,
    changed_figures: dict,
    base_text: str,
    current_text: str,
    mark_all: bool = False,
) -> tuple[str, dict]:
    """The diff document's LaTeX, and what it marked ({values, words, figures, verdicts, unprinted}).

    ``old``: the base build (hw4.versions.diff.read_build: its templates, results, config); ``res``: the results
    diff; ``render_spec``: how the current document is rendered: template_dir, template, mode, config, results
    (name -> path) and templates (name -> text). ``changed_figures``: stem -> side-by-side PNG.
    Raises ValueModeUnavailable when this mode cannot apply.
    """
    old_templates, old_results, old_config = old.get("templates"), old["results"], old.get("config")
    if old_templates is None:
        raise ValueModeUnavailable(
            "the base keeps no copy of the report's templates (an archive made before archives kept them)"
        )
    tdiff = diff_templates(old_templates, render_spec["templates"])
    if tdiff.structural:
        where = "; ".join(f"{s['template']} line {s['line']}" for s in tdiff.structural[:5])
        more = f" and {len(tdiff.structural) - 5} more" if len(tdiff.structural) > 5 else ""
        raise ValueModeUnavailable(
            f"the templates differ in structure, not only in words ({where}{more}), so the base's text cannot be "
            "placed in the current document"
        )
    config = render_spec["config"]
    changes = value_changes(res, old_results, old_config, config)
    results = render_spec["results"]
    context = build_context(config, render_spec["mode"], {})
    loaded = {Path(path).name: load_results(path) for path in results.values()}
    context["results"] = {name: track(loaded[Path(path).name], Path(path).name) for name, path in results.items()}
    context["config"] = track(config, "config")
    marker = Marker(
        changes,
        mark_all=mark_all,
        old={**old_results, "config": old_config},
        new={**loaded, "config": config},
    )
    with tempfile.TemporaryDirectory(prefix="hw4-diff-templates-") as tmp:
        for name, text in tdiff.marked.items():
            # the preamble's conditions choose definitions, not sentences: no flag may land there
            flagged = text if name.startswith("preamble") else flag_branches(text)
            (Path(tmp) / name).write_text(flagged, encoding="utf-8")
        try:
            tex = render(tmp, render_spec["template"], context, marker=marker)
        except RenderError as err:
            raise ValueModeUnavailable(f"the current templates did not render with the marks: {err}") from None
    if "\\begin{document}" not in tex or "\\end{document}" not in tex:
        raise ValueModeUnavailable("the rendered document has no \\begin{document} ... \\end{document}")
    tex, figures = mark_figures(tex, sorted(changed_figures))
    tex = fit_tables(tex)
    verdicts = [e for e in res["other_changed"] if isinstance(e["old"], bool) and isinstance(e["new"], bool)]
    marked = marker.by_part()
    shown = set().union(*marked.values(), ((v["file"], v["key"]) for v in verdicts))  # marked, or a verdict
    unprinted = [k for k in changes if k not in shown and not is_timing(*k)]
    summary = summary_tex(base_text, current_text, marked, unprinted, tdiff.words, figures, verdicts)
    head, body = tex.split("\\begin{document}", 1)
    body, tail = body.rsplit("\\end{document}", 1)
    tex = (
        f"{head}{_NEEDS}{PREAMBLE}\\begin{{document}}\n{summary}\\clearpage\n{body}"
        f"{figures_pages(figures, changed_figures)}\\end{{document}}{tail}"
    )
    stats = {
        "values": {p: sorted(f"{f}:{k}" for f, k in keys) for p, keys in marked.items()},
        "words": tdiff.words,
        "figures": figures,
        "verdicts": [{k: v[k] for k in ("file", "key", "old", "new")} for v in verdicts],
        "flagged_branches": len(marker.flips),
        "not_printed": sorted(f"{f}:{k}" for f, k in unprinted),
    }
    return Raw(tex), stats
